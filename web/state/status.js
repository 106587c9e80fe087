// @ts-check
/** A person's status (emoji, text, when it clears) and do-not-disturb: what shows now, and the
 * times the status dialog's choices stand for. Times are computed in the reader's local zone from
 * a `now` passed in. No DOM here. */

/**
 * @typedef {{status_text?: string | null, status_emoji?: string | null, status_expires_at?: string | null,
 *   dnd_until?: string | null}} StatusFields
 * @typedef {{emoji: string, text: string}} Status
 */

/** The emoji shown for a status that has words but no emoji of its own. */
export const DEFAULT_STATUS_EMOJI = '💬';

/** Statuses offered with one click. @type {{emoji: string, text: string, clear: ClearAfter}[]} */
export const PRESETS = [
  { emoji: '📅', text: 'In a meeting', clear: '1h' },
  { emoji: '🚌', text: 'Commuting', clear: '30m' },
  { emoji: '🤒', text: 'Out sick', clear: 'today' },
  { emoji: '🌴', text: 'Vacationing', clear: 'never' },
  { emoji: '🏠', text: 'Working remotely', clear: 'today' },
];

/** @typedef {'never' | '30m' | '1h' | '4h' | 'today' | 'week'} ClearAfter */
/** @type {[ClearAfter, string][]} */
export const CLEAR_AFTER = [['never', 'Don’t clear'], ['30m', '30 minutes'], ['1h', '1 hour'], ['4h', '4 hours'], ['today', 'Today'], ['week', 'This week']];

/** @typedef {'30m' | '1h' | '2h' | 'tomorrow'} PauseFor */
/** @type {[PauseFor, string][]} */
export const PAUSE_FOR = [['30m', 'For 30 minutes'], ['1h', 'For 1 hour'], ['2h', 'For 2 hours'], ['tomorrow', 'Until tomorrow morning']];

const MINUTE = 60_000;

/** Whether an RFC 3339 time is still ahead. A missing or unreadable one is not. @param {string | null | undefined} at @param {number} now ms */
const ahead = (at, now) => { const t = at ? Date.parse(at) : NaN; return t > now; };

/**
 * The status to show now, or null: none set, or expired (the server blanks an expired status,
 * but a status shown before it expired must go at its time).
 * @param {StatusFields | undefined} user @param {number} now ms @returns {Status | null}
 */
export function activeStatus(user, now) {
  if (!user) return null;
  const text = (user.status_text ?? '').trim();
  const emoji = (user.status_emoji ?? '').trim();
  if (!text && !emoji) return null;
  if (user.status_expires_at && !ahead(user.status_expires_at, now)) return null;
  return { emoji: emoji || DEFAULT_STATUS_EMOJI, text };
}

/** Whether the person has paused notifications now. @param {StatusFields | undefined} user @param {number} now ms */
export const dndActive = (user, now) => Boolean(user && ahead(user.dnd_until, now));

/**
 * When a status set now clears, as RFC 3339 (null: never).
 * @param {ClearAfter} choice @param {Date} now @returns {string | null}
 */
export function clearAt(choice, now) {
  const t = now.getTime();
  switch (choice) {
    case '30m': return new Date(t + 30 * MINUTE).toISOString();
    case '1h': return new Date(t + 60 * MINUTE).toISOString();
    case '4h': return new Date(t + 240 * MINUTE).toISOString();
    case 'today': return endOfDay(now, 0).toISOString();
    case 'week': {
      // The week ends on Sunday night (ISO weeks start on Monday).
      const toSunday = (7 - now.getDay()) % 7;
      return endOfDay(now, toSunday).toISOString();
    }
    default: return null;
  }
}

/** The last second of the local day `days` after `now`'s. @param {Date} now @param {number} days */
function endOfDay(now, days) {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, 23, 59, 59);
}

/** When notifications paused now resume, as RFC 3339. @param {PauseFor} choice @param {Date} now */
export function pauseUntil(choice, now) {
  const t = now.getTime();
  switch (choice) {
    case '30m': return new Date(t + 30 * MINUTE).toISOString();
    case '1h': return new Date(t + 60 * MINUTE).toISOString();
    case '2h': return new Date(t + 120 * MINUTE).toISOString();
    default: return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0).toISOString();
  }
}

/**
 * The next moment something shown about these people changes by itself (a status clears,
 * notifications resume), or null.
 * @param {Iterable<StatusFields>} users @param {number} now ms @returns {number | null} ms
 */
export function nextExpiry(users, now) {
  let next = Infinity;
  for (const u of users) {
    for (const at of [u.status_expires_at, u.dnd_until]) {
      const t = at ? Date.parse(at) : NaN;
      if (t > now && t < next) next = t;
    }
  }
  return next === Infinity ? null : next;
}

/**
 * "until 14:30", "until tomorrow, 9:00", "until Friday, 9:00" for a time ahead.
 * @param {string} at RFC 3339 @param {Date} now @param {string} [locale]
 */
export function untilText(at, now, locale) {
  const when = new Date(at);
  const clock = when.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  const days = Math.round((startOfDay(when) - startOfDay(now)) / 86_400_000);
  if (days <= 0) return `until ${clock}`;
  if (days === 1) return `until tomorrow, ${clock}`;
  if (days < 7) return `until ${when.toLocaleDateString(locale, { weekday: 'long' })}, ${clock}`;
  const sameYear = when.getFullYear() === now.getFullYear();
  return `until ${when.toLocaleDateString(locale, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) })}, ${clock}`;
}

/** @param {Date} d */
const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** A status as one line for people reading it: "🌴 Vacationing". @param {Status} s */
export const statusLine = (s) => (s.text ? `${s.emoji} ${s.text}` : s.emoji);
