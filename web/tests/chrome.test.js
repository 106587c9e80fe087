// @ts-check
/** The chrome's state: avatars, fuzzy matching, sidebar order and badges, names and expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avatarColor, initials, AVATAR_COLORS } from '../state/avatar.js';
import { fuzzyScore, fuzzyFilter } from '../state/fuzzy.js';
import { sidebarSections, badgeCount, dmOthers, directWith, expiryText, channelNameProblem, canLeave } from '../state/nav.js';
import { contrast } from './contrast.test.js';

/** @param {Partial<import('../state/unread.js').Channel>} over */
const ch = (over) => ({ id: 'c', name: 'dev', kind: 'public', is_member: true, last_seq: 0, last_read_seq: 0, unread_count: 0,
  mention_count: 0, topic: '', dm_user_ids: [], workspace_id: 'w', archived: false, is_default: false, ...over });

test('avatar colours are stable per user and carry white initials at AA', () => {
  assert.equal(avatarColor('0190-abc'), avatarColor('0190-abc'));
  assert.ok(AVATAR_COLORS.includes(avatarColor('someone')));
  const seen = new Set(Array.from({ length: 50 }, (_, i) => avatarColor(`user-${i}`)));
  assert.ok(seen.size >= 5, 'ids spread over the palette');
  for (const c of AVATAR_COLORS) assert.ok(contrast('#ffffff', c) >= 4.5, `${c} ${contrast('#ffffff', c)}`);
});

test('initials take the first and last words', () => {
  assert.equal(initials('Ana Lead'), 'AL');
  assert.equal(initials('ben'), 'B');
  assert.equal(initials('  Mary Ann  de Vries '), 'MV');
  assert.equal(initials(''), '?');
  assert.equal(initials('Émile Zola'), 'ÉZ');
});

test('fuzzy: characters in order match, others do not', () => {
  assert.equal(fuzzyScore('gnrl', 'general'), fuzzyScore('gnrl', 'general'));
  assert.notEqual(fuzzyScore('gnrl', 'general'), null);
  assert.equal(fuzzyScore('lrg', 'general'), null);
  assert.equal(fuzzyScore('', 'anything'), 0);
  assert.equal(fuzzyScore('GEN', 'general') !== null, true, 'case-insensitive');
});

test('fuzzy: prefix beats word start beats middle beats scattered', () => {
  const prefix = /** @type {number} */ (fuzzyScore('dev', 'devops'));
  const word = /** @type {number} */ (fuzzyScore('dev', 'web-dev'));
  const middle = /** @type {number} */ (fuzzyScore('dev', 'abdevx'));
  const scattered = /** @type {number} */ (fuzzyScore('dev', 'dxexv'));
  assert.ok(prefix > word && word > middle && middle > scattered, `${prefix} ${word} ${middle} ${scattered}`);
});

test('fuzzy: word starts win among scattered matches', () => {
  assert.deepEqual(fuzzyFilter('bl', ['tumble', 'Ben Lee', 'nothing'], (s) => s), ['Ben Lee', 'tumble']);
  assert.deepEqual(fuzzyFilter('x', ['a', 'b'], (s) => s), []);
  assert.deepEqual(fuzzyFilter('', ['b', 'a'], (s) => s, 1), ['b'], 'empty query keeps the order, limited');
});

test('sidebar: channels by name with archived last, DMs by recency, only joined', () => {
  const { channels, dms } = sidebarSections([
    ch({ id: '1', name: 'zeta' }), ch({ id: '2', name: 'alpha', archived: true }), ch({ id: '3', name: 'beta' }),
    ch({ id: '4', name: 'gone', is_member: false }),
    ch({ id: 'd1', kind: 'dm', name: '', last_seq: 3 }), ch({ id: 'd2', kind: 'dm', name: '', last_seq: 9 }),
  ]);
  assert.deepEqual(channels.map((c) => c.id), ['3', '1', '2']);
  assert.deepEqual(dms.map((c) => c.id), ['d2', 'd1']);
});

test('badges: mentions in channels, every unread message in DMs', () => {
  assert.equal(badgeCount(ch({ unread_count: 5, mention_count: 1 })), 1);
  assert.equal(badgeCount(ch({ kind: 'dm', unread_count: 5, mention_count: 0 })), 5);
});

test('DM people and the 1:1 DM with someone', () => {
  const dm = ch({ id: 'd', kind: 'dm', dm_user_ids: ['me', 'ben'] });
  const group = ch({ id: 'g', kind: 'dm', dm_user_ids: ['me', 'ben', 'cy'] });
  assert.deepEqual(dmOthers(dm, 'me'), ['ben']);
  assert.deepEqual(dmOthers(group, 'me'), ['ben', 'cy']);
  assert.equal(directWith([group, dm], 'me', 'ben')?.id, 'd');
  assert.equal(directWith([group], 'me', 'ben'), undefined);
  assert.equal(canLeave(ch({ is_default: true })), false);
  assert.equal(canLeave(dm), false);
  assert.equal(canLeave(ch({})), true);
});

test('invite expiry reads as a duration', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(expiryText('2026-01-08T00:00:00Z', now), 'Expires in 7 days');
  assert.equal(expiryText('2026-01-01T05:00:00Z', now), 'Expires in 5 hours');
  assert.equal(expiryText('2025-12-31T00:00:00Z', now), 'Expired');
});

test('channel names are checked as the server does', () => {
  assert.equal(channelNameProblem('leads-team_2'), null);
  assert.equal(channelNameProblem('Leads Team'), 'Use lower-case letters, digits, - and _');
  assert.equal(channelNameProblem(''), 'Give the channel a name');
  assert.equal(channelNameProblem('a'.repeat(81)), 'Use at most 80 characters');
});

test('store: channel members stay right when an add is answered and its event arrives too', async () => {
  const { store, setChannelMembers, applyPersistent, setRole, putUser } = await import('../state/store.js');
  store.me = { id: 'me', name: 'Me', status_text: '' };
  store.workspaceId = 'w';
  store.workspaces = [{ id: 'w', name: 'Acme', role: 'member' }];
  store.channels = new Map([['c', ch({ id: 'c', last_seq: 1 })]]);
  setChannelMembers('c', ['me', 'ben']);
  applyPersistent({ type: 'channel.member_joined', channel_id: 'c', seq: 2, user_id: 'ben' });
  assert.deepEqual(store.channelMembers.get('c'), ['me', 'ben']);
  assert.equal(store.memberCounts.get('c'), 2);
  applyPersistent({ type: 'channel.member_joined', channel_id: 'c', seq: 3, user_id: 'cy' });
  applyPersistent({ type: 'channel.member_left', channel_id: 'c', seq: 4, user_id: 'ben' });
  assert.deepEqual(store.channelMembers.get('c'), ['me', 'cy']);
  assert.equal(store.memberCounts.get('c'), 2);

  setRole('w', 'me', 'admin');
  assert.equal(store.roles.get('me'), 'admin');
  assert.equal(store.workspaces[0].role, 'admin', 'my workspace role follows');
  setRole('other', 'cy', 'admin');
  assert.equal(store.roles.has('cy'), false, 'another workspace leaves this one alone');

  putUser({ id: 'me', name: 'Me Renamed', status_text: 'Away' });
  assert.equal(store.me?.name, 'Me Renamed');
  assert.equal(store.users.get('me')?.status_text, 'Away');
});
