// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onMessage, onRead, totalUnread, title } from '../state/unread.js';
import { typed, active, describe } from '../state/typing.js';

const channel = {
  id: 'c', name: 'dev', kind: 'public', is_member: true, last_seq: 10, last_read_seq: 10,
  unread_count: 0, mention_count: 0, topic: '', dm_user_ids: [], workspace_id: 'w', archived: false, is_default: false,
};
const from = (author, mentions = []) => ({ author_id: author, mentions, thread_root_id: null });

test("others' messages count, one's own and the open channel's do not", () => {
  let c = onMessage(channel, from('ben', ['me']), 11, 'me', false);
  assert.equal(c.unread_count, 1);
  assert.equal(c.mention_count, 1);
  c = onMessage(c, from('me'), 12, 'me', false);
  assert.equal(c.unread_count, 1);
  c = onMessage(c, from('ben'), 13, 'me', true);
  assert.equal(c.unread_count, 1);
  assert.equal(c.last_seq, 13);
});

test('reading to the end clears the counts; an older marker changes nothing', () => {
  let c = onMessage(channel, from('ben', ['me']), 11, 'me', false);
  assert.equal(onRead(c, 5), c);
  c = onRead(c, 11);
  assert.equal(c.unread_count, 0);
  assert.equal(c.mention_count, 0);
});

test('the title shows the unread total', () => {
  const a = { ...channel, unread_count: 2 };
  const b = { ...channel, id: 'd', unread_count: 3, is_member: false };
  assert.equal(totalUnread([a, b]), 2);
  assert.equal(title('OComms', 2), '(2) OComms');
  assert.equal(title('OComms', 0), 'OComms');
});

test('typing names one, two, then several, and expires', () => {
  let t = typed(new Map(), 'ana', 1000);
  t = typed(t, 'ben', 2000);
  assert.deepEqual(active(t, 3500), ['ana', 'ben']);
  assert.deepEqual(active(t, 4500), ['ben']);
  assert.equal(describe(['Ana']), 'Ana is typing…');
  assert.equal(describe(['Ana', 'Ben']), 'Ana and Ben are typing…');
  assert.equal(describe(['Ana', 'Ben', 'Cy']), 'Several people are typing…');
});

test('a muted channel is not bold and adds only its mentions to the title', async () => {
  const { isMuted, looksUnread } = await import('../state/unread.js');
  const { badgeCount } = await import('../state/nav.js');
  const muted = { ...channel, unread_count: 4, mention_count: 1, notifications: { level: 'all', muted: true } };
  const loud = { ...channel, id: 'd', unread_count: 2, mention_count: 0, notifications: { level: 'all', muted: false } };
  assert.equal(isMuted(muted), true);
  assert.equal(isMuted(channel), false, 'no preferences: not muted');
  assert.equal(looksUnread(muted), false);
  assert.equal(looksUnread(loud), true);
  assert.equal(totalUnread([muted, loud]), 3, 'two unread plus one mention');
  assert.equal(badgeCount(muted), 1, 'the mention badge still shows');
  const mutedDm = { ...muted, kind: 'dm' };
  assert.equal(badgeCount(mutedDm), 1, 'a muted DM counts mentions only');
  assert.equal(badgeCount({ ...mutedDm, notifications: { level: 'all', muted: false } }), 4);
  // Counting goes on while muted, so unmuting shows the truth.
  assert.equal(onMessage(muted, from('ben'), 11, 'me', false).unread_count, 5);
});
