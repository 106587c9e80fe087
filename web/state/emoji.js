// @ts-check
/** `:shortcode:` → emoji, in text being typed and in rendered messages (outside code). The table
 * is passed in: it is loaded on first use. No DOM here. */

/** @typedef {Record<string, string>} Table */

const CODE = /:([a-z0-9_+-]+):/g;

/** Replaces every known shortcode in plain text. @param {string} text @param {Table} table */
export function emojify(text, table) {
  return text.replace(CODE, (all, name) => (Object.hasOwn(table, name) ? table[name] : all));
}

/** Whether a text may hold a shortcode (worth loading the table for). @param {string} text */
export const mayHaveShortcode = (text) => /:[a-z0-9_+-]+:/.test(text);

/**
 * Typing a closing colon: the shortcode that ends at the caret becomes its emoji.
 * @param {string} text @param {number} caret @param {Table} table
 * @returns {{text: string, caret: number} | null} null when nothing changes
 */
export function completeAt(text, caret, table) {
  const match = text.slice(0, caret).match(/:([a-z0-9_+-]+):$/);
  if (!match || !Object.hasOwn(table, match[1])) return null;
  const start = caret - match[0].length;
  const emoji = table[match[1]];
  return { text: text.slice(0, start) + emoji + text.slice(caret), caret: start + emoji.length };
}

/**
 * Replaces shortcodes in the text of sanitized HTML, never inside tags, `<code>` or `<pre>`.
 * @param {string} html @param {Table} table
 */
export function emojifyHtml(html, table) {
  let depth = 0;
  return html.split(/(<[^>]*>)/).map((part) => {
    if (part.startsWith('<')) {
      if (/^<(code|pre)[\s>]/i.test(part)) depth += 1;
      else if (/^<\/(code|pre)>/i.test(part)) depth = Math.max(0, depth - 1);
      return part;
    }
    return depth ? part : emojify(part, table);
  }).join('');
}
