// @ts-check
/** What the client does over the network: load, catch up, send, edit, delete, read. Each call
 * updates the store; the views follow it. */
import { get, post, patch, del, ApiError } from './http.js';
import { store, changed, logOf, setLog, putChannel, applyPersistent, markRead } from '../state/store.js';
import { mergeMessages, putPending, dropPending, confirmPending, markPending, cap } from '../state/messages.js';
import * as outbox from '../state/outbox.js';

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

/** A persistent frame from the socket, with the gap rule. @param {any} frame */
export async function onPersistent(frame) {
  if (applyPersistent(frame) === 'gap') {
    await catchUp(frame.channel_id);
    applyPersistent(frame);
  }
  const key = frame.type === 'message.created' && frame.message?.author_id === store.me?.id && frame.message?.idempotency_key;
  if (key) forget(key);
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
  for (const p of box) if (p.channelId === cid && !shown.has(p.clientId)) setLog(cid, putPending(logOf(cid), p));
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
 * marked failed with the reason; kept in the outbox until the server has it.
 * @param {string} cid @param {string} content @param {string} [clientId] */
export async function send(cid, content, clientId = crypto.randomUUID()) {
  if (inFlight.has(clientId)) return;
  inFlight.add(clientId);
  const known = logOf(cid).pending.find((p) => p.clientId === clientId);
  /** @type {import('../state/outbox.js').Pending} */
  const pending = { clientId, channelId: cid, content, created_at: known?.created_at ?? new Date().toISOString(), status: 'pending', reason: '', retry: true };
  setLog(cid, putPending(logOf(cid), pending));
  remember(pending);
  try {
    const { message } = await post(`/channels/${cid}/messages`, { content, idempotency_key: clientId });
    forget(clientId);
    setLog(cid, cap(confirmPending(logOf(cid), clientId, message), MAX_MESSAGES));
    read(cid, message.seq);
  } catch (e) {
    const why = outbox.failure(/** @type {any} */ (e), navigator.onLine);
    // The outbox decides, not the log (which a channel switch or catch-up may have cleared):
    // what is still unsent is marked failed, so it is retried and offers Retry when shown.
    if (box.some((p) => p.clientId === clientId)) remember({ ...pending, status: 'failed', ...why });
    if (logOf(cid).pending.some((p) => p.clientId === clientId)) {
      setLog(cid, markPending(logOf(cid), clientId, 'failed', why));
    }
  } finally {
    inFlight.delete(clientId);
  }
}

/** Gives up on an unsent message. @param {string} cid @param {string} clientId */
export function discard(cid, clientId) {
  forget(clientId);
  setLog(cid, dropPending(logOf(cid), clientId));
}

/** Sends again, with the same keys, what failed for a reason that may have passed. */
export function retryOutbox() {
  // Also right after a reload, before any channel is shown (a phone starts on the channel list).
  loadBox();
  for (const p of outbox.retryable(box)) send(p.channelId, p.content, p.clientId);
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
