// @ts-check
/** Which slice of a channel's loaded messages is in the DOM: a bounded window, kept by the seqs
 * at its edges so that prepending older pages does not move it. No DOM here. */

/** Most message nodes rendered at once. */
export const MAX_RENDERED = 200;
/** How many messages a window grows by when scrolled to its edge. */
export const CHUNK = 60;

/**
 * `start` is the seq of the first rendered message; `end` the seq of the last, or null to follow
 * the newest (new messages join the window).
 * @typedef {{start: number, end: number | null}} Window
 */

/** The window at the newest messages. @param {number[]} seqs ascending @returns {Window} */
export function latest(seqs, max = MAX_RENDERED) {
  return { start: seqs.length ? seqs[Math.max(0, seqs.length - max)] : 0, end: null };
}

/**
 * Index range [from, to) of `seqs` the window covers. A following window longer than `max`
 * (new messages arrived) sheds its oldest.
 * @param {number[]} seqs @param {Window} win @returns {[number, number]}
 */
export function range(seqs, win, max = MAX_RENDERED) {
  const to = win.end === null ? seqs.length : upper(seqs, win.end);
  let from = lower(seqs, win.start);
  if (to - from > max) from = to - max;
  return [Math.min(from, to), to];
}

/** Grows the window towards older messages, shedding newer ones beyond `max`.
 * @param {number[]} seqs @param {Window} win @returns {Window} */
export function older(seqs, win, chunk = CHUNK, max = MAX_RENDERED) {
  const [from, to] = range(seqs, win, max);
  const start = Math.max(0, from - chunk);
  const end = Math.min(to, start + max);
  return make(seqs, start, end);
}

/** Grows the window towards newer messages, shedding older ones beyond `max`.
 * @param {number[]} seqs @param {Window} win @returns {Window} */
export function newer(seqs, win, chunk = CHUNK, max = MAX_RENDERED) {
  const [from, to] = range(seqs, win, max);
  const end = Math.min(seqs.length, to + chunk);
  const start = Math.max(from, end - max);
  return make(seqs, start, end);
}

/** A window centred on the message with seq `seq` (a permalink).
 * @param {number[]} seqs @param {number} seq @returns {Window} */
export function around(seqs, seq, max = MAX_RENDERED) {
  const at = lower(seqs, seq);
  const start = Math.max(0, Math.min(at - Math.floor(max / 2), seqs.length - max));
  return make(seqs, start, Math.min(seqs.length, start + max));
}

/** Whether the window holds the oldest / newest loaded message.
 * @param {number[]} seqs @param {Window} win */
export function edges(seqs, win, max = MAX_RENDERED) {
  const [from, to] = range(seqs, win, max);
  return { atOldest: from === 0, atNewest: to === seqs.length };
}

/** @param {number[]} seqs @param {number} start @param {number} end index range */
function make(seqs, start, end) {
  if (!seqs.length) return { start: 0, end: null };
  return { start: seqs[start] ?? seqs[0], end: end >= seqs.length ? null : seqs[end - 1] };
}

/** First index with seqs[i] >= seq. @param {number[]} seqs @param {number} seq */
function lower(seqs, seq) {
  let lo = 0, hi = seqs.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (seqs[mid] < seq) lo = mid + 1; else hi = mid; }
  return lo;
}

/** First index with seqs[i] > seq. @param {number[]} seqs @param {number} seq */
function upper(seqs, seq) {
  let lo = 0, hi = seqs.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (seqs[mid] <= seq) lo = mid + 1; else hi = mid; }
  return lo;
}
