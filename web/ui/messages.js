// @ts-check
/** The message pane: messages grouped by author and minute, day separators, the "new" line at
 * the read marker, pending and failed sends, edit and delete of one's own messages. */
import { h, fill } from './dom.js';
import { store, nameOf } from '../state/store.js';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

/**
 * @param {HTMLElement} list the `role=log` element
 * @param {string} cid
 * @param {number} readMarker seq read before this visit: messages after it are new
 * @param {{onEdit: (m: any) => void, onDelete: (m: any) => void, onRetry: (p: any) => void}} actions
 */
export function renderMessages(list, cid, readMarker, actions) {
  const log = store.logs.get(cid);
  if (!log) return;
  const items = [];
  let lastDay = '';
  let lastGroup = '';
  let newLineShown = false;
  for (const m of log.messages) {
    const at = new Date(m.created_at);
    const d = day.format(at);
    if (d !== lastDay) {
      items.push(h('li', { class: 'day', role: 'separator' }, d));
      lastDay = d;
      lastGroup = '';
    }
    if (!newLineShown && readMarker > 0 && m.seq > readMarker && m.author_id !== store.me?.id) {
      items.push(h('li', { class: 'new-line', role: 'separator' }, 'New messages'));
      newLineShown = true;
      lastGroup = '';
    }
    const group = `${m.author_id}|${at.getHours()}:${at.getMinutes()}`;
    items.push(message(m, group !== lastGroup, actions));
    lastGroup = group;
  }
  for (const p of log.pending) {
    items.push(h('li', { class: `message message--${p.status}`, 'data-client-id': p.clientId },
      h('div', { class: 'message__body' }, p.content),
      p.status === 'failed'
        ? h('button', { class: 'button button--link', onclick: () => actions.onRetry(p) }, 'Not sent — retry')
        : h('span', { class: 'message__meta' }, 'Sending…')));
  }
  fill(list, ...items);
}

/** @param {any} m @param {boolean} head @param {{onEdit: (m: any) => void, onDelete: (m: any) => void}} actions */
function message(m, head, actions) {
  const mine = m.author_id === store.me?.id;
  const body = h('div', { class: 'message__body' });
  if (m.deleted) body.append(h('em', { class: 'message__deleted' }, 'This message was deleted.'));
  else body.innerHTML = m.html; // the server's sanitized rendering
  return h('li', { class: `message${head ? ' message--head' : ''}`, 'data-seq': m.seq, 'data-id': m.id },
    head ? h('div', { class: 'message__head' },
      h('strong', { class: 'message__author' }, nameOf(m.author_id)),
      h('time', { class: 'message__meta', datetime: m.created_at }, time.format(new Date(m.created_at)))) : null,
    body,
    m.edited_at && !m.deleted ? h('span', { class: 'message__meta' }, '(edited)') : null,
    mine && !m.deleted ? h('div', { class: 'message__actions' },
      h('button', { class: 'button button--small', 'aria-label': 'Edit message', onclick: () => actions.onEdit(m) }, 'Edit'),
      h('button', { class: 'button button--small', 'aria-label': 'Delete message', onclick: () => actions.onDelete(m) }, 'Delete'))
      : null);
}
