// @ts-check
/** The rows of the message pane, computed from the messages in the window: day separators, the
 * "new" line, and messages grouped by author. No DOM here. */

/** Messages by one author this close together share one head (avatar and name). */
export const GROUP_MS = 5 * 60_000;

/**
 * @typedef {import('./messages.js').Message} Message
 * @typedef {import('./messages.js').Pending} Pending
 * @typedef {{kind: 'day', key: string, at: Date}
 *   | {kind: 'new', key: string}
 *   | {kind: 'message', key: string, message: Message, head: boolean}
 *   | {kind: 'pending', key: string, pending: Pending, head: boolean}} Row
 */

/** A local calendar day, as a key. @param {Date} d */
export const dayKey = (d) => `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;

/**
 * @param {Message[]} messages the window, ascending
 * @param {Pending[]} pending one's own unsent messages, shown after them
 * @param {{before?: Message, readMarker: number, me: string}} context `before`: the message just
 *   above the window, so its first row is grouped as it would be with everything rendered
 * @returns {Row[]}
 */
export function rows(messages, pending, { before, readMarker, me }) {
  /** @type {Row[]} */
  const out = [];
  let prev = before ? { author: before.author_id, at: new Date(before.created_at) } : null;
  let newShown = before ? before.seq > readMarker && before.author_id !== me : false;
  /** Days already separated: a pending message from an earlier day, shown last, gets none again
   * (keys must stay unique for the keyed list). */
  const days = new Set();
  /** @param {string} author @param {Date} at @param {boolean} isNew */
  const place = (author, at, isNew) => {
    let head = !prev || prev.author !== author || at.getTime() - prev.at.getTime() > GROUP_MS;
    if (!prev || dayKey(prev.at) !== dayKey(at)) {
      if (!days.has(dayKey(at))) out.push({ kind: 'day', key: `day-${dayKey(at)}`, at });
      days.add(dayKey(at));
      head = true;
    }
    if (isNew && !newShown) {
      out.push({ kind: 'new', key: 'new' });
      newShown = true;
      head = true;
    }
    prev = { author, at };
    return head;
  };
  for (const m of messages) {
    const isNew = readMarker > 0 && m.seq > readMarker && m.author_id !== me;
    const head = place(m.author_id, new Date(m.created_at), isNew);
    out.push({ kind: 'message', key: m.id, message: m, head });
  }
  for (const p of pending) {
    const head = place(me, new Date(p.created_at), false);
    out.push({ kind: 'pending', key: `pending-${p.clientId}`, pending: p, head });
  }
  return out;
}
