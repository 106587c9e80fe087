// @ts-check
/** Fuzzy matching for pickers (quick switcher, people, channels): the query's characters in
 * order, preferring a prefix, word starts and runs of adjacent characters. No DOM here. */

/**
 * How well `text` matches `query`: null when it does not (the query's characters are not all in
 * it, in order), else a score where higher is better. An empty query matches everything with 0.
 * @param {string} query @param {string} text @returns {number | null}
 */
export function fuzzyScore(query, text) {
  const q = query.trim().toLowerCase();
  if (!q) return 0;
  const t = text.toLowerCase();
  const at = t.indexOf(q);
  // A substring at the start or at a word start beats everything; shorter texts first. In the
  // middle of a word it counts like a run of adjacent characters, so initials ("bl" for "Ben
  // Lee") can beat it.
  if (at !== -1 && (at === 0 || isWordStart(t, at))) return (at === 0 ? 1300 : 1200) - Math.min(t.length, 99);
  if (at !== -1) return q.length * 5 + 1;
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    if (ch === ' ') continue;
    const i = bestIndex(t, ch, from);
    if (i === -1) return null;
    score += 1 + (i === previous + 1 ? 5 : 0) + (isWordStart(t, i) ? 8 : 0) - Math.min(i - from, 10) / 10;
    previous = i;
    from = i + 1;
  }
  return score;
}

/** The next `ch` at or after `from`, taking a word start over an earlier mid-word one.
 * @param {string} t @param {string} ch @param {number} from */
function bestIndex(t, ch, from) {
  const first = t.indexOf(ch, from);
  if (first === -1 || isWordStart(t, first)) return first;
  for (let i = t.indexOf(ch, first + 1); i !== -1; i = t.indexOf(ch, i + 1)) if (isWordStart(t, i)) return i;
  return first;
}

/** @param {string} t @param {number} i */
function isWordStart(t, i) {
  return i === 0 || /[\s#@_\-.,]/.test(t[i - 1]);
}

/**
 * The items matching `query`, best first (ties keep their order), at most `limit`.
 * @template T
 * @param {string} query @param {T[]} items @param {(item: T) => string} textOf
 * @param {number} [limit] @returns {T[]}
 */
export function fuzzyFilter(query, items, textOf, limit = Infinity) {
  const scored = [];
  for (let i = 0; i < items.length; i++) {
    const score = fuzzyScore(query, textOf(items[i]));
    if (score !== null) scored.push({ item: items[i], score, i });
  }
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.item);
}
