// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, save, put, drop, retryable, failure } from '../state/outbox.js';
import { loadDraft, saveDraft } from '../state/drafts.js';

const memory = () => {
  const map = new Map();
  return { map, getItem: (/** @type {string} */ k) => map.get(k) ?? null, setItem: (/** @type {string} */ k, /** @type {string} */ v) => { map.set(k, v); }, removeItem: (/** @type {string} */ k) => { map.delete(k); } };
};
/** @param {string} id @returns {import('../state/messages.js').Pending} */
const entry = (id, status = /** @type {'pending' | 'failed'} */ ('pending'), retry = true) =>
  ({ clientId: id, channelId: 'c', content: `text ${id}`, status, created_at: '2026-01-01T00:00:00Z', reason: '', retry });

test('the outbox survives a reload, per user', () => {
  const storage = memory();
  save(storage, 'u1', put(put([], entry('a')), entry('b')));
  assert.deepEqual(load(storage, 'u1').map((p) => p.clientId), ['a', 'b']);
  assert.deepEqual(load(storage, 'u2'), []);
  save(storage, 'u1', []);
  assert.equal(storage.map.size, 0, 'an empty outbox leaves nothing behind');
});

test('a broken stored outbox is treated as empty', () => {
  const storage = memory();
  storage.setItem('ocomms-outbox:u', '{not json');
  assert.deepEqual(load(storage, 'u'), []);
  storage.setItem('ocomms-outbox:u', '[{"nope":1}]');
  assert.deepEqual(load(storage, 'u'), []);
});

test('entries are replaced by client id, dropped, and only fixable failures retried', () => {
  let box = put([], entry('a'));
  box = put(box, { ...entry('a'), status: 'failed' });
  assert.equal(box.length, 1);
  assert.equal(box[0].status, 'failed');
  box = put(box, entry('b', 'failed', false));
  box = put(box, entry('c', 'pending'));
  assert.deepEqual(retryable(box).map((p) => p.clientId), ['a']);
  assert.deepEqual(drop(box, 'a').map((p) => p.clientId), ['b', 'c']);
});

test('a failure says why, and whether trying again may help', () => {
  assert.deepEqual(failure({ status: 0 }, false), { reason: 'You are offline', retry: true });
  assert.deepEqual(failure({ status: 0 }, true), { reason: 'The server cannot be reached', retry: true });
  assert.deepEqual(failure({ status: 503, message: 'busy' }, true), { reason: 'busy', retry: true });
  assert.deepEqual(failure({ status: 413, message: 'message too long' }, true), { reason: 'message too long', retry: false });
});

test('drafts are kept per channel and forgotten when empty', () => {
  const storage = memory();
  saveDraft(storage, 'u', 'c1', 'half a thought');
  saveDraft(storage, 'u', 'c2', 'other');
  assert.equal(loadDraft(storage, 'u', 'c1'), 'half a thought');
  assert.equal(loadDraft(storage, 'u', 'c2'), 'other');
  assert.equal(loadDraft(storage, 'v', 'c1'), '');
  saveDraft(storage, 'u', 'c1', '  ');
  assert.equal(loadDraft(storage, 'u', 'c1'), '');
  assert.equal(storage.map.size, 1);
});
