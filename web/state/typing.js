// @ts-check
/** Who is typing where, expiring 3 s after their last typing frame. No DOM here. */

export const TYPING_MS = 3000;

/** @typedef {Map<string, number>} Typists user id → expiry (ms) */

/** @param {Typists} typists @param {string} userId @param {number} now @returns {Typists} */
export function typed(typists, userId, now) {
  const next = new Map(typists);
  next.set(userId, now + TYPING_MS);
  return next;
}

/** @param {Typists} typists @param {number} now @returns {string[]} */
export function active(typists, now) {
  return [...typists].filter(([, until]) => until > now).map(([id]) => id);
}

/** "Ana is typing…", "Ana and Ben are typing…", "Several people are typing…". @param {string[]} names */
export function describe(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
