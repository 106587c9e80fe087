// @ts-check
/** The finishing touches on a message's sanitized HTML before it is shown: emoji for
 * shortcodes, one's own mentions marked, "(edited)" inline after the last paragraph (a button
 * that opens the edit history for those who may see it). Only
 * fixed markup is added; the server's HTML is otherwise passed through. No DOM here. */
import { emojifyHtml } from './emoji.js';

/**
 * @param {string} html the server's sanitized rendering
 * @param {{emoji: Record<string, string> | null, me: string, edited: boolean, history?: boolean,
 *   nameOf?: (userId: string) => string | undefined}} opts
 *   `history`: "(edited)" is a button (`data-history`) that shows the versions; `nameOf`: a person's
 *   pill shows their name as known now (the server's text is the handle as typed)
 */
export function decorate(html, { emoji, me, edited, history = false, nameOf }) {
  let out = emoji ? emojifyHtml(html, emoji) : html;
  if (nameOf) out = namePills(out, nameOf);
  if (me && /^[\w-]+$/.test(me)) out = out.split(`<span class="mention" data-user-id="${me}"`).join(`<span class="mention mention--me" data-user-id="${me}"`);
  if (edited) {
    const tag = history
      ? '<button type="button" class="message__edited message__edited--button" data-history="" aria-haspopup="dialog" title="Show edit history" tabindex="-1">(edited)</button>'
      : '<span class="message__edited">(edited)</span>';
    const trimmed = out.trimEnd();
    out = trimmed.endsWith('</p>') ? `${trimmed.slice(0, -4)} ${tag}</p>` : `${out}${tag}`;
  }
  return out;
}

const PILL = /(<span class="mention" data-user-id="([\w-]+)">)@[^<]*<\/span>/g;
const ESCAPES = /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' });

/** Person pills read `@Name`. @param {string} html @param {(userId: string) => string | undefined} nameOf */
function namePills(html, nameOf) {
  return html.replace(PILL, (all, open, id) => {
    const name = nameOf(id);
    return name ? `${open}@${name.replace(/[&<>"']/g, (c) => ESCAPES[c])}</span>` : all;
  });
}
