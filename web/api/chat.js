// @ts-check
/** What the client does over the network: load, catch up, send, edit, delete, read. Each call
 * updates the store; the views follow it. */
import { get, post, patch, put, del, ApiError } from './http.js';
import { store, changed, logOf, setLog, putChannel, applyPersistent, markRead, setFollowing, takeRootsToLearn, learnedRoot } from '../state/store.js';
import { mergeMessages, putPending, dropPending, confirmPending, markPending, cap } from '../state/messages.js';
import * as outbox from '../state/outbox.js';
import { emptyThread, mergeReplies, putPendingReply, dropPendingReply } from '../state/threads.js';

/** Messages kept per channel: older ones are fetched again when scrolled to. */
export const MAX_MESSAGES = 400;

export async function loadMe() {
  // Asked without an error when logged out: the cookie is HttpOnly, so only the server knows.
  const { user } = await get('/auth/session');
  if (!user) throw new ApiError(401, 'unauthenticated', 'not logged in');
  store.me = user;
  store.users.set(user.id, user);
}

/** @param {string} wid */
export async function loadWorkspace(wid) {
  store.workspaceId = wid;
  const [{ channels }, { members }, { presence }] = await Promise.all([
    get(`/workspaces/${wid}/channels`),
    get(`/workspaces/${wid}/members`),
    get(`/workspaces/${wid}/presence`),
  ]);
  store.channels = new Map(channels.map((/** @type {any} */ c) => [c.id, c]));
  for (const m of members) store.users.set(m.user.id, m.user);
  for (const p of presence) store.presence.set(p.user_id, p.status);
  changed('all');
}

/** The newest page of a channel, or the page before the oldest one held. @param {string} cid */
export async function loadMessages(cid, older = false, limit = 50) {
  const log = logOf(cid);
  const before = older && log.messages.length ? `&before_seq=${log.messages[0].seq}` : '';
  const page = await get(`/channels/${cid}/messages?limit=${limit}${before}`);
  const current = logOf(cid);
  const messages = mergeMessages(current.messages, page.messages);
  const fresh = !older && current.messages.length === 0;
  setLog(cid, { ...current, messages, hasOlder: page.has_more, lastSeq: fresh ? Math.max(current.lastSeq, store.channels.get(cid)?.last_seq ?? 0) : current.lastSeq });
}

/** @param {string} cid */
export async function loadMemberCount(cid) {
  const { members } = await get(`/channels/${cid}/members`);
  store.memberCounts.set(cid, members.length);
}

/** Fetches what a channel's log holds after the last applied seq and applies it. @param {string} cid */
export async function catchUp(cid) {
  for (;;) {
    const after = logOf(cid).lastSeq;
    const page = await get(`/channels/${cid}/events?after=${after}&limit=500`);
    for (const e of page.events) {
      applyPersistent({ ...e.data, type: e.type, seq: e.seq, channel_id: cid });
      // One's own message that arrived by catch-up is sent: out of the outbox too.
      const m = e.type === 'message.created' ? e.data.message : null;
      if (m && m.author_id === store.me?.id && m.idempotency_key) forget(m.idempotency_key);
    }
    if (page.events.length === 0 || page.events[page.events.length - 1].seq >= page.latest_seq) return;
  }
}

/** After (re)connecting: every channel the client follows catches up, then the outbox is sent. */
export async function catchUpAll() {
  const followed = [...store.channels.values()].filter((c) => c.is_member && store.logs.has(c.id));
  await Promise.all(followed.map((c) => catchUp(c.id).catch(() => {})));
  retryOutbox();
}

/** A persistent frame from the socket, with the gap rule. Resolves true when the frame was news
 * (applied now, or by the catch-up it started), false for a repeat. @param {any} frame */
export async function onPersistent(frame) {
  let verdict = applyPersistent(frame);
  if (verdict === 'gap') {
    await catchUp(frame.channel_id);
    const again = applyPersistent(frame);
    verdict = again === 'duplicate' ? 'applied' : again;
  }
  const key = frame.type === 'message.created' && frame.message?.author_id === store.me?.id && frame.message?.idempotency_key;
  if (key) forget(key);
  for (const reply of takeRootsToLearn()) {
    get(`/messages/${reply.thread_root_id}`).then(({ message }) => learnedRoot(message, reply), () => {});
  }
  return verdict === 'applied';
}

/** One's own unsent messages, also in localStorage (state/outbox.js). @type {import('../state/outbox.js').Pending[]} */
let box = [];
/** Whose outbox `box` is: it is read from storage once per user. */
let boxOwner = '';
/** Client ids whose POST is under way: never two at once for one message. */
const inFlight = new Set();

/** Puts a channel's unsent messages into its log (the stored outbox is read once per user, after
 * a reload; a workspace switch empties the logs, not the outbox). @param {string} cid */
export function restoreOutbox(cid) {
  if (!loadBox()) return;
  const shown = new Set(logOf(cid).pending.map((p) => p.clientId));
  for (const p of box) if (p.channelId === cid && !p.threadRootId && !shown.has(p.clientId)) setLog(cid, putPending(logOf(cid), p));
}

/** Reads the stored outbox the first time it is needed for this user; false when logged out. */
function loadBox() {
  const me = store.me?.id;
  if (!me) return false;
  if (boxOwner !== me) {
    boxOwner = me;
    box = outbox.load(localStorage, me).map((p) => (p.status === 'pending' ? { ...p, status: 'failed', reason: p.reason || 'Not sent yet', retry: true } : p));
  }
  return true;
}

/** @param {import('../state/outbox.js').Pending} p */
function remember(p) {
  box = outbox.put(box, p);
  if (store.me) outbox.save(localStorage, store.me.id, box);
}
/** @param {string} clientId */
function forget(clientId) {
  if (!box.some((p) => p.clientId === clientId)) return;
  box = outbox.drop(box, clientId);
  if (store.me) outbox.save(localStorage, store.me.id, box);
}

/** Sends optimistically: shown at once, replaced by the server's copy (matched by client id), or
 * marked failed with the reason; kept in the outbox until the server has it. `files` are uploaded
 * already (api/uploads.js); a retry without them resends those of the first try, same ids.
 * @param {string} cid @param {string} content @param {string} [clientId]
 * @param {import('../state/files.js').FileInfo[]} [files] */
export async function send(cid, content, clientId = crypto.randomUUID(), thread = { rootId: '', alsoToChannel: false }, files) {
  if (inFlight.has(clientId)) return;
  inFlight.add(clientId);
  const { rootId, alsoToChannel } = thread;
  const known = rootId ? store.thread?.pending.find((p) => p.clientId === clientId) : logOf(cid).pending.find((p) => p.clientId === clientId);
  const attachments = files ?? box.find((p) => p.clientId === clientId)?.attachments ?? known?.attachments ?? [];
  /** @type {import('../state/outbox.js').Pending} */
  const pending = { clientId, channelId: cid, content, created_at: known?.created_at ?? new Date().toISOString(), status: 'pending', reason: '', retry: true,
    ...(rootId ? { threadRootId: rootId, alsoToChannel } : {}), ...(attachments.length ? { attachments } : {}) };
  showPending(pending);
  remember(pending);
  try {
    const fileIds = attachments.length ? { file_ids: attachments.map((f) => f.id) } : {};
    const body = rootId ? { content, idempotency_key: clientId, thread_root_id: rootId, also_send_to_channel: alsoToChannel, ...fileIds } : { content, idempotency_key: clientId, ...fileIds };
    const { message } = await post(`/channels/${cid}/messages`, body);
    forget(clientId);
    if (rootId) confirmReply(message, clientId);
    if (!rootId || message.also_in_channel) {
      setLog(cid, cap(confirmPending(logOf(cid), clientId, message), MAX_MESSAGES));
      read(cid, message.seq);
    }
  } catch (e) {
    const why = outbox.failure(/** @type {any} */ (e), navigator.onLine);
    // The outbox decides, not the log (which a channel switch or catch-up may have cleared):
    // what is still unsent is marked failed, so it is retried and offers Retry when shown.
    if (box.some((p) => p.clientId === clientId)) remember({ ...pending, status: 'failed', ...why });
    if (!rootId && logOf(cid).pending.some((p) => p.clientId === clientId)) {
      setLog(cid, markPending(logOf(cid), clientId, 'failed', why));
    }
    if (rootId && store.thread?.rootId === rootId) {
      store.thread = putPendingReply(store.thread, { ...pending, status: 'failed', ...why });
      changed('thread');
    }
  } finally {
    inFlight.delete(clientId);
  }
}

/** Shows a message of one's own on its way: in its channel, or in its thread when open.
 * @param {import('../state/outbox.js').Pending} p */
function showPending(p) {
  if (!p.threadRootId) setLog(p.channelId, putPending(logOf(p.channelId), p));
  else if (store.thread?.rootId === p.threadRootId) { store.thread = putPendingReply(store.thread, p); changed('thread'); }
}

/** The server has a reply of one's own: it replaces the pending copy in its open thread.
 * @param {import('../state/messages.js').Message} message @param {string} clientId */
function confirmReply(message, clientId) {
  const t = store.thread;
  if (!t || t.rootId !== message.thread_root_id) return;
  store.thread = { ...dropPendingReply(t, clientId), replies: mergeReplies(t.replies, [message]) };
  changed('thread');
}

/** Opens a thread: its root and every reply (paged, at most 1000), and one's unsent replies.
 * @param {string} cid @param {string} rootId */
export async function openThread(cid, rootId) {
  store.thread = emptyThread(rootId, cid);
  loadBox();
  for (const p of box) if (p.threadRootId === rootId) store.thread = putPendingReply(store.thread, p);
  changed('thread');
  const [{ message: root }, replies] = await Promise.all([get(`/messages/${rootId}`), allReplies(rootId)]);
  if (store.thread?.rootId !== rootId) return;
  store.thread = { ...store.thread, root, replies: mergeReplies(store.thread.replies, replies), loaded: true };
  changed('thread');
}

/** @param {string} rootId @returns {Promise<import('../state/messages.js').Message[]>} */
async function allReplies(rootId) {
  /** @type {import('../state/messages.js').Message[]} */ let all = [];
  let after = 0;
  for (let page = 0; page < 10; page++) {
    const { messages, has_more: more } = await get(`/messages/${rootId}/replies?limit=100${after ? `&after_seq=${after}` : ''}`);
    all = all.concat(messages);
    if (!more || messages.length === 0) break;
    after = messages[messages.length - 1].seq;
  }
  return all;
}

export function closeThread() {
  store.thread = null;
  store.threadTyping.clear();
  changed('thread');
}

/** Marks the open thread read up to its newest reply (the server keeps it for followers). */
export function readThread() {
  const t = store.thread;
  const last = t?.replies.at(-1);
  if (!t || !last) return;
  if ((store.threadUnread.get(t.rootId) ?? 0) > 0) { store.threadUnread.set(t.rootId, 0); changed('threads'); }
  // Told even when this client does not know it follows the thread: the server keeps the
  // marker for followers only.
  if (readTo.get(t.rootId) !== last.seq) {
    readTo.set(t.rootId, last.seq);
    post(`/messages/${t.rootId}/read`, { seq: last.seq }).catch(() => {});
  }
}
/** The seq each thread was last marked read up to from here. @type {Map<string, number>} */
const readTo = new Map();

/** Follows or unfollows a thread. @param {string} rootId @param {boolean} on */
export async function follow(rootId, on) {
  await (on ? put(`/messages/${rootId}/follow`) : del(`/messages/${rootId}/follow`));
  setFollowing(rootId, on);
}

/** The threads one follows in a workspace, with their unread replies. @param {string} wid */
export async function loadThreads(wid) {
  const { threads } = await get(`/workspaces/${wid}/threads`);
  if (wid !== store.workspaceId) return threads;
  store.following = new Set(threads.map((/** @type {any} */ t) => t.root.id));
  store.threadUnread = new Map(threads.map((/** @type {any} */ t) => [t.root.id, t.unread_count]));
  changed('threads');
  return threads;
}

/** Gives up on an unsent message. @param {string} cid @param {string} clientId */
export function discard(cid, clientId) {
  forget(clientId);
  setLog(cid, dropPending(logOf(cid), clientId));
  if (store.thread?.pending.some((p) => p.clientId === clientId)) { store.thread = dropPendingReply(store.thread, clientId); changed('thread'); }
}

/** Sends again, with the same keys, what failed for a reason that may have passed. */
export function retryOutbox() {
  // Also right after a reload, before any channel is shown (a phone starts on the channel list).
  loadBox();
  for (const p of outbox.retryable(box)) send(p.channelId, p.content, p.clientId, { rootId: p.threadRootId ?? '', alsoToChannel: p.alsoToChannel ?? false }, p.attachments);
}
addEventListener('online', () => retryOutbox());

/** @param {string} mid @param {string} content */
export const edit = (mid, content) => patch(`/messages/${mid}`, { content });
/** @param {string} mid */
export const remove = (mid) => del(`/messages/${mid}`);

/** Moves the read marker (never backwards) and tells the server. @param {string} cid @param {number} seq */
export function read(cid, seq) {
  const channel = store.channels.get(cid);
  if (!channel || !channel.is_member || seq <= channel.last_read_seq) return;
  markRead(cid, seq);
  post(`/channels/${cid}/read`, { seq }).catch(() => {});
}

/** @param {string} wid @param {string} name @param {'public' | 'private'} kind */
export async function createChannel(wid, name, kind) {
  const { channel } = await post(`/workspaces/${wid}/channels`, { name, kind });
  putChannel(channel);
  return channel;
}

/** @param {string} cid */
export async function join(cid) {
  const { channel } = await post(`/channels/${cid}/join`);
  store.channels.set(cid, channel);
  changed('channels');
}

/** @param {string} wid @param {string[]} userIds */
export async function openDm(wid, userIds) {
  const { channel } = await post(`/workspaces/${wid}/dms`, { user_ids: userIds });
  store.channels.set(channel.id, channel);
  changed('channels');
  return channel;
}
