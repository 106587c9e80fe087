// @ts-check
/** The client's state: plain data, changed only through the functions here, which tell the
 * views. No DOM here. */
import { emptyLog, applyEvent, classify, settlePending } from './messages.js';
import { onMessage, onRead } from './unread.js';
import { typed } from './typing.js';
import { applyToThread, countReply, followsAfter } from './threads.js';
import { pinsAfter } from './marks.js';

/**
 * @typedef {import('./messages.js').ChannelLog} ChannelLog
 * @typedef {import('./unread.js').Channel} Channel
 * @typedef {{id: string, name: string, status_text: string, email?: string, status_emoji?: string,
 *   status_expires_at?: string | null, dnd_until?: string | null, avatar_url?: string | null}} User
 *   `avatar_url`: the photo (512 px; `?size=128` for the small copy), null for initials
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
  /** Pinned message ids per channel, newest pin first, once the channel's pins were fetched. @type {Map<string, string[]>} */ pins: new Map(),
  /** The ids of one's saved messages, newest first, once fetched. @type {string[] | null} */ saved: null,
  /** The view in the main pane instead of a channel: 'threads', 'mentions', 'saved'. @type {string | null} */ view: null,
  /** The thread open in the side panel. @type {import('./threads.js').Thread | null} */ thread: null,
  /** Roots of the threads one follows (loaded with the workspace, kept current). @type {Set<string>} */ following: new Set(),
  /** Unread replies per followed thread. @type {Map<string, number>} */ threadUnread: new Map(),
  /** Who is typing in which thread (root id → user → when). @type {Map<string, Map<string, number>>} */ threadTyping: new Map(),
};

/** @type {Set<(what: string) => void>} */
const listeners = new Set();

/** @param {(what: string) => void} fn @returns {() => void} unsubscribe */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tells the views what changed: 'channels', 'messages', 'typing', 'presence', 'connection',
 * 'members' (who is in a channel, workspace roles), 'pins', 'saved', 'view', 'all'. */
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
  if (store.thread && store.thread.channelId === event.channel_id) {
    const thread = applyToThread(store.thread, event);
    if (thread !== store.thread) { store.thread = thread; changed('thread'); }
  }
  if (event.type === 'message.created' && event.message?.thread_root_id && store.me) onReply(event.message, store.me.id, log);
  if (event.type === 'message.created' && event.message && !event.message.thread_root_id && event.message.author_id === store.me?.id) myRoots.add(event.message.id);
  let next = applyEvent(log, event);
  const pins = store.pins.get(event.channel_id);
  if (pins) {
    const after = pinsAfter(pins, event);
    if (after !== pins) { store.pins.set(event.channel_id, after); changed('pins'); }
  }
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

/** A new reply: following and unread replies as the server counts them. A reply to a root the
 * client has not seen waits for the root (api/chat.js fetches it, then `learnedRoot`).
 * @param {import('./messages.js').Message} reply @param {string} me @param {ChannelLog} log */
function onReply(reply, me, log) {
  const rootId = /** @type {string} */ (reply.thread_root_id);
  const root = log.messages.find((m) => m.id === rootId) ?? (store.thread?.rootId === rootId ? store.thread.root ?? undefined : undefined)
    ?? (myRoots.has(rootId) ? /** @type {any} */ ({ id: rootId, author_id: me }) : undefined);
  if (!root && !store.following.has(rootId) && !unfollowed.has(rootId) && reply.author_id !== me && !(reply.mentions ?? []).includes(me)) {
    rootsToLearn.push(reply);
    return;
  }
  if (!store.following.has(rootId) && followsAfter(reply, me, root) && !unfollowed.has(rootId)) store.following.add(rootId);
  if (reply.author_id === me) { unfollowed.delete(rootId); store.following.add(rootId); }
  const viewing = store.thread?.rootId === rootId && store.visible;
  store.threadUnread = countReply(store.threadUnread, reply, me, { following: store.following.has(rootId), viewing });
  changed('threads');
}
/** Threads one unfollowed here: a mention or another's reply does not follow them again. */
const unfollowed = new Set();
/** One's own top-level messages seen since the page loaded: replies to them follow their thread. */
const myRoots = new Set();
/** Replies whose root the client has not seen yet. @type {import('./messages.js').Message[]} */
let rootsToLearn = [];

/** The replies waiting for their root, handed over once. */
export function takeRootsToLearn() {
  const out = rootsToLearn;
  rootsToLearn = [];
  return out;
}

/** The root of a reply that arrived before it was known: following and unread as for any reply.
 * @param {import('./messages.js').Message} root @param {import('./messages.js').Message} reply */
export function learnedRoot(root, reply) {
  const me = store.me?.id;
  if (!me || unfollowed.has(root.id)) return;
  if (root.author_id === me) myRoots.add(root.id);
  if (!followsAfter(reply, me, root)) return;
  store.following.add(root.id);
  store.threadUnread = countReply(store.threadUnread, reply, me, { following: true, viewing: store.thread?.rootId === root.id && store.visible });
  changed('threads');
}

/** Follows or unfollows a thread in the client's state. @param {string} rootId @param {boolean} on */
export function setFollowing(rootId, on) {
  if (on) { store.following.add(rootId); unfollowed.delete(rootId); } else { store.following.delete(rootId); unfollowed.add(rootId); store.threadUnread.delete(rootId); }
  changed('threads');
}

/** @param {string} cid @param {number} seq */
export function markRead(cid, seq) {
  const channel = store.channels.get(cid);
  if (!channel) return;
  store.channels.set(cid, onRead(channel, seq));
  changed('channels');
}

/** @param {string} cid @param {string} userId @param {string} [rootId] typing in that thread */
export function someoneTyped(cid, userId, rootId = '') {
  if (rootId) {
    // Only the open thread's typing is kept: a frame naming another thread is of no use here.
    if (store.thread?.rootId !== rootId || store.thread.channelId !== cid) return;
    store.threadTyping.set(rootId, typed(store.threadTyping.get(rootId) ?? new Map(), userId, Date.now()));
    changed('typing');
    return;
  }
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
