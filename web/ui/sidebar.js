// @ts-check
/** The sidebar: the workspace menu, Channels and Direct messages with unread, mention and
 * presence marks, and the user menu. Rendered keyed by channel id: an update touches only the
 * rows that changed. */
import { unreadThreads } from '../state/threads.js';
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { store, subscribe, channelLabel, nameOf } from '../state/store.js';
import { sidebarSections, badgeCount, dmOthers } from '../state/nav.js';
import { avatar, presenceDot, statusEmoji } from './people.js';
import { toggleMenu } from './menus.js';
import { themeChoice } from './theme.js';
import { icon as drawIcon } from './icons.js';
import { statusMenuEntries } from './status.js';
import { activeStatus, dndActive, statusLine } from '../state/status.js';
import { looksUnread, isMuted } from '../state/unread.js';
import { notifyBar, notifyMenuEntries, mutedIcon } from './notifications.js';
import { workspacePreferences } from './notify-prefs.js';
import { noteIcon } from './notes.js';

/**
 * @typedef {{open: (cid: string) => void, newChannel: () => void, browse: () => void, newDm: () => void,
 *   invite: () => void, profile: () => void, status: () => void, theme: (choice: string) => void, logout: () => void,
 *   switchWorkspace: (wid: string) => void, newWorkspace: () => void, view: (kind: string) => void,
 *   myNotes: () => void, myNotesOpen: () => boolean}} SidebarActions
 */

/** Sections folded by the reader (remembered for the page's life). */
const folded = new Set();

/** @param {HTMLElement} root @param {SidebarActions} actions @returns {() => void} teardown */
export function mountSidebar(root, actions) {
  const workspaceMenu = (/** @type {Event} */ e) => toggleMenu(/** @type {HTMLElement} */ (e.currentTarget), 'Workspace', () => [
    { label: 'Invite people', run: actions.invite },
    { label: 'Create a channel', run: actions.newChannel },
    { label: 'Browse channels', run: actions.browse },
    'separator',
    { heading: 'Workspaces' },
    ...store.workspaces.map((w) => ({ label: w.name, checked: w.id === store.workspaceId, run: () => { if (w.id !== store.workspaceId) actions.switchWorkspace(w.id); } })),
    { label: 'New workspace…', run: actions.newWorkspace },
  ]);
  const userMenu = (/** @type {Event} */ e) => toggleMenu(/** @type {HTMLElement} */ (e.currentTarget), 'You', () => {
    const choice = themeChoice();
    return [
      { label: 'Profile', run: actions.profile },
      ...statusMenuEntries(),
      ...notifyMenuEntries(workspacePreferences),
      'separator',
      { heading: 'Theme' },
      { label: 'System', checked: choice === 'system', run: () => actions.theme('system') },
      { label: 'Light', checked: choice === 'light', run: () => actions.theme('light') },
      { label: 'Dark', checked: choice === 'dark', run: () => actions.theme('dark') },
      'separator',
      { label: 'Log out', danger: true, run: actions.logout },
    ];
  });
  const fold = (/** @type {string} */ name) => { if (folded.has(name)) folded.delete(name); else folded.add(name); draw(); };

  /** @param {import('../state/unread.js').Channel} c */
  const row = (c) => {
    const active = c.id === store.channelId;
    const count = badgeCount(c);
    const others = c.kind === 'dm' ? dmOthers(c, store.me?.id) : [];
    const icon = c.kind === 'dm'
      ? (others.length > 1 ? html`<span class="nav__count" aria-hidden="true">${others.length}</span>`
        : html`<span class="nav__avatar">${avatar(others[0], 20)}${presenceDot(others[0])}</span>`)
      : html`<span class="nav__icon" aria-hidden="true">${c.kind === 'private' ? lock : '#'}</span>`;
    const label = c.kind === 'dm' ? channelLabel(c) : c.name;
    const cls = `nav__item${looksUnread(c) ? ' nav__item--unread' : ''}${isMuted(c) ? ' nav__item--muted' : ''}${active ? ' nav__item--active' : ''}${c.archived ? ' nav__item--archived' : ''}`;
    return html`<li><a class=${cls} href="/w/${c.workspace_id}/c/${c.id}" aria-current=${active ? 'page' : nothing}
        @click=${(/** @type {MouseEvent} */ e) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); actions.open(c.id); }}>
      ${icon}
      <span class="nav__label">${label}</span>
      ${isMuted(c) ? html`${mutedIcon}<span class="visually-hidden">(muted)</span>` : nothing}
      ${c.kind === 'dm' && others.length === 1 ? statusEmoji(others[0]) : nothing}
      ${c.kind === 'private' ? html`<span class="visually-hidden">(private)</span>` : nothing}
      ${c.archived ? html`<span class="nav__tag">archived</span>` : nothing}
      ${count > 0 ? html`<span class="badge" aria-label="${count} ${c.kind === 'dm' ? 'unread' : count === 1 ? 'mention' : 'mentions'}">${count}</span>` : nothing}
    </a></li>`;
  };
  /** Folded sections still show the open and the unread rows. @param {string} name @param {any[]} rows */
  const visible = (name, rows) => (folded.has(name) ? rows.filter((c) => c.id === store.channelId || looksUnread(c) || badgeCount(c) > 0) : rows);
  /** @param {string} name @param {string} addLabel @param {() => void} add */
  const sectionHead = (name, addLabel, add) => html`<div class="nav__section">
    <button type="button" class="nav__disclosure" aria-expanded=${String(!folded.has(name))} @click=${() => fold(name)}>
      <span class="nav__arrow" aria-hidden="true">▾</span>${name}</button>
    <button type="button" class="icon-button" aria-label=${addLabel} title=${addLabel} @click=${add}>+</button></div>`;

  const draw = () => {
    const workspace = store.workspaces.find((w) => w.id === store.workspaceId);
    const { channels, dms } = sidebarSections(store.channels.values());
    const me = store.me;
    render(html`
      <div class="sidebar__top">
        <button type="button" class="sidebar__workspace" aria-haspopup="menu" aria-expanded="false" @click=${workspaceMenu}>
          <span class="sidebar__workspace-name">${workspace?.name ?? 'OComms'}</span><span aria-hidden="true" class="sidebar__caret">▾</span></button>
        <button type="button" class="icon-button sidebar__compose" aria-label="New message" title="New message" @click=${actions.newDm}>${pencil}</button>
      </div>
      ${notifyBar()}
      <nav class="nav" aria-label="Channels and direct messages">
        <ul class="nav__group nav__views" aria-label="Views">${VIEWS.map(([kind, name, glyph]) => html`<li><a
          class="nav__item${store.view === kind ? ' nav__item--active' : ''}${kind === 'threads' && unreadThreads(store.threadUnread) ? ' nav__item--unread' : ''}" href="/w/${store.workspaceId}/${kind}"
          aria-current=${store.view === kind ? 'page' : nothing}
          @click=${(/** @type {MouseEvent} */ e) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); actions.view(kind); }}>
          <span class="nav__icon" aria-hidden="true">${drawIcon(glyph)}</span><span class="nav__label">${name}</span>${kind === 'threads' && unreadThreads(store.threadUnread)
            ? html`<span class="visually-hidden">, unread replies</span>` : nothing}</a></li>`)}
          <li><button type="button" class="nav__item nav__button${actions.myNotesOpen() ? ' nav__item--active' : ''}" aria-expanded=${String(actions.myNotesOpen())}
            @click=${actions.myNotes}><span class="nav__icon" aria-hidden="true">${noteIcon}</span><span class="nav__label">My notes</span></button></li></ul>
        <section class="nav__group">
          ${sectionHead('Channels', 'Create a channel', actions.newChannel)}
          <ul>${repeat(visible('Channels', channels), (c) => c.id, row)}</ul>
          ${folded.has('Channels') ? nothing : html`<button type="button" class="nav__add" @click=${actions.browse}>Browse channels</button>`}
        </section>
        <section class="nav__group">
          ${sectionHead('Direct messages', 'New direct message', actions.newDm)}
          <ul>${repeat(visible('Direct messages', dms), (c) => c.id, row)}</ul>
          ${dms.length === 0 && !folded.has('Direct messages') ? html`<button type="button" class="nav__add" @click=${actions.newDm}>Message someone</button>` : nothing}
        </section>
      </nav>
      <div class="sidebar__bottom">
        <span class="connection" data-state=${store.connection}>${store.connection === 'open' ? '' : store.connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span>
        <button type="button" class="sidebar__me" aria-haspopup="menu" aria-expanded="false" aria-label="You: ${me?.name ?? ''}" @click=${userMenu}>
          ${me ? avatar(me.id, 32, { presence: true }) : nothing}
          <span class="sidebar__me-text"><span class="sidebar__me-name">${me ? nameOf(me.id) : ''}</span>
          <span class="sidebar__me-status">${meStatus()}</span></span>
        </button>
      </div>`, root);
  };
  draw();
  return subscribe((what) => {
    if (['channels', 'presence', 'connection', 'all', 'users', 'view', 'notify', 'threads', 'panel'].includes(what)) draw();
  });
}

/** The views above the channels: [kind, name, icon]. */
const VIEWS = [['threads', 'Threads', 'threads'], ['mentions', 'Mentions', 'at'], ['saved', 'Saved', 'bookmark']];

/** The line under one's name: the status, that notifications are paused, or "Active". */
function meStatus() {
  const me = store.me ?? undefined;
  const status = activeStatus(me, Date.now());
  const paused = dndActive(me, Date.now());
  if (status) return `${statusLine(status)}${paused ? ' · paused' : ''}`;
  return paused ? 'Notifications paused' : 'Active';
}

/** The sidebar while the workspace loads: shapes of rows, no text. */
export function sidebarSkeleton() {
  const bar = () => html`<li class="nav-skeleton__row"></li>`;
  return html`<div class="sidebar__top"><span class="nav-skeleton__title"></span></div>
    <div class="nav" aria-busy="true" aria-label="Loading channels"><ul class="nav__group">${[1, 2, 3, 4, 5].map(bar)}</ul>
    <ul class="nav__group">${[1, 2, 3].map(bar)}</ul></div>`;
}

const lock = html`<svg class="lock" viewBox="0 0 16 16" width="13" height="13" aria-hidden="true"><path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm1.5 0h5V5a2.5 2.5 0 0 0-5 0v2Z"/></svg>`;
const pencil = html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M11.6 1.6a2 2 0 0 1 2.8 2.8l-8.2 8.2-3.7.9.9-3.7 8.2-8.2Zm1.8 1a.6.6 0 0 0-.8 0L11.8 3.4l.8.8.8-.8a.6.6 0 0 0 0-.8ZM11.6 5.2l-.8-.8-6.4 6.4-.4 1.2 1.2-.4 6.4-6.4Z"/></svg>`;
export { lock };
