// @ts-check
/** The channel header above the message pane: `#name` (a lock when private), the topic edited in
 * place, the members stack that opens the members panel, and the channel menu. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { store, subscribe, channelLabel, putChannel, setChannelMembers } from '../state/store.js';
import { dmOthers, canLeave, canArchive } from '../state/nav.js';
import { get, patch, ApiError } from '../api/http.js';
import { avatar, presenceDot, statusEmoji } from './people.js';
import { toggleMenu } from './menus.js';
import { lock } from './sidebar.js';
import { icon } from './icons.js';
import { togglePins, closePins } from './pins.js';
import { loadPins } from '../api/marks.js';
import { channelPreferences, toggleMute } from './notify-prefs.js';
import { noteIcon } from './notes.js';
import './search.js';

/**
 * @typedef {{members: (adding?: boolean) => void, panelOpen: () => boolean, notes: () => void, notesOpen: () => boolean, leave: () => void,
 *   archive: (archived: boolean) => void, copyLink: () => void, back: () => void}} HeaderActions
 */

/** Loads who is in a channel into the store. @param {string} cid */
export async function loadChannelMembers(cid) {
  const { members } = await get(`/channels/${cid}/members`);
  for (const u of members) if (!store.users.has(u.id)) store.users.set(u.id, u);
  setChannelMembers(cid, members.map((/** @type {any} */ u) => u.id));
}

/** @param {HTMLElement} root @param {string} cid @param {HeaderActions} actions @returns {() => void} */
export function mountHeader(root, cid, actions) {
  let editing = false;
  let saving = false;
  let error = '';

  const startEdit = () => { editing = true; error = ''; draw(); root.querySelector('input')?.focus(); };
  const stopEdit = () => { editing = false; error = ''; draw(); /** @type {HTMLElement | null} */ (root.querySelector('.pane-header__topic'))?.focus(); };
  /** @param {KeyboardEvent} e */
  const onKey = async (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); stopEdit(); return; }
    if (e.key !== 'Enter' || e.isComposing || saving) return;
    e.preventDefault();
    saving = true; error = ''; draw();
    try {
      const { channel } = await patch(`/channels/${cid}`, { topic: input.value.trim() });
      putChannel(channel);
      saving = false;
      stopEdit();
    } catch (err) {
      saving = false;
      error = err instanceof ApiError && err.status !== 0 ? err.message : 'Not saved: the server cannot be reached.';
      draw();
      input.focus();
    }
  };
  const channelMenu = (/** @type {Event} */ e) => toggleMenu(/** @type {HTMLElement} */ (e.currentTarget), 'Channel', () => {
    const c = store.channels.get(cid);
    if (!c) return [];
    return [
      ...(c.kind !== 'dm' && !c.archived && c.is_member ? [{ label: 'Add people', run: () => actions.members(true) }] : []),
      { label: 'Copy link', run: actions.copyLink },
      ...(canArchive(c) ? [{ label: c.archived ? 'Unarchive channel' : 'Archive channel', run: () => actions.archive(!c.archived) }] : []),
      ...(c.is_member ? ['separator', { label: 'Notifications…', run: () => channelPreferences(cid) },
        { label: c.notifications?.muted ? (c.kind === 'dm' ? 'Unmute conversation' : 'Unmute channel') : (c.kind === 'dm' ? 'Mute conversation' : 'Mute channel'), run: () => toggleMute(cid) }] : []),
      ...(canLeave(c) ? ['separator', { label: 'Leave channel', danger: true, run: actions.leave }] : []),
    ].map((x) => /** @type {import('./menus.js').MenuEntry} */ (x));
  });

  const draw = () => {
    const c = store.channels.get(cid);
    if (!c) return;
    const dm = c.kind === 'dm';
    const others = dm ? dmOthers(c, store.me?.id) : [];
    const members = store.channelMembers.get(cid) ?? [];
    const count = store.memberCounts.get(cid);
    const pins = store.pins.get(cid)?.length ?? 0;
    const name = dm
      ? html`${others.length === 1 ? html`<span class="nav__avatar">${avatar(others[0], 24)}${presenceDot(others[0])}</span>` : nothing}${channelLabel(c)}${others.length === 1 ? statusEmoji(others[0]) : nothing}`
      : html`${c.kind === 'private' ? lock : '#'} ${c.name}${c.kind === 'private' ? html`<span class="visually-hidden"> (private)</span>` : nothing}`;
    const topic = editing
      ? html`<input class="pane-header__topic-input" aria-label="Topic" maxlength="250" .value=${c.topic} ?disabled=${saving}
          aria-invalid=${error ? 'true' : nothing} aria-describedby="topic-error" @keydown=${onKey}
          placeholder="Add a topic (Enter saves, Esc cancels)">`
      : c.archived
        ? html`<span class="pane-header__topic pane-header__topic--static">Archived: read-only${c.topic ? ` · ${c.topic}` : ''}</span>`
        : html`<button type="button" class="pane-header__topic${c.topic ? '' : ' pane-header__topic--empty'}" title=${c.topic || nothing}
            aria-label="Topic: ${c.topic || 'none'}. Edit topic" @click=${startEdit}>${c.topic || 'Add a topic'}</button>`;
    render(html`
      <button type="button" class="icon-button pane-header__back" aria-label="Back to channels" @click=${actions.back}>‹</button>
      <div class="pane-header__title">
        <h1 class="pane-header__name">${name}</h1>
        <div class="pane-header__topic-row">${topic}</div>
        ${error ? html`<p class="pane-header__error" id="topic-error" role="alert">${error}</p>` : nothing}
      </div>
      <oc-search-box class="pane-header__search"></oc-search-box>
      ${pins > 0 ? html`<button type="button" class="pane-header__pins" aria-haspopup="dialog" aria-expanded="false"
          aria-label="${pins} pinned message${pins === 1 ? '' : 's'}" title="Pinned messages"
          @click=${(/** @type {Event} */ e) => togglePins(/** @type {HTMLElement} */ (e.currentTarget), cid)}>${icon('pin')}<span>${pins}</span></button>` : nothing}
      ${dm && others.length === 1 ? nothing : html`<button type="button" class="pane-header__members"
          aria-expanded=${String(actions.panelOpen())} aria-label="${count ?? '…'} member${count === 1 ? '' : 's'}" title="View members"
          @click=${() => actions.members()}>
        <span class="stack">${members.slice(0, 3).map((id) => avatar(id, 24))}</span>
        <span class="pane-header__count">${count ?? ''}</span></button>`}
      <button type="button" class="icon-button pane-header__notes" aria-label="Notes" title="Channel notes" aria-expanded=${String(actions.notesOpen())}
        @click=${actions.notes}>${noteIcon}</button>
      <button type="button" class="icon-button" aria-label="Channel menu" title="Channel menu" aria-haspopup="menu" aria-expanded="false"
        @click=${channelMenu}>⋯</button>`, root);
  };
  draw();
  loadChannelMembers(cid).catch(() => {});
  loadPins(cid).catch(() => {});
  const unsubscribe = subscribe((what) => {
    if (['channels', 'presence', 'members', 'all', 'panel', 'pins'].includes(what)) draw();
  });
  return () => { unsubscribe(); closePins(); };
}
