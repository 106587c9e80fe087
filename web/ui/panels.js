// @ts-check
/** The members panel beside the message list: who is in the channel with presence and role,
 * "Add people" (type to filter the workspace), and removal from the workspace for admins. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { store, subscribe, nameOf, channelTitle, setChannelMembers } from '../state/store.js';
import { fuzzyFilter } from '../state/fuzzy.js';
import { activeStatus, dndActive } from '../state/status.js';
import { isAdmin } from '../state/nav.js';
import { post, del, ApiError } from '../api/http.js';
import { avatar, statusEmoji } from './people.js';
import { yesNo } from './dialogs.js';

const ROLE = /** @type {Record<string, string>} */ ({ owner: 'Workspace owner', admin: 'Workspace admin', guest: 'Guest' });

/**
 * @param {HTMLElement} root @param {string} cid
 * @param {{close: () => void, adding?: boolean}} opts
 * @returns {() => void} teardown
 */
export function mountMembersPanel(root, cid, { close, adding = false }) {
  let query = '';
  let error = '';
  let active = 0;

  const candidates = () => {
    const inside = new Set(store.channelMembers.get(cid) ?? []);
    const people = [...store.users.values()].filter((u) => !inside.has(u.id) && store.roles.has(u.id));
    return fuzzyFilter(query, people.sort((a, b) => a.name.localeCompare(b.name)), (u) => u.name, 8);
  };
  /** @param {string} userId */
  const add = async (userId) => {
    error = '';
    try {
      const { members } = await post(`/channels/${cid}/members`, { user_id: userId });
      setChannelMembers(cid, members.map((/** @type {any} */ u) => u.id));
      query = '';
      active = 0;
      const input = /** @type {HTMLInputElement | null} */ (root.querySelector('.panel__search'));
      if (input) { input.value = ''; input.focus(); }
    } catch (err) {
      error = err instanceof ApiError ? err.message : 'Not added. Try again.';
    }
    draw();
  };
  /** @param {string} userId */
  const removeFromChannel = async (userId) => {
    const name = nameOf(userId);
    const c = store.channels.get(cid);
    const where = c ? channelTitle(c) : 'this channel';
    if (!(await yesNo(`Remove ${name} from ${where}?`, `${name} will no longer see ${where}. They stay in the workspace.`, 'Remove', 'Cancel'))) return;
    try {
      await del(`/channels/${cid}/members/${userId}`);
      setChannelMembers(cid, (store.channelMembers.get(cid) ?? []).filter((id) => id !== userId));
    } catch (err) {
      error = err instanceof ApiError ? err.message : 'Not removed. Try again.';
      draw();
    }
  };
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    const list = candidates();
    if (e.key === 'ArrowDown') { e.preventDefault(); active = Math.min(active + 1, list.length - 1); draw(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); active = Math.max(active - 1, 0); draw(); }
    else if (e.key === 'Enter') { e.preventDefault(); if (list[active]) add(list[active].id); }
    else if (e.key === 'Escape' && query) { e.preventDefault(); e.stopPropagation(); query = ''; /** @type {HTMLInputElement} */ (e.target).value = ''; draw(); }
  };
  const onEsc = (/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open], .popmenu')) close(); };
  document.addEventListener('keydown', onEsc);

  const draw = () => {
    const c = store.channels.get(cid);
    if (!c) return;
    const members = [...(store.channelMembers.get(cid) ?? [])].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    const mine = store.me?.id;
    const admin = isAdmin(store.roles.get(mine ?? ''));
    const canAdd = c.kind !== 'dm' && !c.archived && c.is_member && store.roles.get(mine ?? '') !== 'guest';
    const list = adding ? candidates() : [];
    const person = (/** @type {string} */ id) => {
      const role = store.roles.get(id) ?? '';
      const status = store.presence.get(id) ?? 'offline';
      const removable = admin && id !== mine && !c.is_default && c.kind !== 'dm';
      return html`<li class="member">
        ${avatar(id, 36, { presence: true })}
        <span class="member__text"><span class="member__name">${nameOf(id)}${id === mine ? ' (you)' : ''}${statusEmoji(id)}</span>
          <span class="member__meta">${status === 'online' ? 'Active' : status === 'away' ? 'Away' : 'Offline'}${ROLE[role] ? ` · ${ROLE[role]}` : ''}${activeStatus(store.users.get(id), Date.now())?.text ? ` · ${activeStatus(store.users.get(id), Date.now())?.text}` : ''}${dndActive(store.users.get(id), Date.now()) ? ' · Notifications paused' : ''}</span></span>
        ${removable ? html`<button type="button" class="button button--small" aria-label="Remove ${nameOf(id)} from the channel" @click=${() => removeFromChannel(id)}>Remove</button>` : nothing}
      </li>`;
    };
    render(html`<section class="panel" aria-label="Members of ${channelTitle(c)}">
      <header class="panel__header"><h2 class="panel__title">Members <span class="panel__sub">${channelTitle(c)}</span></h2>
        <button type="button" class="icon-button" aria-label="Close members" @click=${close}>×</button></header>
      ${canAdd ? (adding
        ? html`<div class="panel__add"><input class="panel__search" type="search" aria-label="Add people: type a name" placeholder="Type a name to add"
              role="combobox" aria-expanded="true" aria-controls="add-people" aria-activedescendant=${list[active] ? `add-${list[active].id}` : nothing}
              @input=${(/** @type {InputEvent} */ e) => { query = /** @type {HTMLInputElement} */ (e.target).value; active = 0; draw(); }} @keydown=${onKey}>
            <ul class="picker__list" role="listbox" id="add-people" aria-label="People to add">
              ${list.map((u, i) => html`<li role="option" id="add-${u.id}" aria-selected=${String(i === active)} class="picker__option"
                  @click=${() => add(u.id)}>${avatar(u.id, 24, { presence: true })}<span>${u.name}</span></li>`)}
              ${list.length === 0 ? html`<li class="picker__empty">${query ? 'Nobody by that name outside this channel' : 'Everyone is already here'}</li>` : nothing}
            </ul></div>`
        : html`<button type="button" class="button panel__add-button" @click=${() => { adding = true; draw(); /** @type {HTMLElement | null} */ (root.querySelector('.panel__search'))?.focus(); }}>Add people</button>`) : nothing}
      ${error ? html`<p class="panel__error" role="alert">${error}</p>` : nothing}
      <ul class="members" aria-label="Members">${repeat(members, (id) => id, person)}</ul>
    </section>`, root);
  };
  draw();
  if (adding) /** @type {HTMLElement | null} */ (root.querySelector('.panel__search'))?.focus();
  const unsubscribe = subscribe((what) => {
    if (['members', 'presence', 'all', 'channels'].includes(what)) draw();
  });
  return () => { unsubscribe(); document.removeEventListener('keydown', onEsc); render(nothing, root); };
}
