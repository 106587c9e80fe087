// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyThread, applyToThread, putPendingReply, followsAfter, countReply, unreadThreads, repliesLabel } from '../state/threads.js';
import { mergeMessages, applyEvent, emptyLog } from '../state/messages.js';

/** @returns {import('../state/messages.js').Message} */
const msg = (seq = 1, over = {}) => ({
  id: `m${seq}`, channel_id: 'c', seq, author_id: 'u', content: `#${seq}`, html: '', created_at: '',
  edited_at: null, deleted: false, thread_root_id: null, reply_count: 0, mentions: [], ...over,
});
const root = msg(1, { id: 'root' });
const reply = (seq, over = {}) => msg(seq, { thread_root_id: 'root', ...over });

test('replies of the open thread arrive once, in seq order; other threads and the channel stay out', () => {
  let t = { ...emptyThread('root', 'c'), root };
  t = applyToThread(t, { type: 'message.created', seq: 5, message: reply(5) });
  t = applyToThread(t, { type: 'message.created', seq: 3, message: reply(3) });
  t = applyToThread(t, { type: 'message.created', seq: 5, message: reply(5) });
  assert.deepEqual(t.replies.map((m) => m.seq), [3, 5]);
  const before = t;
  assert.equal(applyToThread(t, { type: 'message.created', seq: 6, message: msg(6, { thread_root_id: 'other' }) }), before);
  assert.equal(applyToThread(t, { type: 'message.created', seq: 7, message: msg(7) }), before, 'a top-level message is not a reply');
});

test('edits, deletes, reactions and pins reach the root and the replies; the summary follows thread.updated', () => {
  let t = { ...emptyThread('root', 'c'), root, replies: [reply(2)] };
  t = applyToThread(t, { type: 'message.updated', message: reply(2, { content: 'edited' }) });
  assert.equal(t.replies[0].content, 'edited');
  t = applyToThread(t, { type: 'reaction.added', message_id: 'm2', emoji: '🎉', user_id: 'ben' });
  assert.deepEqual(t.replies[0].reactions, [{ emoji: '🎉', count: 1, user_ids: ['ben'] }]);
  t = applyToThread(t, { type: 'message.pinned', message_id: 'root' });
  assert.equal(t.root?.pinned, true);
  t = applyToThread(t, { type: 'message.deleted', message_id: 'm2' });
  assert.equal(t.replies[0].deleted, true);
  assert.equal(t.replies[0].content, '');
  t = applyToThread(t, { type: 'thread.updated', root_id: 'root', reply_count: 4, last_reply_at: '2026-12-01T10:00:00Z', reply_user_ids: ['ben', 'ana'] });
  assert.deepEqual([t.root?.reply_count, t.root?.last_reply_at, t.root?.reply_user_ids], [4, '2026-12-01T10:00:00Z', ['ben', 'ana']]);
});

test('one\'s own reply settles its pending copy by idempotency key', () => {
  let t = putPendingReply({ ...emptyThread('root', 'c'), root }, { clientId: 'k1', channelId: 'c', content: 'hi', status: 'pending', created_at: '', reason: '', retry: true, threadRootId: 'root' });
  assert.equal(t.pending.length, 1);
  t = applyToThread(t, { type: 'message.created', message: reply(9, { idempotency_key: 'k1', author_id: 'me' }) });
  assert.deepEqual([t.pending.length, t.replies.length], [0, 1]);
});

test('the channel list keeps replies out, unless also sent to the channel; its root shows the summary', () => {
  const list = mergeMessages([root], [reply(2), reply(3, { also_in_channel: true })]);
  assert.deepEqual(list.map((m) => m.id), ['root', 'm3']);
  const log = applyEvent({ ...emptyLog(), messages: [root], lastSeq: 3 }, { type: 'thread.updated', seq: 4, root_id: 'root', reply_count: 2, reply_user_ids: ['ben'] });
  assert.deepEqual([log.messages[0].reply_count, log.messages[0].reply_user_ids], [2, ['ben']]);
});

test('following and unread replies count as the server does', () => {
  assert.equal(followsAfter(reply(2, { author_id: 'me' }), 'me', root), true, 'one\'s own reply');
  assert.equal(followsAfter(reply(2, { author_id: 'ben' }), 'me', { ...root, author_id: 'me' }), true, 'one\'s own root');
  assert.equal(followsAfter(reply(2, { author_id: 'ben', mentions: ['me'] }), 'me', root), true, 'a mention');
  assert.equal(followsAfter(reply(2, { author_id: 'ben' }), 'me', root), false);
  let unread = new Map();
  unread = countReply(unread, reply(2, { author_id: 'ben' }), 'me', { following: true, viewing: false });
  unread = countReply(unread, reply(3, { author_id: 'ben' }), 'me', { following: true, viewing: false });
  assert.equal(unread.get('root'), 2);
  assert.equal(unreadThreads(unread), 1);
  assert.equal(countReply(unread, reply(4, { author_id: 'ben' }), 'me', { following: false, viewing: false }), unread, 'not followed: not counted');
  assert.equal(countReply(unread, reply(4, { author_id: 'ben' }), 'me', { following: true, viewing: true }).get('root'), 0, 'in view: read');
  assert.equal(countReply(unread, reply(4, { author_id: 'me' }), 'me', { following: true, viewing: false }).get('root'), 0, 'replying reads it');
  assert.deepEqual([repliesLabel(1), repliesLabel(3)], ['1 reply', '3 replies']);
});
