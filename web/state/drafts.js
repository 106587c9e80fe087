// @ts-check
/** What was typed in each channel's composer and not sent, kept in storage across channel
 * switches and reloads. No DOM here. */

/** @typedef {import('./outbox.js').Storage} Storage */

/** @param {string} userId @param {string} cid */
const keyOf = (userId, cid) => `ocomms-draft:${userId}:${cid}`;

/** @param {Storage} storage @param {string} userId @param {string} cid @returns {string} */
export function loadDraft(storage, userId, cid) {
  try { return storage.getItem(keyOf(userId, cid)) ?? ''; } catch { return ''; }
}

/** An empty draft is forgotten. @param {Storage} storage @param {string} userId @param {string} cid @param {string} text */
export function saveDraft(storage, userId, cid, text) {
  try {
    if (text.trim()) storage.setItem(keyOf(userId, cid), text);
    else storage.removeItem(keyOf(userId, cid));
  } catch { /* storage full or denied */ }
}
