// @ts-check
/** The composer's `@` and `#` completion: the word being typed, what it may become (people —
 * the channel's members first — groups, @channel/@here/@everyone, channels), and the text once
 * one is picked. Also which broadcast a message sends. No DOM here. */
import { fuzzyScore } from './fuzzy.js';

/** Most options shown at once. */
export const MAX_OPTIONS = 8;

/**
 * @typedef {{kind: '@' | '#', query: string, start: number, end: number}} Trigger
 *   `start` is the index of `@`/`#`, `end` the end of the word (which may run past the caret)
 * @typedef {{kind: 'person' | 'group' | 'special' | 'channel', id: string, label: string, detail: string,
 *   insert: string, member?: boolean}} Option
 *   `label` the main line (a name, `#dev`), `detail` the muted one (`@handle`, a description);
 *   `member`: a person in the channel
 * @typedef {{id: string, name: string, handle?: string}} Person
 * @typedef {{id: string, handle: string, name: string, user_ids: string[]}} Group
 * @typedef {{id: string, name: string, kind: string, is_member?: boolean, archived?: boolean}} ChannelLike
 */

/** The broadcasts, with what each does. */
export const SPECIALS = [
  { handle: 'channel', detail: 'Notify everyone in this channel' },
  { handle: 'here', detail: 'Notify everyone online in this channel' },
  { handle: 'everyone', detail: 'Notify everyone in this channel' },
];

const WORD = /[\p{L}\p{N}._-]/u;

/**
 * The `@word` or `#word` the caret is in, or null. It starts a line or follows a space or an
 * opening bracket (not an e-mail address), and is not inside a code span.
 * @param {string} text @param {number} caret @returns {Trigger | null}
 */
export function triggerAt(text, caret) {
  let start = caret;
  while (start > 0 && WORD.test(text[start - 1])) start -= 1;
  const sign = text[start - 1];
  if (sign !== '@' && sign !== '#') return null;
  const before = text[start - 2];
  if (before !== undefined && !/[\s([{"'“‘]/u.test(before)) return null;
  const line = text.slice(text.lastIndexOf('\n', start - 1) + 1, start - 1);
  if ((line.match(/`/g) ?? []).length % 2 === 1 || inFence(text.slice(0, start))) return null;
  let end = caret;
  while (end < text.length && WORD.test(text[end])) end += 1;
  return { kind: sign, query: text.slice(start, caret), start: start - 1, end };
}

/** Whether text ends inside a ``` block. @param {string} text */
const inFence = (text) => (text.match(/^```/gm) ?? []).length % 2 === 1;

/**
 * What an `@` may become: people (channel members first, oneself last among them, then the rest
 * of the workspace), groups, then the broadcasts (not in DMs). Best matches first within each part.
 * @param {string} query
 * @param {{people: Person[], members?: Set<string> | null, groups?: Group[], dm?: boolean, me?: string, limit?: number}} from
 * @returns {Option[]}
 */
export function mentionOptions(query, { people, members = null, groups = [], dm = false, me = '', limit = MAX_OPTIONS }) {
  /** @type {{o: Option, score: number, rank: number}[]} */
  const scored = [];
  for (const p of people) {
    const score = best(query, [p.name, p.handle ?? '']);
    if (score === null) continue;
    const member = members ? members.has(p.id) : true;
    scored.push({ o: { kind: 'person', id: p.id, label: p.name, detail: p.handle ? `@${p.handle}` : '', insert: `@${p.handle ?? p.name} `, member }, score, rank: member ? (p.id === me ? 0.5 : 0) : 1 });
  }
  for (const g of groups) {
    const score = best(query, [g.handle, g.name]);
    if (score === null) continue;
    const n = g.user_ids.length;
    scored.push({ o: { kind: 'group', id: g.id, label: g.name || `@${g.handle}`, detail: `@${g.handle} · ${n} ${n === 1 ? 'person' : 'people'}`, insert: `@${g.handle} ` }, score, rank: 2 });
  }
  if (!dm) {
    for (const s of SPECIALS) {
      const score = best(query, [s.handle]);
      if (score === null) continue;
      scored.push({ o: { kind: 'special', id: s.handle, label: `@${s.handle}`, detail: s.detail, insert: `@${s.handle} ` }, score, rank: 3 });
    }
  }
  // With a query, an exact handle or a prefix of one leads whatever part it is in.
  const exact = (/** @type {Option} */ o) => (query && o.insert.trim().slice(1).toLowerCase() === query.toLowerCase() ? 0 : 1);
  // Ties: people and groups by name, the broadcasts in their own order.
  const byName = (/** @type {Option} */ x, /** @type {Option} */ y) => (x.kind === 'special' ? 0 : x.label.localeCompare(y.label));
  scored.sort((a, b) => exact(a.o) - exact(b.o) || a.rank - b.rank || b.score - a.score || byName(a.o, b.o));
  return scored.slice(0, limit).map((s) => s.o);
}

/**
 * What a `#` may become: channels that are not DMs, those one is in first.
 * @param {string} query @param {Iterable<ChannelLike>} channels @param {number} [limit] @returns {Option[]}
 */
export function channelOptions(query, channels, limit = MAX_OPTIONS) {
  /** @type {{o: Option, score: number, rank: number}[]} */
  const scored = [];
  for (const c of channels) {
    if (c.kind === 'dm') continue;
    const score = fuzzyScore(query, c.name);
    if (score === null) continue;
    const detail = [c.kind === 'private' ? 'Private' : '', c.archived ? 'Archived' : '', c.is_member === false ? 'Not joined' : ''].filter(Boolean).join(' · ');
    scored.push({ o: { kind: 'channel', id: c.id, label: c.name, detail, insert: `#${c.name} ` }, score, rank: (c.archived ? 2 : 0) + (c.is_member === false ? 1 : 0) });
  }
  scored.sort((a, b) => a.rank - b.rank || b.score - a.score || a.o.label.localeCompare(b.o.label));
  return scored.slice(0, limit).map((s) => s.o);
}

/** The higher score of several texts, or null when none matches. @param {string} query @param {string[]} texts */
function best(query, texts) {
  let top = /** @type {number | null} */ (null);
  for (const t of texts) {
    if (!t) continue;
    const s = fuzzyScore(query, t);
    if (s !== null && (top === null || s > top)) top = s;
  }
  return top;
}

/**
 * The text with the trigger's word replaced by the pick, and the caret after it (one space
 * follows, never two).
 * @param {string} text @param {Trigger} trigger @param {string} insert @returns {{text: string, caret: number}}
 */
export function applyPick(text, trigger, insert) {
  const rest = text.slice(trigger.end);
  const put = rest.startsWith(' ') && insert.endsWith(' ') ? insert.slice(0, -1) : insert;
  const caret = trigger.start + put.length + (put === insert ? 0 : 1);
  return { text: text.slice(0, trigger.start) + put + rest, caret };
}

/** The next active index, wrapping; -1 for an empty list. @param {number} at @param {number} delta @param {number} length */
export function move(at, delta, length) {
  if (length <= 0) return -1;
  return (((at + delta) % length) + length) % length;
}

/**
 * The broadcast a message sends (`@channel`, `@everyone`, `@here`), outside code, or null.
 * `@channel` and `@everyone` reach everyone and win over `@here`.
 * @param {string} content @returns {'channel' | 'everyone' | 'here' | null}
 */
export function broadcastIn(content) {
  const text = content.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ').toLowerCase();
  const said = (/** @type {string} */ w) => new RegExp(`(^|[^\\w@.])@${w}(?![\\w-])`).test(text);
  if (said('channel')) return 'channel';
  if (said('everyone')) return 'everyone';
  if (said('here')) return 'here';
  return null;
}
