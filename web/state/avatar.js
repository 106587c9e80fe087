// @ts-check
/** Avatars: a person's photo when they uploaded one, otherwise initials on a colour derived from
 * the user id, the same colour for the same person everywhere; and the crop preview of a photo
 * about to be uploaded. No DOM here. */

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

/** Avatars drawn this big or smaller use the server's 128 px copy; bigger ones the 512 px one. */
export const SMALL_AVATAR_MAX = 64;

/**
 * The address of a person's photo drawn at `size` px, or null when they have none.
 * @param {string | null | undefined} avatarUrl the user's `avatar_url` (the 512 px copy)
 * @param {number} size px @returns {string | null}
 */
export function avatarSrc(avatarUrl, size) {
  if (!avatarUrl) return null;
  if (size > SMALL_AVATAR_MAX) return avatarUrl;
  return avatarUrl + (avatarUrl.includes('?') ? '&' : '?') + 'size=128';
}

/** The photo types the server takes for an avatar, and their largest size. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

/**
 * What is wrong with a file chosen as an avatar before it is sent, or null (the server checks
 * again: a file may claim a type it is not).
 * @param {{type: string, size: number}} file @returns {string | null}
 */
export function avatarFileProblem(file) {
  if (!AVATAR_TYPES.includes(file.type)) return 'Choose a PNG, JPEG, GIF or WebP image.';
  if (file.size > AVATAR_MAX_BYTES) return 'That image is over 2 MB. Choose a smaller one.';
  return null;
}

/**
 * How the crop preview lays out a picture of `width`×`height`: the picture is scaled so its short
 * side is `side` px (the centre square the server keeps then measures side × side), shown in a
 * frame at most `maxFrame` px on each side, centred; the square sits in the frame's middle.
 * @param {number} width @param {number} height @param {number} [side] @param {number} [maxFrame]
 * @returns {{image: {width: number, height: number, left: number, top: number},
 *   frame: {width: number, height: number}, square: {left: number, top: number, side: number}}}
 */
export function cropPreview(width, height, side = 160, maxFrame = 280) {
  const w = width > 0 ? width : side;
  const h = height > 0 ? height : side;
  const scale = side / Math.min(w, h);
  const image = { width: Math.round(w * scale), height: Math.round(h * scale) };
  const frame = { width: Math.min(image.width, Math.max(maxFrame, side)), height: Math.min(image.height, Math.max(maxFrame, side)) };
  return {
    image: { ...image, left: Math.round((frame.width - image.width) / 2), top: Math.round((frame.height - image.height) / 2) },
    frame,
    square: { left: Math.round((frame.width - side) / 2), top: Math.round((frame.height - side) / 2), side },
  };
}
