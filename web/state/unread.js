// @ts-check
/** Unread and mention counts, and the document title that shows them. No DOM here. */

/**
 * @typedef {{id: string, name: string, kind: string, is_member: boolean, last_seq: number,
 *   last_read_seq: number, unread_count: number, mention_count: number, topic: string,
 *   dm_user_ids: string[], workspace_id: string, archived: boolean, is_default: boolean,
 *   created_by?: string, created_at?: string, notifications?: Notifications}} Channel
 * @typedef {{level: string, muted: boolean, default?: boolean}} Notifications the reader's
 *   preferences for the channel: `level` the effective one, `default` when it follows the workspace's
 */

/**
 * A channel after a new message arrived in it: counted unless it is the reader's own, or the
 * reader is looking at the channel (then the marker moves instead).
 * @param {Channel} channel @param {{author_id: string, mentions: string[], thread_root_id: string | null, also_in_channel?: boolean}} message
 * @param {number} seq @param {string} me @param {boolean} viewing @returns {Channel}
 */
export function onMessage(channel, message, seq, me, viewing) {
  const next = { ...channel, last_seq: Math.max(channel.last_seq, seq) };
  // A reply counts in its channel only when it was also sent there (as the server counts).
  if (viewing || message.author_id === me || (message.thread_root_id && !message.also_in_channel) || !channel.is_member) return next;
  return {
    ...next,
    unread_count: channel.unread_count + 1,
    mention_count: channel.mention_count + (message.mentions.includes(me) ? 1 : 0),
  };
}

/** The channel once read up to `seq` (here or on another device). @param {Channel} channel @param {number} seq */
export function onRead(channel, seq) {
  if (seq < channel.last_read_seq) return channel;
  const all = seq >= channel.last_seq;
  return { ...channel, last_read_seq: seq, unread_count: all ? 0 : channel.unread_count, mention_count: all ? 0 : channel.mention_count };
}

/** Whether the reader muted a channel. @param {Channel} c */
export const isMuted = (c) => Boolean(c.notifications?.muted);

/** Whether a row shows as unread (bold): a muted channel never does; its mentions show as a badge. @param {Channel} c */
export const looksUnread = (c) => c.unread_count > 0 && !isMuted(c);

/** The title's total: unread messages, but only the mentions of muted channels.
 * @param {Iterable<Channel>} channels @returns {number} */
export function totalUnread(channels) {
  let total = 0;
  for (const c of channels) if (c.is_member) total += isMuted(c) ? c.mention_count : c.unread_count;
  return total;
}

/** @param {string} base @param {number} unread */
export function title(base, unread) {
  return unread > 0 ? `(${unread}) ${base}` : base;
}
