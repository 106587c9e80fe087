// @ts-check
/** Pins, saved messages, edit history and one's status over the network. Each call updates the
 * store; the views follow it. */
import { get, put, del, patch } from './http.js';
import { store, changed, putUser } from '../state/store.js';
import { savedAfter } from '../state/marks.js';

/** @typedef {import('../state/messages.js').Message} Message */

/** A channel's pinned messages, newest pin first; the store keeps their ids. @param {string} cid
 * @returns {Promise<Message[]>} */
export async function loadPins(cid) {
  const { messages } = await get(`/channels/${cid}/pins`);
  const live = messages.filter((/** @type {Message} */ m) => !m.deleted);
  store.pins.set(cid, live.map((/** @type {Message} */ m) => m.id));
  changed('pins');
  return live;
}

/** Pins or unpins; the channel's event updates every reader, this one at once.
 * @param {Message} m @param {boolean} pinned */
export async function setPinned(m, pinned) {
  await (pinned ? put(`/messages/${m.id}/pin`) : del(`/messages/${m.id}/pin`));
  const ids = store.pins.get(m.channel_id);
  if (ids) {
    store.pins.set(m.channel_id, pinned ? (ids.includes(m.id) ? ids : [m.id, ...ids]) : ids.filter((x) => x !== m.id));
    changed('pins');
    changed('messages');
  }
}

/** One's saved messages, newest first, of every workspace. @returns {Promise<Message[]>} */
export async function loadSaved() {
  const { messages } = await get('/me/saved');
  store.saved = messages.map((/** @type {Message} */ m) => m.id);
  changed('saved');
  return messages;
}

/** Saves or unsaves, shown at once and put back if the server refuses. @param {string} mid @param {boolean} saved */
export async function setSaved(mid, saved) {
  const before = store.saved ?? [];
  store.saved = savedAfter(before, mid, saved);
  changed('saved');
  changed('messages');
  try {
    await (saved ? put(`/messages/${mid}/save`) : del(`/messages/${mid}/save`));
  } catch (e) {
    store.saved = savedAfter(store.saved ?? [], mid, !saved);
    changed('saved');
    changed('messages');
    throw e;
  }
}

/** A message's versions, oldest first with the current one last.
 * @param {string} mid @returns {Promise<{content: string, edited_at: string | null}[]>} */
export async function loadHistory(mid) {
  return (await get(`/messages/${mid}/history`)).versions;
}

/** Changes one's own status or do-not-disturb (absent fields stay).
 * @param {{status_text?: string, status_emoji?: string, status_expires_at?: string | null, dnd_until?: string | null}} fields */
export async function updateMe(fields) {
  putUser((await patch('/me', fields)).user);
}
