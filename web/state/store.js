// @ts-check
/** The client's state: plain data, changed only through the functions here, which tell the
 * views. No DOM here. */
import { emptyLog, applyEvent, classify, settlePending } from './messages.js';
import { onMessage, onRead } from './unread.js';
import { typed } from './typing.js';

/**
 * @typedef {import('./messages.js').ChannelLog} ChannelLog
 * @typedef {import('./unread.js').Channel} Channel
 * @typedef {{id: string, name: string, status_text: string, email?: string}} User
 */

export const store = {
  /** @type {User | null} */ me: null,
  /** @type {{id: string, name: string, role: string}[]} */ workspaces: [],
  /** @type {string | null} */ workspaceId: null,
  /** @type {Map<string, Channel>} */ channels: new Map(),
  /** @type {string | null} */ channelId: null,
  /** @type {Map<string, ChannelLog>} */ logs: new Map(),
  /** @type {Map<string, User>} */ users: new Map(),
  /** @type {Map<string, string>} */ presence: new Map(),
  /** @type {Map<string, Map<string, number>>} */ typing: new Map(),
  /** @type {'connecting' | 'open' | 'closed'} */ connection: 'closed',
  /** Whether the page is in view (the views keep it current): a message in the open channel of a
   * visible page is read, not unread. */ visible: true,
  /** Members per channel, for the channel header. @type {Map<string, number>} */ memberCounts: new Map(),
  /** Who is in a channel (user ids), once the header or members panel asked. @type {Map<string, string[]>} */ channelMembers: new Map(),
  /** Workspace role of each member of the open workspace. @type {Map<string, string>} */ roles: new Map(),
};

/** @type {Set<(what: string) => void>} */
const listeners = new Set();

/** @param {(what: string) => void} fn @returns {() => void} unsubscribe */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tells the views what changed: 'channels', 'messages', 'typing', 'presence', 'connection',
 * 'members' (who is in a channel, workspace roles), 'all'. */
export function changed(/** @type {string} */ what) {
  for (const fn of listeners) fn(what);
}

/** @param {string} cid */
export function logOf(cid) {
  let log = store.logs.get(cid);
  if (!log) {
    log = emptyLog();
    const channel = store.channels.get(cid);
    if (channel) log.lastSeq = channel.last_seq;
    store.logs.set(cid, log);
  }
  return log;
}

/** @param {string} cid @param {ChannelLog} log */
export function setLog(cid, log) {
  store.logs.set(cid, log);
  if (cid === store.channelId) changed('messages');
}

/** @param {Channel} channel */
export function putChannel(channel) {
  const known = store.channels.get(channel.id);
  store.channels.set(channel.id, known ? { ...known, ...pickShared(channel) } : channel);
  changed('channels');
}

/** Fields of a broadcast channel object that hold for every reader. @param {Channel} c */
function pickShared(c) {
  const { name, topic, archived, kind, last_seq } = c;
  return { name, topic, archived, kind, last_seq };
}

/**
 * A persistent event from the socket or the log. Returns 'gap' when the client must fetch the
 * log before it (docs/protocol.md).
 * @param {any} event @returns {'applied' | 'duplicate' | 'gap' | 'ignored'}
 */
export function applyPersistent(event) {
  const channel = store.channels.get(event.channel_id);
  if (!channel || !channel.is_member) return 'ignored';
  const log = logOf(event.channel_id);
  const verdict = classify(log.lastSeq, event.seq);
  if (verdict === 'duplicate') return 'duplicate';
  if (verdict === 'gap') return 'gap';
  let next = applyEvent(log, event);
  if (event.type === 'message.created' && event.message?.author_id === store.me?.id) next = settlePending(next, event.message);
  setLog(event.channel_id, next);
  let updated = { ...channel, last_seq: Math.max(channel.last_seq, event.seq) };
  const viewing = event.channel_id === store.channelId && store.visible;
  if (event.type === 'message.created' && event.message && store.me) {
    updated = onMessage(channel, event.message, event.seq, store.me.id, viewing);
  }
  const count = store.memberCounts.get(channel.id);
  if (count !== undefined && event.type === 'channel.member_joined') store.memberCounts.set(channel.id, count + 1);
  if (count !== undefined && event.type === 'channel.member_left') store.memberCounts.set(channel.id, count - 1);
  const members = store.channelMembers.get(channel.id);
  if (members && event.type === 'channel.member_joined' && !members.includes(event.user_id)) store.channelMembers.set(channel.id, [...members, event.user_id]);
  if (members && event.type === 'channel.member_left') store.channelMembers.set(channel.id, members.filter((id) => id !== event.user_id));
  if (members && (event.type === 'channel.member_joined' || event.type === 'channel.member_left')) {
    // The list is the truth once known: an add answered by the server and its event count once.
    store.memberCounts.set(channel.id, /** @type {string[]} */ (store.channelMembers.get(channel.id)).length);
    changed('members');
  }
  if (event.type === 'channel.updated' && event.channel) {
    updated = { ...updated, ...pickShared(event.channel), last_seq: updated.last_seq };
  }
  store.channels.set(channel.id, updated);
  changed('channels');
  return 'applied';
}

/** @param {string} cid @param {number} seq */
export function markRead(cid, seq) {
  const channel = store.channels.get(cid);
  if (!channel) return;
  store.channels.set(cid, onRead(channel, seq));
  changed('channels');
}

/** @param {string} cid @param {string} userId */
export function someoneTyped(cid, userId) {
  store.typing.set(cid, typed(store.typing.get(cid) ?? new Map(), userId, Date.now()));
  if (cid === store.channelId) changed('typing');
}

/** Who is in a channel, as fetched (the socket keeps it current). @param {string} cid @param {string[]} userIds */
export function setChannelMembers(cid, userIds) {
  store.channelMembers.set(cid, userIds);
  store.memberCounts.set(cid, userIds.length);
  changed('members');
}

/** A member's workspace role changed (mine too: my workspace's role follows).
 * @param {string} wid @param {string} userId @param {string} role */
export function setRole(wid, userId, role) {
  if (wid === store.workspaceId) store.roles.set(userId, role);
  if (userId === store.me?.id) store.workspaces = store.workspaces.map((w) => (w.id === wid ? { ...w, role } : w));
  changed('members');
}

/** A user's profile changed (name, status): every view that shows them follows. @param {User} user */
export function putUser(user) {
  store.users.set(user.id, { ...store.users.get(user.id), ...user });
  if (user.id === store.me?.id && store.me) store.me = { ...store.me, ...user };
  changed('all');
}

/** @param {string} userId */
export function nameOf(userId) {
  return store.users.get(userId)?.name ?? 'Someone';
}

/** How a channel is named in titles and menus: `#name`, a private channel's bare name (its
 * lock is drawn), or a DM's people. @param {Channel} channel */
export function channelTitle(channel) {
  return channel.kind === 'private' ? channel.name : channelLabel(channel);
}

/** A DM's name: the other people in it. @param {Channel} channel */
export function channelLabel(channel) {
  if (channel.kind !== 'dm') return `# ${channel.name}`;
  const others = channel.dm_user_ids.filter((id) => id !== store.me?.id);
  return others.map(nameOf).join(', ') || 'You';
}
