// @ts-check
/** Notification preferences: a channel's (its level or the workspace default, and mute) from the
 * channel menu, and the workspace default with this browser's switch from the user menu. */
import { h } from './dom.js';
import { put } from '../api/http.js';
import { store, changed } from '../state/store.js';
import { effectiveLevel } from '../state/notify.js';
import { ask, toast } from './dialogs.js';
import { permission, enabled, turnOn, turnOff, workspaceLevel, setWorkspaceLevel } from './notifications.js';

const LEVELS = /** @type {Record<string, [string, string]>} */ ({
  all: ['All new messages', 'Every message in the channel, and replies in threads you follow'],
  mentions: ['Mentions only', 'When someone mentions you, a group you are in, @channel or @here'],
  nothing: ['Nothing', 'No notifications; the sidebar still shows what is unread'],
});
const DM_LEVELS = /** @type {Record<string, [string, string]>} */ ({
  all: ['Every message', 'Each new message in this conversation'],
  nothing: ['Nothing', 'No notifications; the sidebar still shows what is unread'],
});

let radios = 0;

/** How a channel is named in these texts: `#dev`, a private channel's name, or "This conversation".
 * @param {import('../state/unread.js').Channel} c */
const placeName = (c) => (c.kind === 'dm' ? 'This conversation' : c.kind === 'private' ? c.name : `#${c.name}`);

/** A group of radio buttons with a description under each. @param {string} legend @param {string} name
 * @param {[string, string, string][]} options value, label, description @param {string} value */
function radioGroup(legend, name, options, value) {
  return h('fieldset', { class: 'prefs__group' }, h('legend', { class: 'prefs__legend' }, legend),
    ...options.map(([v, label, note]) => {
      const id = `prefs-${++radios}`;
      return h('label', { class: 'prefs__option' },
        h('input', { type: 'radio', name, value: v, checked: v === value, 'aria-describedby': id }),
        h('span', { class: 'prefs__text' }, h('span', { class: 'prefs__label' }, label), h('span', { class: 'prefs__note', id }, note)));
    }));
}

/** The workspace default as words. */
const defaultName = () => LEVELS[effectiveLevel(undefined, workspaceLevel())][0];

/** The channel menu's "Notifications…". @param {string} cid */
export async function channelPreferences(cid) {
  const c = store.channels.get(cid);
  if (!c) return;
  const prefs = c.notifications;
  const current = !prefs || prefs.default || prefs.level === 'default' ? 'default' : prefs.level;
  const dm = c.kind === 'dm';
  const levels = dm ? DM_LEVELS : LEVELS;
  const options = /** @type {[string, string, string][]} */ ([
    ['default', `Default: ${defaultName()}`, 'Follow your workspace preference, set in the menu under your name'],
    ...Object.entries(levels).map(([v, [label, note]]) => [v, label, note]),
  ]);
  const mutedId = `prefs-${++radios}`;
  const mute = h('label', { class: 'prefs__option prefs__option--mute' },
    h('input', { type: 'checkbox', name: 'muted', value: '1', checked: Boolean(prefs?.muted), 'aria-describedby': mutedId }),
    h('span', { class: 'prefs__text' }, h('span', { class: 'prefs__label' }, dm ? 'Mute conversation' : 'Mute channel'),
      h('span', { class: 'prefs__note', id: mutedId }, 'No notifications at all. Dimmed in the sidebar and left out of the unread count; mentions still show a badge.')));
  const title = dm ? 'Notifications for this conversation' : `Notifications for ${placeName(c)}`;
  await ask(title, [radioGroup('Notify me about', 'level', options, dm && current === 'mentions' ? 'all' : current), mute], 'Save', 'Cancel', {
    submit: async (v) => {
      const level = String(v.get('level') ?? 'default');
      const muted = v.get('muted') === '1';
      const { notifications } = await put(`/channels/${cid}/notifications`, { level, muted });
      putNotifications(cid, notifications ?? { level, muted, default: level === 'default' });
      toast(muted ? `${placeName(c)} is muted` : 'Notification preferences saved');
    },
  });
}

/** The channel menu's quick "Mute" / "Unmute". @param {string} cid */
export async function toggleMute(cid) {
  const c = store.channels.get(cid);
  if (!c) return;
  const prefs = c.notifications;
  const level = !prefs || prefs.default ? 'default' : prefs.level;
  const muted = !prefs?.muted;
  try {
    const { notifications } = await put(`/channels/${cid}/notifications`, { level, muted });
    putNotifications(cid, notifications ?? { ...prefs, level, muted });
    toast(muted ? `${placeName(c)} is muted` : `${placeName(c)} is unmuted`);
  } catch {
    toast(muted ? 'Not muted: the server did not take it' : 'Not unmuted: the server did not take it');
  }
}

/** @param {string} cid @param {import('../state/unread.js').Notifications} notifications */
function putNotifications(cid, notifications) {
  const c = store.channels.get(cid);
  if (!c) return;
  store.channels.set(cid, { ...c, notifications });
  changed('channels');
}

/** The user menu's "Notification preferences…": the workspace default and this browser's switch. */
export async function workspacePreferences() {
  const wid = store.workspaceId;
  if (!wid) return;
  const workspace = store.workspaces.find((w) => w.id === wid);
  const current = effectiveLevel(undefined, workspaceLevel());
  const group = radioGroup(`In ${workspace?.name ?? 'this workspace'}, notify me about`, 'level',
    Object.entries(LEVELS).map(([v, [label, note]]) => [v, label, note]), current);
  const p = permission();
  const browserText = p === 'unsupported' ? 'This browser cannot show notifications.'
    : p === 'denied' ? 'Notifications are blocked for this site: allow them in the browser’s site settings, then reload.'
      : enabled() ? 'Desktop notifications are on in this browser.' : 'Desktop notifications are off in this browser.';
  const toggle = p === 'default' || p === 'granted'
    ? h('button', { type: 'button', class: 'button', onclick: async (/** @type {Event} */ e) => {
      const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
      if (enabled()) turnOff(); else await turnOn();
      note.textContent = enabled() ? 'Desktop notifications are on in this browser.' : 'Desktop notifications are off in this browser.';
      button.textContent = enabled() ? 'Turn off' : 'Turn on';
    } }, enabled() ? 'Turn off' : 'Turn on')
    : null;
  const note = h('p', { class: 'prefs__browser-text' }, browserText);
  const browser = h('div', { class: 'prefs__browser' }, note, toggle);
  await ask('Notification preferences', [group,
    h('p', { class: 'dialog__note prefs__footnote' }, 'Direct messages always notify unless muted. Each channel can differ: use “Notifications…” in its menu.'),
    browser], 'Save', 'Cancel', {
    submit: async (v) => {
      const level = String(v.get('level'));
      const { notifications } = await put(`/workspaces/${wid}/notifications`, { level });
      setWorkspaceLevel(notifications?.level ?? level);
      toast('Notification preferences saved');
    },
  });
}
