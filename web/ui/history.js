// @ts-check
/** A message's edit history in a dialog: every version, newest first, with when it was written;
 * the current one marked. Shown as plain text (what was typed), for the author and admins. */
import { h } from './dom.js';
import { ask } from './dialogs.js';
import { nameOf } from '../state/store.js';
import { whenText } from '../state/views.js';
import { loadHistory } from '../api/marks.js';

/** @typedef {import('../state/messages.js').Message} Message */

/** @param {Message} m */
export async function showHistory(m) {
  const list = h('ol', { class: 'history', 'aria-label': 'Versions, newest first', 'aria-busy': 'true' },
    h('li', { class: 'history__loading' }, 'Loading…'));
  const shown = ask('Edit history', [h('p', { class: 'dialog__note' }, `A message by ${nameOf(m.author_id)}.`), list], 'Close', null);
  try {
    const versions = await loadHistory(m.id);
    const now = new Date();
    const items = versions.map((v, i) => {
      const current = i === versions.length - 1;
      const at = v.edited_at ?? (i === 0 ? m.created_at : null);
      const label = current ? 'Current version' : i === 0 ? 'Original' : `Version ${i + 1}`;
      return h('li', { class: `history__version${current ? ' history__version--current' : ''}` },
        h('p', { class: 'history__meta' }, h('strong', null, label), at ? ` · ${whenText(at, now)}` : ''),
        h('p', { class: 'history__text' }, v.content));
    }).reverse();
    list.replaceChildren(...(items.length ? items : [h('li', { class: 'history__loading' }, 'No earlier versions.')]));
  } catch (e) {
    list.replaceChildren(h('li', { class: 'history__error', role: 'alert' },
      /** @type {any} */ (e)?.status === 403 ? 'Only the author and workspace admins can see the history.' : 'The history could not be loaded. Try again.'));
  } finally {
    list.removeAttribute('aria-busy');
  }
  await shown;
}
