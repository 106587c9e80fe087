// @ts-check
/** Whether a new message becomes a browser notification, and what it says: one decision over the
 * reader's preferences (channel level, workspace default, mute), do-not-disturb, mentions,
 * followed threads and what is on screen, the way Slack decides. No DOM here. */

/** What a channel follows when nothing says otherwise (Slack's: DMs and mentions). */
export const DEFAULT_LEVEL = 'mentions';
/** Longest notification body, in characters (the rest is cut with an ellipsis). */
export const BODY_MAX = 160;

/**
 * @typedef {'all' | 'mentions' | 'nothing'} Level
 * @typedef {{level?: string, muted?: boolean, default?: boolean}} Prefs a channel's `notifications`
 * @typedef {'none' | 'direct' | 'group' | 'channel' | 'here'} MentionKind
 * @typedef {{id: string, channel_id: string, author_id: string, content?: string, html?: string,
 *   mentions?: string[], thread_root_id?: string | null, also_in_channel?: boolean, deleted?: boolean,
 *   attachments?: unknown[]}} NotifyMessage
 * @typedef {{
 *   message: NotifyMessage,
 *   channel: {kind: string, dm_user_ids?: string[], notifications?: Prefs},
 *   me: {id: string, handle?: string, dnd_until?: string | null},
 *   workspaceLevel?: string | null,
 *   following?: boolean,
 *   view: {visible: boolean, channelId: string | null, threadId?: string | null},
 *   now: number,
 *   author?: string,
 *   where?: string,
 * }} Situation
 *   `following`: the reader follows the thread a reply belongs to; `view`: whether the page is in
 *   view and which channel and thread it shows; `author` and `where` ("#dev", a DM's people) name
 *   things in the title.
 * @typedef {{notify: boolean, reason: string, mention: MentionKind, title: string, body: string}} Verdict
 *   `reason` says why, for tests and logs: own, deleted, muted, dnd, nothing, seen, level (no) or
 *   dm, mention, thread, all (yes).
 */

/** A level the server knows, or null. @param {unknown} level @returns {Level | null} */
const known = (level) => (level === 'all' || level === 'mentions' || level === 'nothing' ? level : null);

/**
 * The level that applies to a channel: its own, or the workspace default when it follows that
 * (`level: "default"`, or `default: true` with the effective level beside it).
 * @param {Prefs | undefined} prefs @param {string | null | undefined} workspaceLevel @returns {Level}
 */
export function effectiveLevel(prefs, workspaceLevel) {
  const own = known(prefs?.level);
  const fallback = known(workspaceLevel);
  if (prefs?.level === 'default' || prefs?.default) return fallback ?? own ?? DEFAULT_LEVEL;
  return own ?? fallback ?? DEFAULT_LEVEL;
}

/** Whether do-not-disturb is on now. @param {string | null | undefined} dndUntil @param {number} now */
export function inDnd(dndUntil, now) {
  const until = dndUntil ? Date.parse(dndUntil) : NaN;
  return until > now;
}

/**
 * How a message mentions the reader: not at all, by name, through a group, or a broadcast. The
 * server has expanded groups and broadcasts into `mentions`; the content tells which it was.
 * @param {NotifyMessage} message @param {{id: string, handle?: string}} me @returns {MentionKind}
 */
export function mentionKind(message, me) {
  if (!(message.mentions ?? []).includes(me.id)) return 'none';
  const text = outsideCode(message.content ?? '').toLowerCase();
  const said = (/** @type {string} */ handle) => new RegExp(`(^|[^\\w@.])@${escape(handle.toLowerCase())}(?![\\w-]|\\.\\w)`, 'u').test(text);
  if (me.handle && said(me.handle)) return 'direct';
  if (said('channel') || said('everyone')) return 'channel';
  if (said('here')) return 'here';
  return 'group';
}

/** @param {Situation} s @returns {Verdict} */
export function decide(s) {
  const { message, channel, me } = s;
  const mention = mentionKind(message, me);
  const no = (/** @type {string} */ reason) => ({ notify: false, reason, mention, title: '', body: '' });
  if (message.author_id === me.id) return no('own');
  if (message.deleted) return no('deleted');
  if (channel.notifications?.muted) return no('muted');
  if (inDnd(me.dnd_until, s.now)) return no('dnd');
  const level = effectiveLevel(channel.notifications, s.workspaceLevel);
  if (level === 'nothing') return no('nothing');
  const reply = Boolean(message.thread_root_id);
  const inChannel = !reply || Boolean(message.also_in_channel);
  const seen = s.view.visible && ((inChannel && s.view.channelId === message.channel_id)
    || (reply && s.view.threadId === message.thread_root_id));
  if (seen) return no('seen');
  let reason = '';
  if (channel.kind === 'dm') reason = 'dm';
  else if (mention !== 'none') reason = 'mention';
  else if (reply && s.following) reason = 'thread';
  else if (level === 'all' && inChannel) reason = 'all';
  if (!reason) return no('level');
  return { notify: true, reason, mention, title: titleOf(s, reply), body: bodyOf(message) };
}

/** @param {Situation} s @param {boolean} reply */
function titleOf(s, reply) {
  const author = s.author || 'Someone';
  const where = s.where ?? '';
  const direct = s.channel.kind === 'dm' && (s.channel.dm_user_ids?.length ?? 2) <= 2;
  if (reply) return where && !direct ? `${author} replied in a thread in ${where}` : `${author} replied in a thread`;
  if (direct || !where) return author;
  return `${author} in ${where}`;
}

/** The message as plain text, cut to BODY_MAX: never markup. @param {NotifyMessage} message */
export function bodyOf(message) {
  const text = message.html ? htmlToText(message.html) : (message.content ?? '').replace(/\s+/g, ' ').trim();
  if (text) return truncate(text, BODY_MAX);
  const files = message.attachments?.length ?? 0;
  if (files) return files === 1 ? 'Sent a file' : `Sent ${files} files`;
  return 'New message';
}

/** @param {string} text @param {number} max */
export function truncate(text, max) {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

const ENTITIES = /** @type {Record<string, string>} */ ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' });

/** The text of sanitized HTML: blocks become spaces, tags go, entities are decoded. @param {string} html */
export function htmlToText(html) {
  return html
    .replace(/<(br|\/p|\/li|\/h\d|\/blockquote|\/pre|\/tr|\/td|\/th)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, code) => {
      if (code[0] === '#') {
        const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
      }
      return ENTITIES[code.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Markdown text with code spans and fenced blocks blanked out (mentions there do not count). @param {string} text */
function outsideCode(text) {
  return text.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
}

/** @param {string} s */
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
