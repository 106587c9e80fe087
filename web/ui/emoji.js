// @ts-check
/** The shortcode table, imported the first time it is needed (it is ~40 KB). */

/** @type {Record<string, string> | null} */
let table = null;
/** @type {Promise<Record<string, string>> | null} */
let loading = null;

/** The table if it is loaded already. */
export const emojiTable = () => table;

/** @returns {Promise<Record<string, string>>} */
export function loadEmoji() {
  // A failed load is forgotten, so the next use tries again.
  loading ??= import('../vendor/gemoji/shortcodes.js').then((m) => { table = m.shortcodes; return table; },
    (e) => { loading = null; throw e; });
  return loading;
}
