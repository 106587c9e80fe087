// @ts-check
import { summarise } from './threads.js';

/** A channel's messages as the client holds them: ordered by seq, each once, plus the
 * optimistic ones still on their way. No DOM here. */

/**
 * @typedef {{id: string, channel_id: string, seq: number, author_id: string, content: string,
 *   html: string, created_at: string, edited_at: string | null, deleted: boolean,
 *   thread_root_id: string | null, reply_count: number, mentions: string[], idempotency_key?: string | null, reactions?: Reaction[],
 *   pinned?: boolean, last_reply_at?: string | null, reply_user_ids?: string[], also_in_channel?: boolean,
 *   attachments?: import('./files.js').FileInfo[]}} Message
 * @typedef {{emoji: string, count: number, user_ids: string[]}} Reaction
 * @typedef {{clientId: string, channelId: string, content: string, status: 'pending' | 'failed',
 *   created_at: string, reason: string, retry: boolean, threadRootId?: string, alsoToChannel?: boolean,
 *   attachments?: import('./files.js').FileInfo[]}} Pending a message of one's own on its way
 *   (a reply in the thread of `threadRootId`, when given; `attachments` the files it carries, uploaded already):
 *   `clientId` is the idempotency key it is sent with; `reason` why it failed; `retry` whether
 *   sending it again may help (not when the server refused it for what it is)
 * @typedef {{messages: Message[], pending: Pending[], lastSeq: number, hasOlder: boolean}} ChannelLog
 */

/** @returns {ChannelLog} */
export function emptyLog() {
  return { messages: [], pending: [], lastSeq: 0, hasOlder: true };
}

/**
 * Inserts or replaces messages (by id), keeping seq order. Thread replies stay out of the list,
 * unless also sent to the channel.
 * @param {Message[]} list @param {Message[]} incoming @returns {Message[]}
 */
export function mergeMessages(list, incoming) {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) {
    if (m.thread_root_id && !m.also_in_channel) continue;
    byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * What to do with an event of seq `seq` given the last seq applied: apply it, ignore it (seen),
 * or fetch the log first (a gap).
 * @param {number} lastSeq @param {number} seq @returns {'apply' | 'duplicate' | 'gap'}
 */
export function classify(lastSeq, seq) {
  if (seq <= lastSeq) return 'duplicate';
  if (seq === lastSeq + 1) return 'apply';
  return 'gap';
}

/**
 * Applies one persistent event to a log; returns the new log.
 * @param {ChannelLog} log @param {{type: string, seq: number, message?: Message, message_id?: string, root_id?: string, reply_count?: number, last_reply_at?: string, reply_user_ids?: string[], emoji?: string, user_id?: string}} event
 * @returns {ChannelLog}
 */
export function applyEvent(log, event) {
  let messages = log.messages;
  if ((event.type === 'message.created' || event.type === 'message.updated') && event.message) {
    messages = mergeMessages(messages, [event.message]);
  } else if (event.type === 'message.deleted') {
    messages = messages.map((m) =>
      m.id === event.message_id ? { ...m, deleted: true, content: '', html: '', attachments: [] } : m);
  } else if (event.type === 'reaction.added' || event.type === 'reaction.removed') {
    messages = messages.map((m) => (m.id === event.message_id ? { ...m, reactions: react(m.reactions ?? [], event) } : m));
  } else if (event.type === 'thread.updated') {
    messages = messages.map((m) => (m.id === event.root_id ? summarise(m, event) : m));
  } else if (event.type === 'message.pinned' || event.type === 'message.unpinned') {
    const pinned = event.type === 'message.pinned';
    messages = messages.map((m) => (m.id === event.message_id ? { ...m, pinned } : m));
  }
  return { ...log, messages, lastSeq: Math.max(log.lastSeq, event.seq) };
}

/**
 * A message's reactions after one was added or removed (idempotent: a repeat changes nothing).
 * @param {Reaction[]} reactions @param {{type: string, emoji?: string, user_id?: string}} event
 * @returns {Reaction[]}
 */
export function react(reactions, event) {
  const { emoji = '', user_id: user = '' } = event;
  const adding = event.type === 'reaction.added';
  const found = reactions.find((r) => r.emoji === emoji);
  if (adding) {
    if (found?.user_ids.includes(user)) return reactions;
    if (!found) return [...reactions, { emoji, count: 1, user_ids: [user] }];
    return reactions.map((r) => (r === found ? { ...r, count: r.count + 1, user_ids: [...r.user_ids, user] } : r));
  }
  if (!found || !found.user_ids.includes(user)) return reactions;
  return reactions
    .map((r) => (r === found ? { ...r, count: r.count - 1, user_ids: r.user_ids.filter((u) => u !== user) } : r))
    .filter((r) => r.count > 0);
}

/**
 * Adds an optimistic message, shown at once as pending.
 * @param {ChannelLog} log @param {string} clientId @param {string} content @returns {ChannelLog}
 */
export function addPending(log, clientId, content, channelId = '') {
  /** @type {Pending} */
  const pending = { clientId, channelId, content, status: 'pending', created_at: new Date().toISOString(), reason: '', retry: true };
  return putPending(log, pending);
}

/** Adds or replaces (by client id) a pending message. @param {ChannelLog} log @param {Pending} pending */
export function putPending(log, pending) {
  const known = log.pending.some((p) => p.clientId === pending.clientId);
  return { ...log, pending: known ? log.pending.map((p) => (p.clientId === pending.clientId ? pending : p)) : [...log.pending, pending] };
}

/** @param {ChannelLog} log @param {string} clientId @returns {ChannelLog} */
export function dropPending(log, clientId) {
  return { ...log, pending: log.pending.filter((p) => p.clientId !== clientId) };
}

/**
 * The server answered a send: the pending copy gives way to the server's.
 * @param {ChannelLog} log @param {string} clientId @param {Message} message @returns {ChannelLog}
 */
export function confirmPending(log, clientId, message) {
  return {
    ...log,
    pending: log.pending.filter((p) => p.clientId !== clientId),
    messages: mergeMessages(log.messages, [message]),
  };
}

/**
 * One's own message arrived on the socket before the answer to its POST: the pending copy with
 * the same client id (its `idempotency_key`) gives way now, so the message never shows twice.
 * Two messages with the same text stay two.
 * @param {ChannelLog} log @param {Message} message @returns {ChannelLog}
 */
export function settlePending(log, message) {
  const key = message.idempotency_key;
  if (!key || !log.pending.some((p) => p.clientId === key)) return log;
  return dropPending(log, key);
}

/**
 * @param {ChannelLog} log @param {string} clientId @param {'pending' | 'failed'} status
 * @param {{reason: string, retry: boolean}} [why] for a failure
 * @returns {ChannelLog}
 */
export function markPending(log, clientId, status, why = { reason: '', retry: true }) {
  return { ...log, pending: log.pending.map((p) => (p.clientId === clientId ? { ...p, status, ...why } : p)) };
}

/** Keeps at most `max` messages in memory, the newest. @param {ChannelLog} log @param {number} max */
export function cap(log, max) {
  if (log.messages.length <= max) return log;
  return { ...log, messages: log.messages.slice(-max), hasOlder: true };
}
