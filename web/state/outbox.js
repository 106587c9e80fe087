// @ts-check
/** Messages written but not yet accepted by the server, kept in storage so that a reload or a
 * cut connection loses none; each is retried with its own idempotency key. No DOM here. */

/** @typedef {import('./messages.js').Pending} Pending */
/** @typedef {{getItem(key: string): string | null, setItem(key: string, value: string): void, removeItem(key: string): void}} Storage */

/** @param {string} userId */
const keyOf = (userId) => `ocomms-outbox:${userId}`;

/** @param {Storage} storage @param {string} userId @returns {Pending[]} */
export function load(storage, userId) {
  try {
    const list = JSON.parse(storage.getItem(keyOf(userId)) ?? '[]');
    return Array.isArray(list) ? list.filter((p) => p && typeof p.clientId === 'string' && typeof p.content === 'string') : [];
  } catch {
    return [];
  }
}

/** @param {Storage} storage @param {string} userId @param {Pending[]} box */
export function save(storage, userId, box) {
  try {
    if (box.length) storage.setItem(keyOf(userId), JSON.stringify(box));
    else storage.removeItem(keyOf(userId));
  } catch { /* storage full or denied: the outbox still lives in memory */ }
}

/** @param {Pending[]} box @param {Pending} entry @returns {Pending[]} */
export function put(box, entry) {
  return box.some((p) => p.clientId === entry.clientId)
    ? box.map((p) => (p.clientId === entry.clientId ? entry : p))
    : [...box, entry];
}

/** @param {Pending[]} box @param {string} clientId @returns {Pending[]} */
export function drop(box, clientId) {
  return box.filter((p) => p.clientId !== clientId);
}

/** Those worth sending again without asking: not refused by the server for what they are.
 * @param {Pending[]} box @returns {Pending[]} */
export function retryable(box) {
  return box.filter((p) => p.status === 'failed' && p.retry);
}

/**
 * Why a send failed, in words for its author, and whether trying again may help.
 * @param {{status?: number, message?: string}} error @param {boolean} online
 * @returns {{reason: string, retry: boolean}}
 */
export function failure(error, online) {
  const status = error.status ?? 0;
  if (status === 0) return { reason: online ? 'The server cannot be reached' : 'You are offline', retry: true };
  if (status >= 500 || status === 408 || status === 429) return { reason: error.message || 'The server had a problem', retry: true };
  return { reason: error.message || 'The server refused this message', retry: false };
}
