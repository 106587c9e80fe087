// @ts-check
/** The sidebar: workspace, channels and DMs with unread, mention and presence marks. */
import { h, fill } from './dom.js';
import { store, subscribe, channelLabel } from '../state/store.js';

/**
 * @param {HTMLElement} root
 * @param {{open: (cid: string) => void, newChannel: () => void, browse: () => void, newDm: () => void,
 *   invite: () => void, profile: () => void, theme: () => void, logout: () => void,
 *   switchWorkspace: (wid: string) => void, newWorkspace: () => void}} actions
 * @returns {() => void} teardown
 */
export function mountSidebar(root, actions) {
  const draw = () => {
    const workspace = store.workspaces.find((w) => w.id === store.workspaceId);
    const mine = [...store.channels.values()].filter((c) => c.is_member);
    const channels = mine.filter((c) => c.kind !== 'dm').sort((a, b) => a.name.localeCompare(b.name));
    const dms = mine.filter((c) => c.kind === 'dm');
    /** @param {any} c */
    const item = (c) => {
      const other = c.kind === 'dm' ? c.dm_user_ids.find((/** @type {string} */ id) => id !== store.me?.id) : null;
      const status = other ? store.presence.get(other) ?? 'offline' : null;
      return h('li', null, h('a', {
        class: `nav__item${c.unread_count > 0 ? ' nav__item--unread' : ''}${c.id === store.channelId ? ' nav__item--active' : ''}`,
        href: `/w/${c.workspace_id}/c/${c.id}`, 'aria-current': c.id === store.channelId ? 'page' : null,
        onclick: (/** @type {MouseEvent} */ e) => { e.preventDefault(); actions.open(c.id); },
      },
      status ? h('span', { class: `presence presence--${status}`, role: 'img', 'aria-label': status }) : null,
      h('span', { class: 'nav__label' }, channelLabel(c)),
      c.mention_count > 0 ? h('span', { class: 'badge', 'aria-label': `${c.mention_count} mentions` }, String(c.mention_count)) : null));
    };
    fill(root,
      h('div', { class: 'sidebar__top' },
        store.workspaces.length > 1
          ? h('select', { class: 'sidebar__switcher', 'aria-label': 'Workspace',
            onchange: (/** @type {Event} */ e) => actions.switchWorkspace(/** @type {HTMLSelectElement} */ (e.target).value) },
          ...store.workspaces.map((w) => h('option', { value: w.id, selected: w.id === store.workspaceId }, w.name)))
          : h('strong', { class: 'sidebar__workspace' }, workspace?.name ?? 'OComms'),
        h('button', { class: 'button button--small', onclick: actions.newWorkspace, 'aria-label': 'New workspace' }, '+'),
        h('button', { class: 'button button--small', onclick: actions.invite }, 'Invite')),
      h('nav', { class: 'nav', 'aria-label': 'Channels' },
        h('div', { class: 'nav__section' }, h('span', null, 'Channels'),
          h('button', { class: 'button button--small', onclick: actions.newChannel, 'aria-label': 'New channel' }, '+')),
        h('ul', null, ...channels.map(item)),
        h('button', { class: 'button button--link', onclick: actions.browse }, 'Browse channels'),
        h('div', { class: 'nav__section' }, h('span', null, 'Direct messages'),
          h('button', { class: 'button button--small', onclick: actions.newDm, 'aria-label': 'New message' }, '+')),
        h('ul', null, ...dms.map(item))),
      h('div', { class: 'sidebar__bottom' },
        h('span', { class: 'connection', 'data-state': store.connection },
          store.connection === 'open' ? '' : store.connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'),
        h('button', { class: 'button button--small', onclick: actions.profile }, store.me?.name ?? 'Me'),
        h('button', { class: 'button button--small', onclick: actions.theme, 'aria-label': 'Switch theme' }, '◐'),
        h('button', { class: 'button button--small', onclick: actions.logout }, 'Log out')));
  };
  draw();
  return subscribe((what) => {
    if (['channels', 'presence', 'connection', 'all'].includes(what)) draw();
  });
}
