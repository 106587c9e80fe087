// @ts-check
/** Threads as the client holds them: an open thread's root and replies (ordered by seq, each
 * once, with one's own replies still on their way), and which threads one follows with how many
 * replies are unread. No DOM here. */
import { react } from './messages.js';

/**
 * @typedef {import('./messages.js').Message} Message
 * @typedef {import('./messages.js').Pending} Pending
 * @typedef {{rootId: string, channelId: string, root: Message | null, replies: Message[],
 *   pending: Pending[], loaded: boolean}} Thread
 */

/** @param {string} rootId @param {string} channelId @returns {Thread} */
export function emptyThread(rootId, channelId) {
  return { rootId, channelId, root: null, replies: [], pending: [], loaded: false };
}

/** Inserts or replaces replies (by id), keeping seq order. @param {Message[]} list @param {Message[]} incoming */
export function mergeReplies(list, incoming) {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Applies one persistent channel event to a thread; returns the thread (the same object when the
 * event is not about it).
 * @param {Thread} thread
 * @param {{type: string, seq?: number, message?: Message, message_id?: string, root_id?: string,
 *   reply_count?: number, last_reply_at?: string, reply_user_ids?: string[], emoji?: string, user_id?: string}} event
 * @returns {Thread}
 */
export function applyToThread(thread, event) {
  const { rootId } = thread;
  const m = event.message;
  if ((event.type === 'message.created' || event.type === 'message.updated') && m) {
    if (m.id === rootId) return { ...thread, root: m };
    if (m.thread_root_id !== rootId) return thread;
    const pending = event.type === 'message.created' && m.idempotency_key
      ? thread.pending.filter((p) => p.clientId !== m.idempotency_key) : thread.pending;
    return { ...thread, replies: mergeReplies(thread.replies, [m]), pending };
  }
  const id = event.message_id;
  const touch = (/** @type {(m: Message) => Message} */ fn) => {
    if (thread.root && thread.root.id === id) return { ...thread, root: fn(thread.root) };
    if (!thread.replies.some((r) => r.id === id)) return thread;
    return { ...thread, replies: thread.replies.map((r) => (r.id === id ? fn(r) : r)) };
  };
  if (event.type === 'message.deleted') return touch((r) => ({ ...r, deleted: true, content: '', html: '', attachments: [] }));
  if (event.type === 'reaction.added' || event.type === 'reaction.removed') return touch((r) => ({ ...r, reactions: react(r.reactions ?? [], event) }));
  if (event.type === 'message.pinned' || event.type === 'message.unpinned') return touch((r) => ({ ...r, pinned: event.type === 'message.pinned' }));
  if (event.type === 'thread.updated' && event.root_id === rootId && thread.root) {
    return { ...thread, root: summarise(thread.root, event) };
  }
  return thread;
}

/** A root's thread summary after a `thread.updated`.
 * @param {Message} root @param {{reply_count?: number, last_reply_at?: string, reply_user_ids?: string[]}} event */
export function summarise(root, event) {
  return {
    ...root,
    reply_count: event.reply_count ?? root.reply_count,
    last_reply_at: event.last_reply_at ?? root.last_reply_at,
    reply_user_ids: event.reply_user_ids ?? root.reply_user_ids,
  };
}

/** Adds or replaces (by client id) a reply of one's own on its way. @param {Thread} thread @param {Pending} p */
export function putPendingReply(thread, p) {
  const known = thread.pending.some((x) => x.clientId === p.clientId);
  return { ...thread, pending: known ? thread.pending.map((x) => (x.clientId === p.clientId ? p : x)) : [...thread.pending, p] };
}

/** @param {Thread} thread @param {string} clientId */
export function dropPendingReply(thread, clientId) {
  return { ...thread, pending: thread.pending.filter((p) => p.clientId !== clientId) };
}

/**
 * Whether a new reply makes one follow its thread (as the server decides: one's own reply, the
 * root is one's own, or the reply mentions one) — unless one unfollowed it.
 * @param {Message} reply @param {string} me @param {Message | undefined} root
 */
export function followsAfter(reply, me, root) {
  return reply.author_id === me || root?.author_id === me || (reply.mentions ?? []).includes(me);
}

/**
 * The unread replies per followed thread after a new reply arrives: one more when it is someone
 * else's in a thread one follows and is not looking at.
 * @param {Map<string, number>} unread @param {Message} reply @param {string} me
 * @param {{following: boolean, viewing: boolean}} where
 * @returns {Map<string, number>}
 */
export function countReply(unread, reply, me, { following, viewing }) {
  const root = reply.thread_root_id;
  if (!root || !following) return unread;
  const next = new Map(unread);
  if (reply.author_id === me || viewing) next.set(root, 0);
  else next.set(root, (unread.get(root) ?? 0) + 1);
  return next;
}

/** How many followed threads have unread replies. @param {Map<string, number>} unread */
export function unreadThreads(unread) {
  let n = 0;
  for (const count of unread.values()) if (count > 0) n += 1;
  return n;
}

/** "3 replies", "1 reply". @param {number} n */
export const repliesLabel = (n) => `${n} ${n === 1 ? 'reply' : 'replies'}`;
