// @ts-check
/** The finishing touches on a message's sanitized HTML before it is shown: emoji for
 * shortcodes, one's own mentions marked, "(edited)" inline after the last paragraph. Only
 * fixed markup is added; the server's HTML is otherwise passed through. No DOM here. */
import { emojifyHtml } from './emoji.js';

/**
 * @param {string} html the server's sanitized rendering
 * @param {{emoji: Record<string, string> | null, me: string, edited: boolean}} opts
 */
export function decorate(html, { emoji, me, edited }) {
  let out = emoji ? emojifyHtml(html, emoji) : html;
  if (me && /^[\w-]+$/.test(me)) out = out.split(`<span class="mention" data-user-id="${me}"`).join(`<span class="mention mention--me" data-user-id="${me}"`);
  if (edited) {
    const tag = '<span class="message__edited">(edited)</span>';
    const trimmed = out.trimEnd();
    out = trimmed.endsWith('</p>') ? `${trimmed.slice(0, -4)} ${tag}</p>` : `${out}${tag}`;
  }
  return out;
}
