// @ts-check
/** Pickers with type-to-filter: the Ctrl/Cmd+K quick switcher (channels and people), Browse
 * channels (topic, member count, join) and a new DM or group DM by typing names (chips). Each is
 * a modal <dialog>: arrows move, Enter chooses, Esc closes. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { store, channelLabel, nameOf } from '../state/store.js';
import { fuzzyFilter } from '../state/fuzzy.js';
import { directWith, dmOthers } from '../state/nav.js';
import { get, ApiError } from '../api/http.js';
import { avatar, presenceDot } from './people.js';
import { lock } from './sidebar.js';

/** Most people a DM can have besides oneself (the server allows 2–9 in all). */
export const MAX_DM_OTHERS = 8;

/**
 * @template T
 * @typedef {{title: string, label: string, placeholder: string, search: (query: string) => T[], key: (item: T) => string,
 *   option: (item: T) => unknown, choose: (item: T) => Promise<unknown> | unknown, empty: (query: string) => string,
 *   above?: () => unknown, onKey?: (e: KeyboardEvent, query: string) => boolean, footer?: () => unknown}} PickerOptions
 */

/** Opens a picker; resolves when it closes. @template T @param {PickerOptions<T>} o @returns {{redraw: () => void, done: Promise<void>, close: () => void}} */
export function picker(o) {
  const dialog = /** @type {HTMLDialogElement} */ (document.createElement('dialog'));
  dialog.className = 'dialog picker';
  dialog.setAttribute('aria-label', o.title);
  document.body.append(dialog);
  let query = '';
  let active = 0;
  let error = '';
  const listId = `picker-${Math.random().toString(36).slice(2)}`;
  /** @param {T} item */
  const choose = async (item) => {
    error = '';
    try { await o.choose(item); } catch (e) { error = e instanceof ApiError ? e.message : 'That did not work. Try again.'; draw(); }
  };
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (o.onKey?.(e, query)) { draw(); return; }
    const items = o.search(query);
    if (e.key === 'ArrowDown') { e.preventDefault(); active = (active + 1) % Math.max(items.length, 1); draw(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); active = (active - 1 + items.length) % Math.max(items.length, 1); draw(); }
    else if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); if (items[active]) choose(items[active]); }
  };
  const draw = () => {
    const items = o.search(query);
    active = Math.min(active, Math.max(items.length - 1, 0));
    const id = (/** @type {T} */ item) => `${listId}-${o.key(item)}`;
    render(html`<div class="picker__box">
      <h2 class="picker__title">${o.title}</h2>
      ${o.above?.() ?? nothing}
      <input class="picker__input" type="text" role="combobox" aria-expanded="true" aria-autocomplete="list" aria-controls=${listId}
        aria-label=${o.label} placeholder=${o.placeholder} autocomplete="off"
        aria-activedescendant=${items[active] ? id(items[active]) : nothing}
        @input=${(/** @type {Event} */ e) => { query = /** @type {HTMLInputElement} */ (e.target).value; active = 0; draw(); }} @keydown=${onKey}>
      ${error ? html`<p class="dialog__error" role="alert">${error}</p>` : nothing}
      <ul class="picker__list" role="listbox" id=${listId} aria-label=${o.label}>
        ${items.map((item, i) => html`<li role="option" id=${id(item)} class="picker__option" aria-selected=${String(i === active)}
          @click=${() => choose(item)} @mousemove=${() => { if (active !== i) { active = i; draw(); } }}>${o.option(item)}</li>`)}
        ${items.length === 0 ? html`<li class="picker__empty">${o.empty(query)}</li>` : nothing}
      </ul>
      ${o.footer?.() ?? nothing}
    </div>`, dialog);
    dialog.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  };
  draw();
  /** @type {() => void} */ let resolve = () => {};
  const done = new Promise((r) => { resolve = () => r(undefined); });
  dialog.addEventListener('close', () => { dialog.remove(); resolve(); });
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  dialog.showModal();
  /** @type {HTMLElement | null} */ (dialog.querySelector('.picker__input'))?.focus();
  return { redraw: draw, done, close: () => dialog.close() };
}

/**
 * @typedef {{kind: 'channel', id: string, text: string, channel: import('../state/unread.js').Channel}
 *   | {kind: 'person', id: string, text: string, userId: string}} Destination
 */

/** Ctrl/Cmd+K. @param {{openChannel: (cid: string) => void, openDm: (userIds: string[]) => Promise<void>}} actions */
export function quickSwitcher(actions) {
  const me = store.me?.id ?? '';
  /** @returns {Destination[]} */
  const all = () => {
    const channels = [...store.channels.values()]
      .filter((c) => (c.kind === 'dm' ? c.is_member && c.dm_user_ids.length > 2 : c.is_member || c.kind === 'public'))
      .map((c) => /** @type {Destination} */ ({ kind: 'channel', id: c.id, text: c.kind === 'dm' ? channelLabel(c) : c.name, channel: c }));
    const people = [...store.roles.keys()].filter((id) => id !== me && store.users.has(id))
      .map((id) => /** @type {Destination} */ ({ kind: 'person', id, text: nameOf(id), userId: id }));
    // With no query: joined channels first, the most recently active first.
    const byRecent = (/** @type {Destination} */ d) => (d.kind === 'channel' ? (d.channel.is_member ? d.channel.last_seq + 1e9 : 0) : directWith(store.channels.values(), me, d.userId)?.last_seq ?? -1);
    return [...channels, ...people].sort((a, b) => byRecent(b) - byRecent(a));
  };
  const p = picker({
    title: 'Jump to…', label: 'Find a channel or person', placeholder: 'Find a channel or person',
    search: (q) => fuzzyFilter(q, all(), (d) => d.text, 30), key: (d) => d.id,
    option: (d) => {
      if (d.kind === 'person') {
        const u = store.users.get(d.userId);
        return html`<span class="nav__avatar">${avatar(d.userId, 20)}${presenceDot(d.userId)}</span><span class="picker__label">${d.text}</span>
          ${u?.status_text ? html`<span class="picker__hint">${u.status_text}</span>` : nothing}<span class="picker__hint">Direct message</span>`;
      }
      const c = d.channel;
      if (c.kind === 'dm') return html`<span class="nav__count">${dmOthers(c, me).length}</span><span class="picker__label">${d.text}</span><span class="picker__hint">Group message</span>`;
      return html`<span class="nav__icon">${c.kind === 'private' ? lock : '#'}</span><span class="picker__label">${c.name}</span>
        ${c.archived ? html`<span class="picker__hint">archived</span>` : nothing}${c.is_member ? nothing : html`<span class="picker__hint">not joined</span>`}`;
    },
    choose: async (d) => {
      if (d.kind === 'channel') { p.close(); actions.openChannel(d.id); return; }
      await actions.openDm([d.userId]);
      p.close();
    },
    empty: (q) => `Nothing matches “${q}”`,
  });
  return p.done;
}

/** Browse channels: every public channel with topic and member count; choosing one joins it.
 * @param {{join: (cid: string) => Promise<void>, openChannel: (cid: string) => void}} actions */
export async function browseChannels(actions) {
  const wid = store.workspaceId;
  /** @type {any[]} */ let channels = [...store.channels.values()].filter((c) => c.kind === 'public');
  const p = picker({
    title: 'Browse channels', label: 'Search channels', placeholder: 'Search by name or topic',
    search: (q) => fuzzyFilter(q, channels.sort((a, b) => a.name.localeCompare(b.name)), (c) => `${c.name} ${c.topic}`),
    key: (c) => c.id,
    option: (c) => {
      const count = store.memberCounts.get(c.id);
      return html`<span class="nav__icon">#</span><span class="picker__text"><span class="picker__label">${c.name}</span>
        <span class="picker__meta">${count === undefined ? '' : `${count} member${count === 1 ? '' : 's'}`}${c.topic ? ` · ${c.topic}` : ''}${c.archived ? ' · archived' : ''}</span></span>
        <span class=${c.is_member ? 'picker__hint' : 'picker__join'}>${c.is_member ? 'Joined' : c.archived ? '' : 'Join'}</span>`;
    },
    choose: async (c) => {
      if (!c.is_member && !c.archived) await actions.join(c.id);
      p.close();
      actions.openChannel(c.id);
    },
    empty: (q) => (q ? `No channel matches “${q}”` : 'No public channels yet'),
  });
  // The server's list has every public channel; counts come one channel at a time.
  const fresh = await get(`/workspaces/${wid}/channels`).catch(() => null);
  if (fresh) { channels = fresh.channels.filter((/** @type {any} */ c) => c.kind === 'public'); p.redraw(); }
  await Promise.all(channels.slice(0, 100).map((c) => get(`/channels/${c.id}/members`)
    .then(({ members }) => { store.memberCounts.set(c.id, members.length); p.redraw(); }, () => {})));
  return p.done;
}

/** A new DM or group DM: type names, each choice becomes a chip, "Go" opens the conversation.
 * @param {{openDm: (userIds: string[]) => Promise<void>}} actions */
export function newDm(actions) {
  const me = store.me?.id ?? '';
  /** @type {string[]} */ const chosen = [];
  const go = async () => { if (chosen.length) { await actions.openDm(chosen); p.close(); } };
  const p = picker({
    title: 'New message', label: 'To: type a name', placeholder: chosen.length ? '' : 'Type a name',
    search: (q) => (chosen.length >= MAX_DM_OTHERS ? [] : fuzzyFilter(q, [...store.roles.keys()]
      .filter((id) => id !== me && !chosen.includes(id) && store.users.has(id)).sort((a, b) => nameOf(a).localeCompare(nameOf(b))), nameOf, 20)),
    key: (id) => id,
    option: (id) => html`<span class="nav__avatar">${avatar(id, 20)}${presenceDot(id)}</span><span class="picker__label">${nameOf(id)}</span>`,
    choose: (id) => {
      chosen.push(id);
      const input = /** @type {HTMLInputElement} */ (document.querySelector('.picker .picker__input'));
      input.value = '';
      input.dispatchEvent(new Event('input'));
      input.focus();
    },
    // Backspace in an empty box takes back the last chip; Ctrl/Cmd+Enter (or Enter with nothing typed) opens.
    onKey: (e, q) => {
      if (e.key === 'Backspace' && !q && chosen.length) { chosen.pop(); return true; }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || !q) && chosen.length) { e.preventDefault(); go(); return true; }
      return false;
    },
    above: () => html`<ul class="chips" aria-label="To">${chosen.map((id) => html`<li class="chip">${avatar(id, 20)}${nameOf(id)}
      <button type="button" class="chip__remove" aria-label="Remove ${nameOf(id)}" @click=${() => { chosen.splice(chosen.indexOf(id), 1); p.redraw(); }}>×</button></li>`)}</ul>`,
    footer: () => html`<div class="dialog__buttons"><span class="picker__note">${chosen.length >= MAX_DM_OTHERS ? `At most ${MAX_DM_OTHERS} people` : chosen.length > 1 ? 'A group message' : ''}</span>
      <button type="button" class="button" @click=${() => p.close()}>Cancel</button>
      <button type="button" class="button button--primary" ?disabled=${chosen.length === 0} @click=${go}>Go</button></div>`,
    empty: (q) => (chosen.length >= MAX_DM_OTHERS ? `At most ${MAX_DM_OTHERS} people` : q ? `Nobody matches “${q}”` : 'Nobody else is in this workspace yet'),
  });
  return p.done;
}
