// @ts-check
/** The OComms web client: routes, the socket and its one event dispatch, and the shell. */
import { h, fill } from './ui/dom.js';
import { get, post, patch, ApiError } from './api/http.js';
import { Socket } from './api/socket.js';
import * as chat from './api/chat.js';
import { store, changed, subscribe, putChannel, markRead, someoneTyped } from './state/store.js';
import { totalUnread, title } from './state/unread.js';
import { showAuth } from './ui/auth.js';
import { landOnInvite } from './ui/invite.js';
import { mountSidebar } from './ui/sidebar.js';
import { mountChannel } from './ui/channel.js';
import { ask, field, choice, checks, show } from './ui/dialogs.js';
import { toggleTheme } from './ui/theme.js';

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
/** @type {Socket | null} */ let socket = null;
/** @type {() => void} */ let unmountChannel = () => {};
/** @type {() => void} */ let unmountSidebar = () => {};

/** One dispatch for every frame; an unknown type is logged loudly. @param {any} frame */
function onFrame(frame) {
  switch (frame.type) {
    case 'hello': case 'pong': break;
    case 'channel.member_joined':
      learnUser(frame.user_id);
      chat.onPersistent(frame);
      break;
    case 'message.created': case 'message.updated': case 'message.deleted':
    case 'channel.member_left': case 'channel.updated': case 'thread.updated':
      chat.onPersistent(frame);
      break;
    case 'member.updated': {
      const ws = store.workspaces.find((w) => w.id === frame.workspace_id);
      if (ws && frame.user_id === store.me?.id) { ws.role = frame.role; changed('all'); }
      break;
    }
    case 'user.updated': {
      const known = store.users.get(frame.user.id);
      store.users.set(frame.user.id, { ...known, ...frame.user });
      if (frame.user.id === store.me?.id && store.me) store.me = { ...store.me, ...frame.user };
      changed('all');
      break;
    }
    case 'typing': someoneTyped(frame.channel_id, frame.user_id); break;
    case 'presence': learnUser(frame.user_id); store.presence.set(frame.user_id, frame.status); changed('presence'); break;
    case 'channel.read': markRead(frame.channel_id, frame.seq); break;
    case 'channel.created':
      if (frame.channel.workspace_id === store.workspaceId) putChannel(frame.channel);
      break;
    case 'channel.removed': {
      const known = store.channels.get(frame.channel.id);
      if (known) { store.channels.set(known.id, { ...known, is_member: false }); changed('channels'); }
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

// The tab's title shows the unread total, whatever changed it (a frame, a read here or elsewhere).
subscribe((what) => {
  if (what === 'channels' || what === 'all') document.title = title('OComms', totalUnread(store.channels.values()));
});

/** Fetches the profile of someone the client has not met yet (a new member). @param {string} id */
function learnUser(id) {
  if (store.users.has(id)) return;
  get(`/users/${id}`).then(({ user }) => { store.users.set(user.id, user); changed('all'); }, () => {});
}

async function boot() {
  const path = location.pathname;
  const invite = path.match(/^\/invite\/([^/]+)/)?.[1];
  try {
    await chat.loadMe();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showAuth(root, { invite, onDone: (next) => { history.replaceState(null, '', next); boot(); } });
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
  const [, wid, cid] = location.pathname.match(/^\/w\/([^/]+)(?:\/c\/([^/]+))?/) ?? [];
  await openWorkspace(workspaces.some((/** @type {any} */ w) => w.id === wid) ? wid : workspaces[0].id, cid);
}

/** A new account with no workspace: make one. */
function firstRun() {
  const form = h('form', { class: 'auth__form', onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    const name = String(new FormData(/** @type {HTMLFormElement} */ (e.target)).get('name'));
    const { workspace } = await post('/workspaces', { name });
    store.workspaces = [workspace];
    await openWorkspace(workspace.id);
  } },
  h('h1', { class: 'auth__title' }, 'Create a workspace'),
  h('p', { class: 'auth__note' }, 'A workspace is your team’s home. You can invite people next.'),
  h('label', null, 'Workspace name', h('input', { name: 'name', required: true, maxlength: 80 })),
  h('button', { class: 'button button--primary', type: 'submit' }, 'Create workspace'));
  fill(root, h('main', { class: 'auth' }, form));
}

/** @param {string} wid @param {string} [cid] */
async function openWorkspace(wid, cid) {
  await chat.loadWorkspace(wid);
  const sidebar = h('aside', { class: 'sidebar', id: 'sidebar' });
  const main = h('main', { class: 'channel' });
  const menu = h('button', { class: 'button menu', 'aria-label': 'Open the channel list', 'aria-controls': 'sidebar',
    onclick: () => document.body.classList.toggle('drawer-open') }, '☰');
  fill(root, h('div', { class: 'shell' }, menu, sidebar, main));
  unmountSidebar();
  unmountSidebar = mountSidebar(sidebar, {
    open: (id) => openChannel(main, id), newChannel, browse, newDm, invite, profile, theme: toggleTheme,
    switchWorkspace: (id) => switchTo(id),
    newWorkspace: async () => {
      const values = await ask('New workspace', [field('Name', 'name', { required: true, maxlength: 80 })], 'Create');
      if (!values) return;
      const { workspace } = await post('/workspaces', { name: values.get('name') });
      store.workspaces = [...store.workspaces, workspace];
      switchTo(workspace.id);
    },
    logout: async () => { socket?.stop(); await post('/auth/logout').catch(() => {}); location.href = '/'; },
  });
  const general = [...store.channels.values()].find((c) => c.is_default);
  const first = cid && store.channels.has(cid) ? cid : general?.id ?? [...store.channels.keys()][0];
  if (first) openChannel(main, first);
  if (!socket) {
    socket = new Socket(onFrame, (state) => { store.connection = state; changed('connection'); }, () => chat.catchUpAll());
    socket.connect();
    /** @type {any} */ (window).__ocomms = { socket, store };
  }

  async function newChannel() {
    const values = await ask('New channel', [field('Name', 'name', { required: true, pattern: '[a-z0-9_-]{1,80}' }),
      choice('Visibility', 'kind', [['public', 'Public: anyone in the workspace'], ['private', 'Private: invited people']])], 'Create');
    if (!values) return;
    const channel = await chat.createChannel(wid, String(values.get('name')), /** @type {any} */ (values.get('kind'))).catch((e) => alert(e.message));
    if (channel) openChannel(main, channel.id);
  }
  async function browse() {
    const { channels } = await get(`/workspaces/${wid}/channels`);
    const open = channels.filter((/** @type {any} */ c) => c.kind === 'public' && !c.is_member);
    const values = await ask('Browse channels', [choice('Channel', 'id', open.map((/** @type {any} */ c) => [c.id, `# ${c.name}`]))], 'Join');
    const id = values?.get('id');
    if (id) { await chat.join(String(id)); openChannel(main, String(id)); }
  }
  async function newDm() {
    const others = [...store.users.values()].filter((u) => u.id !== store.me?.id);
    const values = await ask('New message', [checks('To (up to 8 people)', 'user', others.map((u) => [u.id, u.name]))], 'Open');
    const people = values?.getAll('user').map(String) ?? [];
    if (people.length) openChannel(main, (await chat.openDm(wid, people).catch((e) => { alert(e.message); return { id: '' }; })).id);
  }
  async function invite() {
    const { invite } = await post(`/workspaces/${wid}/invites`, {});
    await show('Invite people', `${location.origin}/invite/${invite.code}`);
  }
  async function profile() {
    const me = store.me;
    const values = await ask('Your profile', [field('Display name', 'name', { value: me?.name ?? '', required: true }),
      field('Status', 'status_text', { value: me?.status_text ?? '', maxlength: 100 })], 'Save');
    if (values) {
      const { user } = await patch('/me', Object.fromEntries(values));
      store.me = user;
      store.users.set(user.id, user);
      changed('all');
    }
  }
}

/** Leaves the current workspace's views for another's. @param {string} wid */
function switchTo(wid) {
  unmountChannel();
  unmountChannel = () => {};
  store.channelId = null;
  store.logs.clear();
  store.memberCounts.clear();
  openWorkspace(wid);
}

/** @param {HTMLElement} main @param {string} cid */
function openChannel(main, cid) {
  if (!cid) return;
  unmountChannel();
  store.channelId = cid;
  document.body.classList.remove('drawer-open');
  history.replaceState(null, '', `/w/${store.workspaceId}/c/${cid}`);
  changed('channels');
  unmountChannel = mountChannel(main, cid, (frame) => socket?.send(frame));
}

// Ctrl/Cmd+K: jump to a channel by name.
document.addEventListener('keydown', async (e) => {
  if (!(e.key === 'k' && (e.ctrlKey || e.metaKey)) || !store.workspaceId) return;
  e.preventDefault();
  const mine = [...store.channels.values()].filter((c) => c.is_member);
  const values = await ask('Jump to…', [choice('Channel', 'id', mine.map((c) => [c.id, c.kind === 'dm' ? 'DM' : `# ${c.name}`]))], 'Go');
  const main = /** @type {HTMLElement | null} */ (document.querySelector('main.channel'));
  const id = values?.get('id');
  if (id && main) openChannel(main, String(id));
});

boot();
