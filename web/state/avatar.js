// @ts-check
/** Avatars until uploads exist: initials on a colour derived from the user id, the same colour
 * for the same person everywhere. No DOM here. */

/** Backgrounds that carry white initials at AA contrast (tests/avatar.test.js checks). */
export const AVATAR_COLORS = ['#8e3b9e', '#1d64a8', '#0b6e5f', '#a8431b', '#a3336b', '#4353c7', '#2c6e30', '#7a5200', '#6446b0', '#b02e22'];

/** @param {string} userId @returns {string} a colour from AVATAR_COLORS */
export function avatarColor(userId) {
  // FNV-1a: stable across reloads and browsers, spread well over short ids.
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return AVATAR_COLORS[hash % AVATAR_COLORS.length];
}

/** Up to two letters: the first of the first and last words. @param {string} name */
export function initials(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? [...words[words.length - 1]][0] ?? '' : '';
  return (first + last).toUpperCase();
}
