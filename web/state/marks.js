// @ts-check
/** Pins and saved messages as the client holds them: the ids pinned in each channel (loaded
 * from the channel's pins, kept by its events) and the ids one has saved. Until the server sends
 * `pinned` on every message, a channel's pin list is the truth once loaded. No DOM here. */

/** @typedef {import('./messages.js').Message} Message */

/**
 * A channel's pinned ids after a pin event, newest pin first (a repeat changes nothing).
 * @param {string[]} ids @param {{type: string, message_id?: string}} event @returns {string[]}
 */
export function pinsAfter(ids, event) {
  const id = event.message_id;
  if (!id) return ids;
  if (event.type === 'message.pinned') return ids.includes(id) ? ids : [id, ...ids];
  if (event.type === 'message.unpinned' || event.type === 'message.deleted') return ids.includes(id) ? ids.filter((x) => x !== id) : ids;
  return ids;
}

/**
 * Whether a message is pinned: the channel's loaded pin list says, else the message's own field.
 * @param {Message & {pinned?: boolean}} m @param {string[] | undefined} pins
 */
export const isPinned = (m, pins) => (pins ? pins.includes(m.id) : Boolean(m.pinned));

/**
 * The saved ids after saving or unsaving one, newest first.
 * @param {string[]} ids @param {string} id @param {boolean} saved @returns {string[]}
 */
export function savedAfter(ids, id, saved) {
  const rest = ids.filter((x) => x !== id);
  return saved ? [id, ...rest] : rest;
}
