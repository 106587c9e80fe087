// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyLog, mergeMessages, classify, applyEvent, addPending, confirmPending, markPending, settlePending, cap } from '../state/messages.js';

/** @param {number} seq @param {string} [id] @returns {import('../state/messages.js').Message} */
const msg = (seq, id = `m${seq}`) => ({
  id, channel_id: 'c', seq, author_id: 'u', content: `#${seq}`, html: '', created_at: '',
  edited_at: null, deleted: false, thread_root_id: null, reply_count: 0, mentions: [],
});

test('messages stay ordered by seq and appear once', () => {
  const list = mergeMessages([msg(3), msg(1)], [msg(2), msg(3), msg(1)]);
  assert.deepEqual(list.map((m) => m.seq), [1, 2, 3]);
});

test('thread replies stay out of the channel list', () => {
  const reply = { ...msg(4), thread_root_id: 'm1' };
  assert.deepEqual(mergeMessages([msg(1)], [reply]).map((m) => m.seq), [1]);
});

test('events are applied, ignored as duplicates, or reveal a gap', () => {
  assert.equal(classify(5, 6), 'apply');
  assert.equal(classify(5, 5), 'duplicate');
  assert.equal(classify(5, 2), 'duplicate');
  assert.equal(classify(5, 8), 'gap');
});

test('applying events edits, deletes and advances the seq', () => {
  let log = emptyLog();
  log = applyEvent(log, { type: 'message.created', seq: 1, message: msg(1) });
  log = applyEvent(log, { type: 'message.updated', seq: 2, message: { ...msg(1), content: 'edited' } });
  log = applyEvent(log, { type: 'channel.member_joined', seq: 3 });
  assert.equal(log.messages[0].content, 'edited');
  assert.equal(log.lastSeq, 3);
  log = applyEvent(log, { type: 'message.deleted', seq: 4, message_id: 'm1' });
  assert.equal(log.messages[0].deleted, true);
  assert.equal(log.messages.length, 1, 'a deleted message keeps its place');
});

test('an optimistic message is pending, then replaced by the server copy, or failed', () => {
  let log = addPending(emptyLog(), 'k1', 'hello');
  assert.equal(log.pending[0].status, 'pending');
  log = markPending(log, 'k1', 'failed');
  assert.equal(log.pending[0].status, 'failed');
  // The socket may bring the message before the POST answers: it still shows once.
  log = applyEvent(log, { type: 'message.created', seq: 7, message: msg(7, 'server-id') });
  log = confirmPending(log, 'k1', msg(7, 'server-id'));
  assert.equal(log.pending.length, 0);
  assert.deepEqual(log.messages.map((m) => m.id), ['server-id']);
});

test('a long channel keeps only the newest messages in memory', () => {
  const log = { ...emptyLog(), messages: [msg(1), msg(2), msg(3)], hasOlder: false };
  const capped = cap(log, 2);
  assert.deepEqual(capped.messages.map((m) => m.seq), [2, 3]);
  assert.equal(capped.hasOlder, true);
});

test('an own message arriving on the socket first settles its pending copy', () => {
  let log = addPending(addPending(emptyLog(), 'k1', 'same'), 'k2', 'other');
  log = addPending(log, 'k3', 'same');
  const server = { ...msg(3, 's1'), content: 'same', idempotency_key: 'k1' };
  log = applyEvent(log, { type: 'message.created', seq: 3, message: server });
  log = settlePending(log, server);
  assert.deepEqual(log.pending.map((p) => p.clientId), ['k2', 'k3'], 'settled by client id, not by text');
  assert.equal(settlePending(log, { ...server, idempotency_key: null }), log, 'a message without a key settles nothing');
  log = confirmPending(log, 'k1', { ...msg(3, 's1'), content: 'same' });
  assert.deepEqual(log.messages.map((m) => m.id), ['s1'], 'the POST answer adds nothing twice');
});

test('a thread.updated event sets its root reply count and advances the log', () => {
  let log = { ...emptyLog(), lastSeq: 1, messages: [{ id: 'r', seq: 1, reply_count: 0 }] };
  log = applyEvent(log, { type: 'thread.updated', seq: 3, root_id: 'r', reply_count: 1 });
  assert.equal(log.messages[0].reply_count, 1);
  assert.equal(log.lastSeq, 3);
});

test('reaction events add and remove one person once, dropping empty reactions', () => {
  let log = { ...emptyLog(), lastSeq: 1, messages: [{ ...msg(1), reactions: [] }] };
  const added = { type: 'reaction.added', seq: 2, message_id: 'm1', emoji: '👍', user_id: 'ana' };
  log = applyEvent(log, added);
  log = applyEvent(log, { ...added, seq: 3 });
  log = applyEvent(log, { ...added, seq: 4, user_id: 'ben' });
  assert.deepEqual(log.messages[0].reactions, [{ emoji: '👍', count: 2, user_ids: ['ana', 'ben'] }]);
  log = applyEvent(log, { ...added, type: 'reaction.removed', seq: 5 });
  log = applyEvent(log, { ...added, type: 'reaction.removed', seq: 6, user_id: 'ben' });
  assert.deepEqual(log.messages[0].reactions, []);
  assert.equal(log.lastSeq, 6);
});
