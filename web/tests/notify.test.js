// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, effectiveLevel, mentionKind, bodyOf, htmlToText, inDnd, BODY_MAX } from '../state/notify.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ME = { id: 'me', handle: 'ben' };

/** What each mention kind looks like once the server has expanded it (`mentions` holds me). */
const MENTIONS = {
  none: { content: 'lunch?', mentions: [] },
  direct: { content: 'hi @ben', mentions: ['me'] },
  group: { content: 'ping @design', mentions: ['me', 'cy'] },
  channel: { content: '@channel standup', mentions: ['me', 'cy'] },
  everyone: { content: 'hey @everyone', mentions: ['me', 'cy'] },
  here: { content: '@here who is around', mentions: ['me'] },
};

/** @param {Record<string, any>} o */
function situation(o) {
  const reply = o.thread !== 'top';
  return {
    message: {
      id: 'm1', channel_id: 'c1', author_id: o.own ? 'me' : 'ana', html: '',
      ...MENTIONS[/** @type {keyof typeof MENTIONS} */ (o.mention)],
      thread_root_id: reply ? 'root' : null,
    },
    channel: { kind: o.dm ? 'dm' : 'public', dm_user_ids: o.dm ? ['me', 'ana'] : [], notifications: { level: o.level, muted: o.muted, default: o.level === 'default' } },
    me: { ...ME, dnd_until: o.dnd ? '2026-03-01T13:00:00Z' : o.dndPast ? '2026-03-01T11:00:00Z' : null },
    workspaceLevel: o.workspace,
    following: o.thread === 'followed',
    view: o.view === 'hidden' ? { visible: false, channelId: 'c1', threadId: 'root' }
      : o.view === 'there' ? { visible: true, channelId: 'c1', threadId: reply ? 'root' : null }
        : { visible: true, channelId: 'other', threadId: null },
    now: NOW,
    author: 'Ana Lead',
    where: o.dm ? 'Ana Lead' : '#dev',
  };
}

/** The rules, written as Slack states them. @param {Record<string, any>} o */
function expected(o) {
  const level = o.level === 'default' ? o.workspace : o.level;
  if (o.own || o.muted || o.dnd || level === 'nothing' || o.view === 'there') return false;
  if (o.dm) return true;
  if (o.mention !== 'none') return true;
  if (o.thread === 'followed') return true;
  return level === 'all' && o.thread === 'top';
}

const axes = {
  level: ['all', 'mentions', 'nothing', 'default'],
  workspace: ['all', 'mentions', 'nothing'],
  muted: [false, true],
  dnd: [false, true],
  mention: Object.keys(MENTIONS),
  dm: [false, true],
  thread: ['top', 'followed', 'unfollowed'],
  own: [false, true],
  view: ['hidden', 'there', 'elsewhere'],
};

/** Every combination of the axes. @returns {Record<string, any>[]} */
function product() {
  /** @type {Record<string, any>[]} */ let out = [{}];
  for (const [key, values] of Object.entries(axes)) out = out.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  return out;
}

test('the whole matrix follows the rules', () => {
  const all = product();
  assert.equal(all.length, 4 * 3 * 2 * 2 * 6 * 2 * 3 * 2 * 3);
  let yes = 0;
  for (const o of all) {
    const v = decide(situation(o));
    assert.equal(v.notify, expected(o), `${JSON.stringify(o)} → ${v.reason}`);
    if (v.notify) {
      yes += 1;
      assert.ok(v.title, 'a notification has a title');
      assert.ok(v.body, 'and a body');
    } else {
      assert.equal(v.title, '');
    }
  }
  assert.ok(yes > 100, 'a good share of the matrix notifies');
});

test('the reasons name the rule that decided', () => {
  const base = { level: 'mentions', workspace: 'mentions', muted: false, dnd: false, mention: 'none', dm: false, thread: 'top', own: false, view: 'hidden' };
  const reason = (/** @type {Record<string, any>} */ o) => decide(situation({ ...base, ...o })).reason;
  assert.equal(reason({ own: true, mention: 'direct' }), 'own');
  assert.equal(reason({ muted: true, mention: 'direct' }), 'muted');
  assert.equal(reason({ muted: true, dm: true }), 'muted', 'a muted DM is quiet too');
  assert.equal(reason({ dnd: true, dm: true }), 'dnd');
  assert.equal(reason({ level: 'nothing', mention: 'direct' }), 'nothing');
  assert.equal(reason({ level: 'default', workspace: 'nothing', dm: true }), 'nothing', 'a DM following a workspace default of nothing');
  assert.equal(reason({ view: 'there', mention: 'direct' }), 'seen');
  assert.equal(reason({ dm: true }), 'dm');
  assert.equal(reason({ mention: 'here' }), 'mention');
  assert.equal(reason({ thread: 'followed' }), 'thread');
  assert.equal(reason({ level: 'all' }), 'all');
  assert.equal(reason({ level: 'all', thread: 'unfollowed' }), 'level', '"all" is about the channel, not every thread in it');
  assert.equal(reason({}), 'level');
});

test('a past do-not-disturb is off', () => {
  const s = situation({ level: 'mentions', workspace: 'mentions', muted: false, dnd: false, dndPast: true, mention: 'direct', dm: false, thread: 'top', own: false, view: 'hidden' });
  assert.equal(decide(s).notify, true);
  assert.equal(inDnd('not a date', NOW), false);
  assert.equal(inDnd(null, NOW), false);
});

test('on screen means the page is visible and showing that channel or that thread', () => {
  const base = { level: 'all', workspace: 'mentions', muted: false, dnd: false, mention: 'direct', dm: false, thread: 'top', own: false, view: 'hidden' };
  const s = situation(base);
  assert.equal(decide({ ...s, view: { visible: true, channelId: 'c1', threadId: null } }).notify, false);
  assert.equal(decide({ ...s, view: { visible: false, channelId: 'c1', threadId: null } }).notify, true, 'a hidden tab is not looking');
  const reply = situation({ ...base, thread: 'followed' });
  assert.equal(decide({ ...reply, view: { visible: true, channelId: 'c1', threadId: null } }).notify, true, 'the channel shows no thread replies');
  assert.equal(decide({ ...reply, view: { visible: true, channelId: 'c9', threadId: 'root' } }).notify, false, 'the thread is open');
  const alsoSent = { ...reply, message: { ...reply.message, also_in_channel: true } };
  assert.equal(decide({ ...alsoSent, view: { visible: true, channelId: 'c1', threadId: null } }).notify, false, 'a reply also sent to the channel shows there');
});

test('a reply also sent to the channel counts as a channel message for "all"', () => {
  const s = situation({ level: 'all', workspace: 'mentions', muted: false, dnd: false, mention: 'none', dm: false, thread: 'unfollowed', own: false, view: 'hidden' });
  assert.equal(decide(s).notify, false);
  assert.equal(decide({ ...s, message: { ...s.message, also_in_channel: true } }).notify, true);
});

test('the effective level: own, the workspace default, or mentions', () => {
  assert.equal(effectiveLevel({ level: 'all' }, 'nothing'), 'all');
  assert.equal(effectiveLevel({ level: 'default' }, 'nothing'), 'nothing');
  assert.equal(effectiveLevel({ level: 'all', default: true }, 'nothing'), 'nothing', 'the workspace default as known now');
  assert.equal(effectiveLevel({ level: 'all', default: true }, null), 'all', 'else the effective level the server sent');
  assert.equal(effectiveLevel(undefined, undefined), 'mentions');
  assert.equal(effectiveLevel({ level: 'default' }, undefined), 'mentions');
  assert.equal(effectiveLevel({ level: 'loud' }, 'all'), 'all');
});

test('mention kinds: by handle, through a group, broadcasts, not inside code', () => {
  const m = (/** @type {string} */ content, mentions = ['me']) => ({ id: 'x', channel_id: 'c', author_id: 'a', content, mentions });
  assert.equal(mentionKind(m('hi @ben', []), ME), 'none', 'only the server’s list counts');
  assert.equal(mentionKind(m('hi @Ben.'), ME), 'direct');
  assert.equal(mentionKind(m('@channel and @ben'), ME), 'direct', 'by name wins');
  assert.equal(mentionKind(m('hi @benjamin'), ME), 'group');
  assert.equal(mentionKind(m('@everyone'), ME), 'channel');
  assert.equal(mentionKind(m('@HERE now'), ME), 'here');
  assert.equal(mentionKind(m('`@ben` and @here'), ME), 'here');
  assert.equal(mentionKind(m('mail ben@ben.com @design'), ME), 'group');
});

test('titles name the author and the place', () => {
  const base = { level: 'all', workspace: 'mentions', muted: false, dnd: false, mention: 'none', dm: false, thread: 'top', own: false, view: 'hidden' };
  assert.equal(decide(situation(base)).title, 'Ana Lead in #dev');
  assert.equal(decide(situation({ ...base, dm: true })).title, 'Ana Lead');
  assert.equal(decide(situation({ ...base, thread: 'followed' })).title, 'Ana Lead replied in a thread in #dev');
  const group = situation({ ...base, dm: true });
  group.channel.dm_user_ids = ['me', 'ana', 'cy'];
  group.where = 'Ana Lead, Cy';
  assert.equal(decide(group).title, 'Ana Lead in Ana Lead, Cy');
});

test('the body is plain text, cut, never markup', () => {
  const html = '<p>Hi <span class="mention" data-user-id="me">@Ben</span> &amp; <strong>all</strong>&#33; &lt;script&gt;</p><ul><li>one</li><li>two</li></ul>';
  assert.equal(htmlToText(html), 'Hi @Ben & all! <script> one two');
  assert.equal(bodyOf({ id: 'x', channel_id: 'c', author_id: 'a', html }), 'Hi @Ben & all! <script> one two');
  const long = bodyOf({ id: 'x', channel_id: 'c', author_id: 'a', content: 'word '.repeat(100) });
  assert.equal([...long].length, BODY_MAX);
  assert.ok(long.endsWith('…'));
  assert.equal(bodyOf({ id: 'x', channel_id: 'c', author_id: 'a', content: '', attachments: [{}, {}] }), 'Sent 2 files');
  assert.equal(bodyOf({ id: 'x', channel_id: 'c', author_id: 'a', content: '' }), 'New message');
  assert.equal(htmlToText('<p>&#x1F389; &bogus; &#0;</p>'), '🎉 &bogus; &#0;');
});
