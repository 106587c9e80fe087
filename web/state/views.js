// @ts-check
/** What the Threads, Mentions and Saved views list, and how their times read. No DOM here. */

/** @typedef {import('./messages.js').Message} Message */
/** @typedef {{root: Message, unread_count: number, following?: boolean}} ThreadItem */

/** The views the main pane shows instead of a channel, with their titles. */
export const VIEW_TITLES = /** @type {Record<string, string>} */ ({ threads: 'Threads', mentions: 'Mentions', saved: 'Saved' });

/** Whether a path segment names a view. @param {string | undefined} kind */
export const isView = (kind) => Boolean(kind && Object.hasOwn(VIEW_TITLES, kind));

/**
 * One's saved messages that belong to this workspace and are still saved, in the order given.
 * @param {Message[]} messages @param {{has: (cid: string) => boolean}} channels this workspace's
 * @param {string[] | null} saved the ids saved now (null: not known, keep all)
 */
export function savedHere(messages, channels, saved) {
  const still = saved ? new Set(saved) : null;
  return messages.filter((m) => channels.has(m.channel_id) && !m.deleted && (!still || still.has(m.id)));
}

/** Mentions pages appended: each message once, newest first. @param {Message[]} held @param {Message[]} page */
export function appendPage(held, page) {
  const seen = new Set(held.map((m) => m.id));
  return [...held, ...page.filter((m) => !seen.has(m.id))];
}

/** Threads with unread replies first, then by the newest reply (or the root's time).
 * @param {ThreadItem[]} threads @returns {ThreadItem[]} */
export function threadOrder(threads) {
  const last = (/** @type {ThreadItem} */ t) => Date.parse(/** @type {any} */ (t.root).last_reply_at ?? t.root.created_at) || 0;
  return [...threads].sort((a, b) => Number(b.unread_count > 0) - Number(a.unread_count > 0) || last(b) - last(a));
}

/**
 * "14:03", "Yesterday at 14:03", "Monday 1 December at 14:03", with the year when not this year.
 * @param {string} at RFC 3339 @param {Date} now @param {string} [locale]
 */
export function whenText(at, now, locale) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const clock = d.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  const day = (/** @type {Date} */ x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((day(now) - day(d)) / 86_400_000);
  if (days === 0) return `Today at ${clock}`;
  if (days === 1) return `Yesterday at ${clock}`;
  const date = d.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) });
  return `${date} at ${clock}`;
}

/** "1 reply", "3 replies". @param {number} n */
export const repliesText = (n) => `${n} ${n === 1 ? 'reply' : 'replies'}`;
