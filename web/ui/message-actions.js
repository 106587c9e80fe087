// @ts-check
/** What can be done to a message, by mouse, keyboard and touch: copy its link, edit and delete
 * one's own (delete: also admins), react (the emoji picker), pin, save for later, see the edit
 * history ("(edited)", for the author and admins), the "⋯" menu, long-press; Enter/e edits, r reacts,
 * Delete/Backspace deletes (after the app's own confirm dialog), arrows move between messages. */
import { h } from './dom.js';
import { store } from '../state/store.js';
import { ask } from './dialogs.js';
import { openMenu } from './menus.js';
import { isAdmin } from './messages.js';
import * as chat from '../api/chat.js';
import { setPinned, setSaved } from '../api/marks.js';
import { isPinned } from '../state/marks.js';
import { showHistory } from './history.js';
import { mountReactions } from './reactions.js';

/** @typedef {import('../state/messages.js').Message} Message */

/**
 * @param {HTMLElement} list the message list
 * @param {{cid: string, me: string, find: (id: string) => Message | undefined, edit: (m: Message) => void,
 *   focusRow: (id: string) => void, move: (row: HTMLElement, step: -1 | 1) => void, leave: () => void,
 *   tell: (text: string) => void, fail: (text: string) => void, openThread?: (rootId: string) => void}} opts
 *   `tell`: a passing note; `fail`: an error where the user is typing; `leave`: back to the
 *   composer; `openThread`: where threads open (the channel's list; not inside a thread)
 */
export function mountMessageActions(list, { cid, me, find, edit, focusRow, move, leave, tell, fail, openThread }) {
  const mayDelete = (/** @type {Message} */ m) => m.author_id === me || isAdmin();
  const reactions = mountReactions({ cid, me, list });
  const mayReact = () => { const c = store.channels.get(cid); return Boolean(c?.is_member && !c.archived); };

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
  /** @param {Message} m @param {boolean} on */
  function pin(m, on) {
    setPinned(m, on).then(() => tell(on ? 'Pinned to the channel' : 'Unpinned'),
      (/** @type {any} */ e) => fail(`The message was not ${on ? 'pinned' : 'unpinned'}: ${e.message}.`));
  }
  /** @param {Message} m @param {boolean} on */
  function save(m, on) {
    setSaved(m.id, on).then(() => tell(on ? 'Saved for later' : 'Removed from saved'),
      (/** @type {any} */ e) => fail(`The message was not ${on ? 'saved' : 'removed from saved'}: ${e.message}.`));
  }
  /** @param {Message} m @param {HTMLElement} button */
  function more(m, button) {
    const pinned = isPinned(m, store.pins.get(m.channel_id));
    const saved = (store.saved ?? []).includes(m.id);
    const thread = openThread ? m.thread_root_id ?? m.id : '';
    openMenu(button, 'Message actions', [
      ...(thread ? [{ label: m.reply_count > 0 || m.thread_root_id ? 'View thread' : 'Reply in thread', run: () => openThread?.(thread), hint: 'T' }] : []),
      ...(mayReact() ? [{ label: 'Add reaction', run: () => reactions.addReaction(m, button), hint: 'R' }] : []),
      { label: 'Copy link', run: () => copyLink(m) },
      { label: saved ? 'Remove from saved' : 'Save for later', run: () => save(m, !saved) },
      ...(store.channels.get(m.channel_id)?.is_member && !store.channels.get(m.channel_id)?.archived
        ? [{ label: pinned ? 'Unpin from channel' : 'Pin to channel', run: () => pin(m, !pinned) }] : []),
      ...(m.edited_at && mayDelete(m) ? [{ label: 'View edit history', run: () => { showHistory(m).then(() => focusRow(m.id)); } }] : []),
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
    else if (e.key === 't' && openThread) { e.preventDefault(); openThread(m.thread_root_id ?? m.id); }
    else if (e.key === 'r' && mayReact()) {
      e.preventDefault();
      reactions.addReaction(m, /** @type {HTMLElement} */ (row.querySelector('.message__action[aria-label="Add reaction"]') ?? row));
    }
    else if ((e.key === 'Delete' || e.key === 'Backspace') && mayDelete(m)) { e.preventDefault(); remove(m); }
  };
  /** "(edited)" is a button for those who may see the history. @param {MouseEvent} e */
  const onClick = (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const button = target.closest?.('.message__edited[data-history]');
    const row = button?.closest('.message[data-id]');
    const m = row instanceof HTMLElement ? find(row.dataset.id ?? '') : undefined;
    if (!m || m.deleted) return;
    showHistory(m).then(() => /** @type {HTMLElement | null} */ (list.contains(button) ? button : null)?.focus());
  };
  list.addEventListener('contextmenu', onContextMenu);
  list.addEventListener('keydown', onKey);
  list.addEventListener('click', onClick);
  return {
    remove, copyLink, more, pin, save, react: reactions.toggleReaction, addReaction: reactions.addReaction,
    teardown: () => {
      list.removeEventListener('contextmenu', onContextMenu);
      list.removeEventListener('keydown', onKey);
      list.removeEventListener('click', onClick);
      reactions.teardown();
    },
  };
}
