// @ts-check
/** What can be done to a message, by mouse, keyboard and touch: copy its link, edit and delete
 * one's own (delete: also admins), the "⋯" menu, long-press; Enter/e edits, Delete/Backspace
 * deletes (after the app's own confirm dialog), arrows move between messages. */
import { h } from './dom.js';
import { store } from '../state/store.js';
import { ask } from './dialogs.js';
import { openMenu } from './menus.js';
import { isAdmin } from './messages.js';
import * as chat from '../api/chat.js';

/** @typedef {import('../state/messages.js').Message} Message */

/**
 * @param {HTMLElement} list the message list
 * @param {{cid: string, me: string, find: (id: string) => Message | undefined, edit: (m: Message) => void,
 *   focusRow: (id: string) => void, move: (row: HTMLElement, step: -1 | 1) => void, leave: () => void,
 *   tell: (text: string) => void, fail: (text: string) => void}} opts `tell`: a passing note;
 *   `fail`: an error where the user is typing; `leave`: back to the composer
 */
export function mountMessageActions(list, { cid, me, find, edit, focusRow, move, leave, tell, fail }) {
  const mayDelete = (/** @type {Message} */ m) => m.author_id === me || isAdmin();

  /** @param {Message} m */
  async function remove(m) {
    const answer = await ask('Delete message', [h('p', { class: 'dialog__text' }, 'Delete this message? This cannot be undone.')], 'Delete');
    if (!answer) { focusRow(m.id); return; }
    const rows = /** @type {HTMLElement[]} */ ([...list.querySelectorAll('.message[data-id]')]);
    const neighbour = rows[rows.findIndex((el) => el.dataset.id === m.id) - 1]?.dataset.id;
    await chat.remove(m.id).then(() => { if (neighbour) focusRow(neighbour); },
      (/** @type {any} */ e) => fail(`The message was not deleted: ${e.message}.`));
  }
  /** @param {Message} m */
  function copyLink(m) {
    const url = `${location.origin}/w/${store.workspaceId}/c/${cid}/m/${m.id}`;
    navigator.clipboard?.writeText(url).then(() => tell('Link copied'), () => tell(url));
  }
  /** @param {Message} m @param {HTMLElement} button */
  function more(m, button) {
    openMenu(button, 'Message actions', [
      { label: 'Copy link', run: () => copyLink(m) },
      ...(m.author_id === me ? [{ label: 'Edit message', run: () => edit(m), hint: 'E' }] : []),
      ...(mayDelete(m) ? [{ label: 'Delete message', run: () => remove(m), danger: true, hint: 'Del' }] : []),
    ]);
  }

  /** Long-press on touch (and right-click) opens the message's menu, as its "⋯" button does. @param {MouseEvent} e */
  const onContextMenu = (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const row = target.closest?.('.message[data-id]');
    const m = row instanceof HTMLElement ? find(row.dataset.id ?? '') : undefined;
    const button = row?.querySelector('.message__action--more');
    if (!row || !m || m.deleted || !(button instanceof HTMLElement) || target.closest('a')) return;
    e.preventDefault();
    /** @type {HTMLElement} */ (row).focus({ preventScroll: true });
    more(m, button);
  };
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    const row = /** @type {HTMLElement} */ (e.target);
    if (!row.matches?.('.message[data-id]') || e.ctrlKey || e.metaKey || e.altKey) return;
    const m = find(row.dataset.id ?? '');
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') { e.preventDefault(); move(row, e.key === 'ArrowUp' ? -1 : 1); }
    else if (e.key === 'Escape') leave();
    else if (!m || m.deleted) return;
    else if ((e.key === 'Enter' || e.key === 'e') && m.author_id === me) { e.preventDefault(); edit(m); }
    else if ((e.key === 'Delete' || e.key === 'Backspace') && mayDelete(m)) { e.preventDefault(); remove(m); }
  };
  list.addEventListener('contextmenu', onContextMenu);
  list.addEventListener('keydown', onKey);
  return {
    remove, copyLink, more,
    teardown: () => { list.removeEventListener('contextmenu', onContextMenu); list.removeEventListener('keydown', onKey); },
  };
}
