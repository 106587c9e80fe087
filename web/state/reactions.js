// @ts-check
/** Reactions as people read them: whether one is mine, what a click on it does, and who reacted
 * ("Ana, Ben and 3 others reacted with :tada:"). No DOM here. */

/** @typedef {import('./messages.js').Reaction} Reaction */

/** Names shown before "and N others". */
const NAMED = 2;

/** @param {Reaction} reaction @param {string} me */
export const isMine = (reaction, me) => reaction.user_ids.includes(me);

/**
 * The event a click on the chip of `emoji` stands for: taking my reaction back, or adding it.
 * @param {Reaction[]} reactions @param {string} emoji @param {string} me
 * @returns {{type: 'reaction.added' | 'reaction.removed', emoji: string, user_id: string}}
 */
export function toggle(reactions, emoji, me) {
  const found = reactions.find((r) => r.emoji === emoji);
  return { type: found && isMine(found, me) ? 'reaction.removed' : 'reaction.added', emoji, user_id: me };
}

/**
 * Who reacted, me first as "You": "You and Ana", "Ana, Ben and Cy", "Ana, Ben and 3 others".
 * `count` may exceed the ids the server listed.
 * @param {Reaction} reaction @param {string} me @param {(id: string) => string} nameOf
 */
export function reactors(reaction, me, nameOf) {
  const ids = [...reaction.user_ids.filter((id) => id === me), ...reaction.user_ids.filter((id) => id !== me)];
  const names = ids.map((id) => (id === me ? 'You' : nameOf(id)));
  const total = Math.max(reaction.count, names.length);
  if (!names.length) return total === 1 ? 'Someone' : `${total} people`;
  if (total === names.length && total <= NAMED + 1) {
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
  const shown = names.slice(0, NAMED);
  const others = total - shown.length;
  return `${shown.join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
}

/**
 * The chip's tooltip and label. `name` is the emoji's shortcode when known.
 * @param {Reaction} reaction @param {string} me @param {(id: string) => string} nameOf @param {string | undefined} name
 */
export function describe(reaction, me, nameOf, name) {
  return `${reactors(reaction, me, nameOf)} reacted with ${name ? `:${name}:` : reaction.emoji}`;
}
