// @ts-check
/** Pins, saved messages, "(edited)" as a history button, and what the views list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pinsAfter, isPinned, savedAfter } from '../state/marks.js';
import { emptyLog, mergeMessages, applyEvent } from '../state/messages.js';
import { decorate } from '../state/html.js';
import { savedHere, appendPage, threadOrder, whenText, repliesText, isView } from '../state/views.js';

/** @param {number} seq @param {string} [id] @param {Partial<import('../state/messages.js').Message>} [over] @returns {import('../state/messages.js').Message} */
const msg = (seq, id = `m${seq}`, over = {}) => ({
  id, channel_id: 'c', seq, author_id: 'u', content: `#${seq}`, html: '', created_at: '2026-12-02T10:00:00Z',
  edited_at: null, deleted: false, thread_root_id: null, reply_count: 0, mentions: [], ...over,
});

test('pin events keep a channel\'s pinned ids, newest first, each once', () => {
  let ids = pinsAfter([], { type: 'message.pinned', message_id: 'a' });
  ids = pinsAfter(ids, { type: 'message.pinned', message_id: 'b' });
  assert.deepEqual(ids, ['b', 'a']);
  const same = pinsAfter(ids, { type: 'message.pinned', message_id: 'a' });
  assert.equal(same, ids, 'a repeat changes nothing (the same array)');
  assert.deepEqual(pinsAfter(ids, { type: 'message.unpinned', message_id: 'b' }), ['a']);
  assert.deepEqual(pinsAfter(ids, { type: 'message.deleted', message_id: 'a' }), ['b'], 'a deleted message is no longer shown pinned');
  assert.equal(pinsAfter(ids, { type: 'message.created' }), ids);
  assert.equal(pinsAfter(ids, { type: 'message.unpinned', message_id: 'zz' }), ids);
});

test('pinned: the loaded pin list decides, else the message\'s own field', () => {
  assert.equal(isPinned(msg(1, 'a'), ['a']), true);
  assert.equal(isPinned({ ...msg(1, 'a'), pinned: true }, []), false, 'the list is newer than the message');
  assert.equal(isPinned({ ...msg(1, 'a'), pinned: true }, undefined), true);
  assert.equal(isPinned(msg(1, 'a'), undefined), false);
});

test('pin events mark the message in the log and advance its seq', () => {
  let log = { ...emptyLog(), messages: mergeMessages([], [msg(1), msg(2)]), lastSeq: 2 };
  log = applyEvent(log, { type: 'message.pinned', seq: 3, message_id: 'm1' });
  assert.equal(log.messages[0].pinned, true);
  assert.equal(log.messages[1].pinned, undefined);
  assert.equal(log.lastSeq, 3);
  log = applyEvent(log, { type: 'message.unpinned', seq: 4, message_id: 'm1' });
  assert.equal(log.messages[0].pinned, false);
  assert.equal(log.lastSeq, 4);
});

test('saving puts an id first; unsaving takes it out', () => {
  assert.deepEqual(savedAfter(['a', 'b'], 'b', true), ['b', 'a']);
  assert.deepEqual(savedAfter(['a', 'b'], 'a', false), ['b']);
  assert.deepEqual(savedAfter([], 'x', false), []);
});

test('"(edited)" becomes a history button only when asked, after the last paragraph', () => {
  const plain = decorate('<p>hi</p>', { emoji: null, me: 'u', edited: true });
  assert.equal(plain, '<p>hi <span class="message__edited">(edited)</span></p>');
  const button = decorate('<p>hi</p>\n', { emoji: null, me: 'u', edited: true, history: true });
  assert.match(button, /^<p>hi <button type="button" class="message__edited message__edited--button" data-history="" aria-haspopup="dialog" title="Show edit history" tabindex="-1">\(edited\)<\/button><\/p>$/);
  assert.equal(decorate('<p>hi</p>', { emoji: null, me: 'u', edited: false, history: true }), '<p>hi</p>', 'not edited: nothing added');
});

test('Saved lists this workspace\'s still-saved messages; Mentions pages append once', () => {
  const here = new Set(['c']);
  const list = [msg(1, 'a'), msg(2, 'b', { channel_id: 'elsewhere' }), msg(3, 'c', { deleted: true }), msg(4, 'd')];
  assert.deepEqual(savedHere(list, here, null).map((m) => m.id), ['a', 'd']);
  assert.deepEqual(savedHere(list, here, ['d']).map((m) => m.id), ['d'], 'unsaved since: gone');
  assert.deepEqual(appendPage([msg(3, 'c'), msg(2, 'b')], [msg(2, 'b'), msg(1, 'a')]).map((m) => m.id), ['c', 'b', 'a']);
});

test('Threads: unread first, then the newest reply', () => {
  const t = (/** @type {string} */ id, /** @type {number} */ unread, /** @type {string} */ last) => ({ root: { ...msg(1, id), last_reply_at: last }, unread_count: unread });
  const order = threadOrder([t('old', 0, '2026-12-01T10:00:00Z'), t('new', 0, '2026-12-02T10:00:00Z'), t('unread', 2, '2026-11-01T10:00:00Z')]);
  assert.deepEqual(order.map((x) => x.root.id), ['unread', 'new', 'old']);
  assert.equal(repliesText(1), '1 reply');
  assert.equal(repliesText(3), '3 replies');
  assert.equal(isView('saved'), true);
  assert.equal(isView('c'), false);
  assert.equal(isView(undefined), false);
});

test('times in the views: today, yesterday, a date (with the year when not this one)', () => {
  const now = new Date(2026, 11, 2, 15, 0);
  assert.match(whenText(new Date(2026, 11, 2, 9, 5).toISOString(), now, 'en-GB'), /^Today at 0?9:05$/);
  assert.match(whenText(new Date(2026, 11, 1, 9, 5).toISOString(), now, 'en-GB'), /^Yesterday at 0?9:05$/);
  assert.match(whenText(new Date(2026, 10, 20, 9, 5).toISOString(), now, 'en-GB'), /^Friday,? 20 November at 0?9:05$/);
  assert.match(whenText(new Date(2025, 10, 20, 9, 5).toISOString(), now, 'en-GB'), /2025/);
  assert.equal(whenText('nonsense', now), '');
});
