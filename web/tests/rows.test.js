// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rows } from '../state/rows.js';

/** @param {number} seq @param {string} author @param {string} at */
const msg = (seq, author, at) => ({
  id: `m${seq}`, channel_id: 'c', seq, author_id: author, content: '', html: '', created_at: at,
  edited_at: null, deleted: false, thread_root_id: null, reply_count: 0, mentions: [],
});

test('messages by one author within five minutes share a head; a new day gets a separator', () => {
  const list = [
    msg(1, 'a', '2026-03-02T10:00:00'), msg(2, 'a', '2026-03-02T10:04:00'),
    msg(3, 'a', '2026-03-02T10:10:00'), msg(4, 'b', '2026-03-02T10:11:00'),
    msg(5, 'b', '2026-03-03T10:11:00'),
  ];
  const out = rows(list, [], { readMarker: 0, me: 'a' });
  assert.deepEqual(out.map((r) => r.kind === 'message' ? `${r.message.seq}${r.head ? 'H' : ''}` : r.kind),
    ['day', '1H', '2', '3H', '4H', 'day', '5H']);
});

test('the message above the window decides the first head, and no duplicate day', () => {
  const out = rows([msg(2, 'a', '2026-03-02T10:01:00')], [], { before: msg(1, 'a', '2026-03-02T10:00:00'), readMarker: 0, me: 'x' });
  assert.deepEqual(out.map((r) => r.kind), ['message']);
  assert.equal(out[0].kind === 'message' && out[0].head, false);
});

test('the new line sits before the first unread message by someone else', () => {
  const list = [msg(1, 'b', '2026-03-02T10:00:00'), msg(2, 'me', '2026-03-02T10:00:10'), msg(3, 'b', '2026-03-02T10:00:20')];
  const out = rows(list, [], { readMarker: 1, me: 'me' });
  assert.deepEqual(out.map((r) => r.key), ['day-2026-3-2', 'm1', 'm2', 'new', 'm3']);
});

test('pending messages follow, under their author', () => {
  const list = [msg(1, 'me', '2026-03-02T10:00:00')];
  const pending = [{ clientId: 'k', channelId: 'c', content: 'x', status: /** @type {const} */ ('failed'), reason: 'offline', created_at: '2026-03-02T10:01:00' }];
  const out = rows(list, pending, { readMarker: 0, me: 'me' });
  assert.deepEqual(out.map((r) => r.key), ['day-2026-3-2', 'm1', 'pending-k']);
  assert.equal(out[2].kind === 'pending' && out[2].head, false);
});

test('a pending message from an earlier day adds no second separator for that day', () => {
  const day1 = '2026-11-30T10:00:00Z';
  const day2 = '2026-12-01T10:00:00Z';
  const messages = [
    { id: 'a', seq: 1, author_id: 'ana', created_at: day1 },
    { id: 'b', seq: 2, author_id: 'ben', created_at: day2 },
  ];
  const pending = [{ clientId: 'p', channelId: 'c', content: 'x', created_at: day1, status: 'failed', reason: '', retry: true }];
  const out = rows(/** @type {any} */ (messages), /** @type {any} */ (pending), { before: null, readMarker: 2, me: 'ana' });
  const keys = out.map((r) => r.key).filter(Boolean);
  assert.equal(new Set(keys).size, keys.length, `duplicate keys: ${keys}`);
});
