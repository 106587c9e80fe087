// @ts-check
/** The OComms web client: routes, the socket and its one event dispatch, and the shell. */
import { h, fill } from './ui/dom.js';
import { html, render } from './vendor/lit-html/lit-html.js';
import { get, post, ApiError } from './api/http.js';
import { Socket } from './api/socket.js';
import * as chat from './api/chat.js';
import { store, changed, subscribe, putChannel, markRead, someoneTyped, setRole, putUser } from './state/store.js';
import { totalUnread, title } from './state/unread.js';
import { showAuth, loggedOut, setLoggedOut } from './ui/auth.js';
import { landOnInvite } from './ui/invite.js';
import { mountSidebar, sidebarSkeleton } from './ui/sidebar.js';
import { mountHeader } from './ui/header.js';
import { mountMembersPanel } from './ui/panels.js';
import { quickSwitcher, browseChannels, newDm as pickDm } from './ui/switcher.js';
import { mountChannel } from './ui/channel.js';
import { mountThread } from './ui/thread.js';
import { workspaceActions, channelActions } from './ui/actions.js';
import { setTheme } from './ui/theme.js';
import { mountView } from './ui/views.js';
import { watchExpiry } from './ui/status.js';
import { loadSaved } from './api/marks.js';
import { isView } from './state/views.js';
import { notifyFrame } from './ui/notifications.js';
import { mountSearchView, configureSearch, installSearchKeys } from './ui/search.js';
import { parseSearchUrl, searchPath } from './state/search.js';
import { mountNotes, noteUpdated } from './ui/notes.js';

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
/** Phones show one column: the channel list, or a conversation slid in over it. */
const phone = matchMedia('(max-width: 768px)');
/** @type {Socket | null} */ let socket = null;
/** @type {() => void} */ let unmountChannel = () => {};
/** @type {() => void} */ let unmountSidebar = () => {};
/** @type {() => void} */ let unmountHeader = () => {};
/** @type {(() => void) | null} */ let unmountPanel = null;
/** Which panel is open beside the channel. @type {'members' | 'thread' | 'notes' | 'my-notes' | null} */ let panelKind = null;
/** @type {{header: HTMLElement, channel: HTMLElement, panel: HTMLElement} | null} */ let pane = null;

/** One dispatch for every frame; an unknown type is logged loudly. @param {any} frame */
function onFrame(frame) {
  switch (frame.type) {
    case 'hello': case 'pong': break;
    case 'channel.member_joined':
      learnUser(frame.user_id);
      if (!store.roles.has(frame.user_id) && store.channels.get(frame.channel_id)?.is_default) loadRoles();
      chat.onPersistent(frame);
      break;
    case 'message.created': case 'message.updated': case 'message.deleted':
    case 'channel.member_left': case 'channel.updated': case 'thread.updated':
    case 'reaction.added': case 'reaction.removed': case 'message.pinned': case 'message.unpinned':
      // Decided once the frame is applied: a repeat or one caught up already does not notify twice.
      chat.onPersistent(frame).then((fresh) => { if (fresh) notifyFrame(frame, navigation); });
      break;
    case 'note.updated':
      // In the channel's log like a message (its seq counts); the open notes panel decides the rest.
      chat.onPersistent(frame);
      noteUpdated(frame);
      break;
    case 'member.updated': setRole(frame.workspace_id, frame.user_id, frame.role); break;
    case 'user.updated': putUser(frame.user); break;
    case 'typing': someoneTyped(frame.channel_id, frame.user_id, frame.thread_root_id); break;
    case 'presence': learnUser(frame.user_id); store.presence.set(frame.user_id, frame.status); changed('presence'); break;
    case 'channel.read': markRead(frame.channel_id, frame.seq); break;
    case 'channel.created':
      if (frame.channel.workspace_id === store.workspaceId) putChannel(frame.channel);
      break;
    case 'channel.removed': {
      const known = store.channels.get(frame.channel.id);
      if (!known) break;
      if (known.kind === 'public') store.channels.set(known.id, { ...known, is_member: false });
      else store.channels.delete(known.id);
      changed('channels');
      if (store.channelId === known.id && known.kind !== 'public') openChannel(defaultChannel() ?? '');
      break;
    }
    case 'resync': chat.catchUpAll(); break;
    case 'error': console.warn('server refused a frame', frame); break;
    default: console.error('unknown frame type', frame.type, frame);
  }
}

// The state modules never read the DOM: they are told whether the page is in view.
store.visible = document.visibilityState === 'visible';
document.addEventListener('visibilitychange', () => { store.visible = document.visibilityState === 'visible'; });

// A status that clears or a pause that ends by itself redraws what shows it.
watchExpiry();

// The tab's title shows the unread total, whatever changed it (a frame, a read here or elsewhere).
subscribe((what) => {
  if (what === 'channels' || what === 'all') document.title = title('OComms', totalUnread(store.channels.values()));
});

/** The open workspace's members and their roles (someone new joined `general`: the workspace). */
async function loadRoles() {
  const wid = store.workspaceId;
  const { members } = await get(`/workspaces/${wid}/members`);
  if (wid !== store.workspaceId) return;
  for (const m of members) if (!store.users.has(m.user.id)) store.users.set(m.user.id, m.user);
  store.roles = new Map(members.map((/** @type {any} */ m) => [m.user.id, m.role]));
  changed('members');
}

/** Fetches the profile of someone the client has not met yet (a new member). @param {string} id */
function learnUser(id) {
  if (store.users.has(id)) return;
  get(`/users/${id}`).then(({ user }) => { store.users.set(user.id, user); changed('all'); }, () => {});
}

async function boot() {
  const path = location.pathname;
  const invite = path.match(/^\/invite\/([^/]+)/)?.[1];
  const toAuth = () => showAuth(root, { invite, onDone: (next) => { history.replaceState(null, '', next); boot(); } });
  // After logging out here, asking /me would only log a 401.
  if (loggedOut()) return toAuth();
  try {
    await chat.loadMe();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return toAuth();
    fill(root, h('p', { class: 'fatal' }, 'The server cannot be reached. Retrying…'));
    setTimeout(boot, 3000);
    return;
  }
  if (invite) {
    // Nothing is joined until the user says so; the question is asked over an empty page.
    fill(root, h('main', { class: 'auth' }));
    const wid = await landOnInvite(invite);
    history.replaceState(null, '', wid ? `/w/${wid}` : '/');
  }
  const { workspaces } = await get('/workspaces');
  store.workspaces = workspaces;
  if (workspaces.length === 0) return firstRun();
  // A permalink (/w/…/c/…/m/<id>) is opened by the channel view itself when it mounts.
  const [, wid, cid, view] = location.pathname.match(/^\/w\/([^/]+)(?:\/c\/([^/]+)|\/([a-z]+))?/) ?? [];
  await openWorkspace(workspaces.some((/** @type {any} */ w) => w.id === wid) ? wid : workspaces[0].id, cid, view);
}

/** A new account with no workspace: make one. */
function firstRun() {
  const error = h('p', { class: 'auth__error', role: 'alert' });
  const form = h('form', { class: 'auth__form', onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    const name = String(new FormData(/** @type {HTMLFormElement} */ (e.target)).get('name'));
    try {
      const { workspace } = await post('/workspaces', { name });
      store.workspaces = [workspace];
      await openWorkspace(workspace.id);
    } catch (err) { error.textContent = err instanceof ApiError ? err.message : 'Something went wrong'; }
  } },
  h('h1', { class: 'auth__title' }, 'Create a workspace'),
  h('p', { class: 'auth__note' }, 'A workspace is your team’s home. You can invite people next.'),
  h('label', null, 'Workspace name', h('input', { name: 'name', required: true, maxlength: 80 })),
  error,
  h('button', { class: 'button button--primary', type: 'submit' }, 'Create workspace'));
  fill(root, h('main', { class: 'auth' }, form));
}

/** @param {string} wid @param {string} [cid] @param {string} [view] threads, mentions or saved */
async function openWorkspace(wid, cid, view) {
  const sidebar = h('aside', { class: 'sidebar', id: 'sidebar', 'aria-label': 'Sidebar' });
  const header = h('header', { class: 'pane-header' });
  const channel = h('div', { class: 'channel' });
  const panel = h('div', { class: 'panel-host' });
  const conversation = h('div', { class: 'pane' }, header, channel);
  const main = h('main', { class: 'main' }, conversation, panel);
  pane = { header, channel, panel };
  unmountSidebar();
  render(sidebarSkeleton(), sidebar);
  // Until the channel mounts, the pane shows its shape too (mountChannel replaces it).
  render(html`<span class="pane-header__skeleton"></span>`, header);
  fill(channel, h('div', { class: 'boot__pane', 'aria-busy': 'true', 'aria-label': 'Loading' }, h('span'), h('span'), h('span'), h('span')));
  fill(root, h('div', { class: 'shell' }, sidebar, main));
  swipeBack(main);
  await chat.loadWorkspace(wid);
  await loadRoles();
  loadSaved().catch(() => {});
  chat.loadThreads(wid).catch(() => {});
  render(html``, sidebar);
  unmountSidebar = mountSidebar(sidebar, {
    ...workspaceActions(wid, navigation), open: (id) => openChannel(id), theme: setTheme, switchWorkspace: (id) => switchTo(id),
    browse: () => browseChannels({ join: (id) => chat.join(id), openChannel }), newDm: () => pickDm({ openDm }), view: (kind) => openView(kind),
    myNotes: () => (panelKind === 'my-notes' ? closePanel() : openNotes('personal')), myNotesOpen: () => panelKind === 'my-notes',
    logout: async () => { socket?.stop(); await post('/auth/logout').catch(() => {}); setLoggedOut(true); location.href = '/'; },
  });
  const first = cid && store.channels.has(cid) ? cid : defaultChannel();
  // On a phone the channel list is home; a channel opens when asked for (or linked to).
  if (isView(view)) openView(/** @type {string} */ (view));
  else if (view === 'search' && parseSearchUrl(location.search).q.trim()) { const s = parseSearchUrl(location.search); openSearch(s.q, s.sort); }
  else if (first && (!phone.matches || cid)) openChannel(first);
  else history.replaceState(null, '', `/w/${wid}`);
  if (!socket) {
    socket = new Socket(onFrame, (state) => { store.connection = state; changed('connection'); }, () => chat.catchUpAll());
    socket.connect();
    /** @type {any} */ (window).__ocomms = { socket, store };
  }

}

/** @param {string[]} userIds the other people */
async function openDm(userIds) {
  if (!store.workspaceId) return;
  openChannel((await chat.openDm(store.workspaceId, userIds)).id);
}

/** @returns {string | undefined} */
function defaultChannel() {
  const mine = [...store.channels.values()].filter((c) => c.is_member);
  return (mine.find((c) => c.is_default) ?? mine[0])?.id;
}

/** Leaves the current workspace's views for another's. @param {string} wid */
function switchTo(wid) {
  closePanel();
  unmountChannel();
  unmountChannel = () => {};
  unmountHeader();
  store.channelId = null;
  store.logs.clear();
  store.memberCounts.clear();
  store.channelMembers.clear();
  store.following = new Set();
  store.threadUnread = new Map();
  store.threadTyping.clear();
  openWorkspace(wid);
}

/** @param {string} cid */
function openChannel(cid) {
  if (!cid || !pane) return;
  const { header, channel } = pane;
  const panelWasOpen = panelKind === 'members';
  const notesWereOpen = panelKind === 'notes' || panelKind === 'my-notes' ? panelKind : null;
  closePanel();
  unmountChannel();
  unmountHeader();
  store.channelId = cid;
  document.body.classList.add('pane-open');
  history.replaceState(null, '', `/w/${store.workspaceId}/c/${cid}`);
  changed('channels');
  unmountHeader = mountHeader(header, cid, {
    members: (adding) => (panelKind === 'members' && !adding ? closePanel() : openPanel(cid, adding)),
    panelOpen: () => panelKind === 'members',
    notes: () => (panelKind === 'notes' ? closePanel() : openNotes('channel')), notesOpen: () => panelKind === 'notes',
    leave: () => channelMenu.leave(cid), archive: (archived) => channelMenu.archive(cid, archived), copyLink: () => channelMenu.copyLink(cid),
    back: () => backToList(),
  });
  unmountChannel = mountChannel(channel, cid, (frame) => socket?.send(frame), { openThread: (rootId) => openThread(rootId, cid) });
  if (panelWasOpen && !phone.matches) openPanel(cid);
  if (notesWereOpen && !phone.matches) openNotes(notesWereOpen === 'notes' ? 'channel' : 'personal');
}

/** Shows a view (threads, mentions, saved) in the main pane instead of a channel. @param {string} kind */
function openView(kind) {
  if (!pane || !isView(kind)) return;
  const { header, channel } = pane;
  closePanel();
  unmountChannel();
  unmountHeader();
  unmountHeader = () => {};
  store.channelId = null;
  store.view = kind;
  document.body.classList.add('pane-open');
  history.replaceState(null, '', `/w/${store.workspaceId}/${kind}`);
  const nav = /** @type {any} */ (navigation);
  const teardown = mountView(header, channel, kind, {
    openChannel, back: () => backToList(),
    // The thread panel, once the app has one; until then a thread opens at its root in the channel.
    openThread: typeof nav.openThread === 'function' ? (root, cid) => nav.openThread(root, cid) : undefined,
  });
  // Whatever opens next (a channel, another view, the list) closes the view first.
  unmountChannel = () => { teardown(); store.view = null; changed('view'); };
  changed('view');
  changed('channels');
}

/** Shows a search's results in the main pane (`/w/{wid}/search?q=…`); the box that ran it keeps
 * the focus on a desktop. @param {string} q @param {import('./state/search.js').Sort} [sort] */
function openSearch(q, sort = 'relevance') {
  if (!pane || !store.workspaceId) return;
  const { header, channel } = pane;
  const focusBox = !phone.matches && Boolean(document.activeElement?.closest('.pane-header .search-box'));
  closePanel();
  unmountChannel();
  unmountHeader();
  unmountHeader = () => {};
  store.channelId = null;
  store.view = 'search';
  document.body.classList.add('pane-open');
  history.replaceState(null, '', searchPath(store.workspaceId, { q, sort }));
  const teardown = mountSearchView(header, channel, { q, sort }, { back: () => backToList(), focusBox });
  unmountChannel = () => { teardown(); store.view = null; changed('view'); };
  changed('view');
  changed('channels');
}

/** @param {string} cid @param {boolean} [adding] */
function openPanel(cid, adding = false) {
  if (!pane) return;
  closePanel();
  pane.panel.closest('.main')?.classList.add('main--panel');
  unmountPanel = mountMembersPanel(pane.panel, cid, { close: closePanel, adding });
  panelKind = 'members';
  changed('panel');
}

/** Opens a thread in the panel beside its channel (opening the channel first when another one,
 * or a view, is showing). @param {string} rootId @param {string} cid */
function openThread(rootId, cid) {
  if (!pane || !store.channels.has(cid)) return;
  if (store.channelId !== cid) openChannel(cid);
  closePanel();
  pane.panel.closest('.main')?.classList.add('main--panel');
  unmountPanel = mountThread(pane.panel, cid, rootId, { close: closeThread, sendFrame: (frame) => socket?.send(frame) });
  panelKind = 'thread';
  changed('panel');
}

/** Opens the notes panel: the open channel's note, or one's personal note of the workspace (on a
 * phone with only the list showing, over the default channel). @param {'channel' | 'personal'} kind */
function openNotes(kind) {
  if (!pane || !store.workspaceId) return;
  if (kind === 'personal' && !store.channelId && !store.view) openChannel(defaultChannel() ?? '');
  const cid = store.channelId;
  if (kind === 'channel' && !cid) return;
  closePanel();
  pane.panel.closest('.main')?.classList.add('main--panel');
  const ref = kind === 'channel' ? { kind, channelId: /** @type {string} */ (cid) } : { kind, workspaceId: store.workspaceId };
  // Closing gives the focus back to what opened it (the header's Notes button, the sidebar's My notes).
  const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  unmountPanel = mountNotes(pane.panel, /** @type {import('./api/notes.js').NoteRef} */ (ref), { close: () => { closePanel(); if (opener?.isConnected) opener.focus(); } });
  panelKind = kind === 'channel' ? 'notes' : 'my-notes';
  changed('panel');
}

/** Closes the thread panel and gives the focus back to the channel's composer. */
function closeThread() {
  closePanel();
  /** @type {HTMLElement | null} */ (pane?.channel.querySelector('.composer__input'))?.focus();
}

function closePanel() {
  if (!unmountPanel) return;
  unmountPanel();
  unmountPanel = null;
  panelKind = null;
  pane?.panel.closest('.main')?.classList.remove('main--panel');
  changed('panel');
}

/** Phone: back from a conversation to the channel list. */
function backToList() {
  closePanel();
  unmountChannel();
  unmountChannel = () => {};
  store.channelId = null;
  document.body.classList.remove('pane-open');
  history.replaceState(null, '', `/w/${store.workspaceId}`);
  changed('channels');
  /** @type {HTMLElement | null} */ (document.querySelector('.nav__item'))?.focus();
}

/** Phone: a swipe to the right from the left edge goes back. @param {HTMLElement} el */
function swipeBack(el) {
  /** @type {{x: number, y: number} | null} */ let start = null;
  el.addEventListener('touchstart', (e) => { const t = e.touches[0]; start = t.clientX < 48 ? { x: t.clientX, y: t.clientY } : null; }, { passive: true });
  el.addEventListener('touchend', (e) => {
    const t = e.changedTouches[0];
    if (start && phone.matches && t.clientX - start.x > 80 && Math.abs(t.clientY - start.y) < 60) {
      // The swipe does only this: no click follows on whatever the list shows under the finger.
      e.preventDefault();
      backToList();
    }
    start = null;
  });
}

// Growing from a phone's width to a desktop's with only the list showing: open a channel.
phone.addEventListener('change', () => {
  if (!phone.matches && pane && store.workspaceId && !store.channelId && !store.view) openChannel(defaultChannel() ?? '');
});

/** How the chrome's actions move between views. */
const navigation = { openChannel, switchTo, defaultChannel, openThread };
const channelMenu = channelActions(navigation);
configureSearch({
  openSearch, openChannel, openThread, openDm: (ids) => { openDm(ids); },
  openNote: (cid) => { if (cid) openChannel(cid); openNotes(cid ? 'channel' : 'personal'); },
});
// Ctrl/Cmd+F and `/`: the search box.
installSearchKeys();

// Ctrl/Cmd+K: jump to a channel or person.
document.addEventListener('keydown', (e) => {
  if (!(e.key.toLowerCase() === 'k' && (e.ctrlKey || e.metaKey)) || !store.workspaceId || !pane) return;
  e.preventDefault();
  if (document.querySelector('dialog.picker[open]')) return;
  quickSwitcher({ openChannel, openDm });
});

boot();
