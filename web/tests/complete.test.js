// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { triggerAt, mentionOptions, channelOptions, applyPick, move, broadcastIn } from '../state/complete.js';

test('a trigger is an @ or # word at the caret, not an address or code', () => {
  assert.deepEqual(triggerAt('hi @be', 6), { kind: '@', query: 'be', start: 3, end: 6 });
  assert.deepEqual(triggerAt('@', 1), { kind: '@', query: '', start: 0, end: 1 });
  assert.deepEqual(triggerAt('see #dev-ops now', 8), { kind: '#', query: 'dev', start: 4, end: 12 }, 'the word runs past the caret');
  assert.deepEqual(triggerAt('(@ana', 5), { kind: '@', query: 'ana', start: 1, end: 5 });
  assert.deepEqual(triggerAt('line\n@jo', 8), { kind: '@', query: 'jo', start: 5, end: 8 });
  assert.deepEqual(triggerAt('@Zoë', 4), { kind: '@', query: 'Zoë', start: 0, end: 4 });
  assert.equal(triggerAt('ana@example', 11), null, 'an e-mail address');
  assert.equal(triggerAt('hi @ben ', 8), null, 'a space ends it');
  assert.equal(triggerAt('no trigger', 5), null);
  assert.equal(triggerAt('`@ben', 5), null, 'inside a code span');
  assert.deepEqual(triggerAt('`x` @ben', 8)?.query, 'ben', 'after a closed code span');
  assert.equal(triggerAt('```\n@ben', 8), null, 'inside a fenced block');
  assert.equal(triggerAt('a#b', 3), null);
});

const people = [
  { id: 'u1', name: 'Ana Lead', handle: 'analead' },
  { id: 'u2', name: 'Ben Kim', handle: 'benkim' },
  { id: 'u3', name: 'Benedict Oak', handle: 'benedictoak' },
  { id: 'u4', name: 'Cy Ruben', handle: 'cyruben' },
];
const groups = [{ id: 'g1', handle: 'backend', name: 'Backend team', user_ids: ['u1', 'u2'] }];

test('people match by name or handle, channel members first', () => {
  const members = new Set(['u1', 'u3']);
  const be = mentionOptions('be', { people, members, groups });
  assert.deepEqual(be.map((o) => o.id).slice(0, 3), ['u3', 'u2', 'u4'], 'the member first, then the rest by score');
  assert.equal(be[0].member, true);
  assert.equal(be[1].member, false);
  assert.deepEqual(be.filter((o) => o.kind === 'group').map((o) => o.id), ['g1'], 'b…e… matches backend too');
  assert.deepEqual(be[0], { kind: 'person', id: 'u3', label: 'Benedict Oak', detail: '@benedictoak', insert: '@benedictoak ', member: true });
  assert.deepEqual(mentionOptions('kim', { people }).map((o) => o.id), ['u2'], 'a last name');
  assert.deepEqual(mentionOptions('benk', { people }).map((o) => o.id)[0], 'u2', 'a handle');
  assert.deepEqual(mentionOptions('bk', { people }).map((o) => o.id)[0], 'u2', 'initials');
});

test('groups and broadcasts follow people; no broadcasts in a DM; an exact handle leads', () => {
  const all = mentionOptions('', { people, groups, limit: 20 });
  assert.deepEqual(all.map((o) => o.kind), ['person', 'person', 'person', 'person', 'group', 'special', 'special', 'special']);
  assert.deepEqual(all.at(-3)?.label, '@channel');
  assert.match(all.at(-2)?.detail ?? '', /online/);
  assert.equal(all[4].detail, '@backend · 2 people');
  assert.deepEqual(mentionOptions('here', { people, groups })[0].insert, '@here ');
  assert.deepEqual(mentionOptions('', { people, groups, dm: true, limit: 20 }).filter((o) => o.kind === 'special'), []);
  assert.equal(mentionOptions('', { people, groups }).length, 8, 'at most 8');
  assert.deepEqual(mentionOptions('zzz', { people, groups }), []);
});

test('channels: not DMs, joined ones first, inserted as #name', () => {
  const channels = [
    { id: 'c1', name: 'general', kind: 'public', is_member: true },
    { id: 'c2', name: 'design', kind: 'public', is_member: false },
    { id: 'c3', name: 'dev', kind: 'private', is_member: true },
    { id: 'd1', name: 'dm-x', kind: 'dm', is_member: true },
    { id: 'c4', name: 'old-dev', kind: 'public', is_member: true, archived: true },
  ];
  const d = channelOptions('de', channels);
  assert.deepEqual(d.map((o) => o.id), ['c3', 'c2', 'c4']);
  assert.equal(d[0].insert, '#dev ');
  assert.equal(d[0].detail, 'Private');
  assert.equal(d[1].detail, 'Not joined');
  assert.equal(d[2].detail, 'Archived');
  assert.equal(channelOptions('', channels).some((o) => o.id === 'd1'), false);
});

test('a pick replaces the word and leaves one space after it', () => {
  const t = /** @type {import('../state/complete.js').Trigger} */ (triggerAt('hi @be', 6));
  assert.deepEqual(applyPick('hi @be', t, '@benkim '), { text: 'hi @benkim ', caret: 11 });
  const mid = /** @type {import('../state/complete.js').Trigger} */ (triggerAt('hi @be there', 5));
  assert.deepEqual(applyPick('hi @be there', mid, '@benkim '), { text: 'hi @benkim there', caret: 11 });
  const last = /** @type {import('../state/complete.js').Trigger} */ (triggerAt('x #de!', 4));
  assert.deepEqual(applyPick('x #de!', last, '#dev '), { text: 'x #dev !', caret: 7 });
});

test('the active option wraps', () => {
  assert.equal(move(0, 1, 3), 1);
  assert.equal(move(2, 1, 3), 0);
  assert.equal(move(0, -1, 3), 2);
  assert.equal(move(0, 1, 0), -1);
});

test('broadcasts are found outside code', () => {
  assert.equal(broadcastIn('hey @channel'), 'channel');
  assert.equal(broadcastIn('@Here: lunch'), 'here');
  assert.equal(broadcastIn('@here and @everyone'), 'everyone');
  assert.equal(broadcastIn('`@channel`'), null);
  assert.equal(broadcastIn('```\n@here\n```'), null);
  assert.equal(broadcastIn('@channels'), null);
  assert.equal(broadcastIn('me@here.com'), null);
  assert.equal(broadcastIn('nothing'), null);
});

test('person pills show the name known now, escaped; groups and broadcasts stay', async () => {
  const { decorate } = await import('../state/html.js');
  const html = '<p><span class="mention" data-user-id="u2">@benkim</span> <span class="mention mention--group" data-group-id="g1">@backend</span> <span class="mention mention--broadcast">@here</span> <span class="mention" data-user-id="u9">@gone</span></p>';
  const names = /** @type {Record<string, string>} */ ({ u2: 'Ben <Kim>', me: 'Me' });
  const out = decorate(html, { emoji: null, me: 'u2', edited: false, nameOf: (id) => names[id] });
  assert.equal(out, '<p><span class="mention mention--me" data-user-id="u2">@Ben &lt;Kim&gt;</span> <span class="mention mention--group" data-group-id="g1">@backend</span> <span class="mention mention--broadcast">@here</span> <span class="mention" data-user-id="u9">@gone</span></p>');
});

test('oneself comes after the other members', () => {
  const members = new Set(['u1', 'u2']);
  assert.deepEqual(mentionOptions('', { people, members, me: 'u1' }).slice(0, 3).map((o) => o.id), ['u2', 'u1', 'u3']);
});
