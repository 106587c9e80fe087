// @ts-check
/** Browser notifications: the bar that offers them (permission is only ever asked from a click,
 * never on load), the user menu's switch, and a notification for each new message that
 * state/notify.js says deserves one; clicking it opens the message. */
import { html, svg, nothing } from '../vendor/lit-html/lit-html.js';
import { store, changed, nameOf, channelLabel } from '../state/store.js';
import { decide } from '../state/notify.js';
import { emojify } from '../state/emoji.js';
import { decorate } from '../state/html.js';
import { get } from '../api/http.js';
import { emojiTable } from './emoji.js';
import { focusMessage } from './channel.js';
import { toast } from './dialogs.js';

/** localStorage keys: notifications switched off here; the offer bar dismissed. */
const OFF_KEY = 'ocomms.notifications.off';
const DISMISSED_KEY = 'ocomms.notifications.offer-dismissed';

/**
 * How a notification's click moves the app (app.js's navigation; `openThread` once threads exist).
 * @typedef {{openChannel: (cid: string) => void, openThread?: (rootId: string, cid: string) => void}} Navigation
 */

/** Whether this browser can show notifications at all. */
const supported = () => typeof Notification === 'function';
/** 'default' | 'granted' | 'denied', or 'unsupported'. */
export const permission = () => (supported() ? Notification.permission : 'unsupported');
const stored = (/** @type {string} */ key) => { try { return localStorage.getItem(key) === '1'; } catch { return false; } };
const store1 = (/** @type {string} */ key, /** @type {boolean} */ on) => { try { if (on) localStorage.setItem(key, '1'); else localStorage.removeItem(key); } catch { /* private mode */ } };

/** Whether notifications are shown now: permitted, and not switched off here. */
export const enabled = () => permission() === 'granted' && !stored(OFF_KEY);

/** Asks the browser (from a click) and remembers the answer. */
export async function turnOn() {
  store1(OFF_KEY, false);
  if (permission() === 'default') await Notification.requestPermission().catch(() => 'default');
  changed('notify');
  if (permission() === 'granted') toast('Notifications are on for DMs and mentions');
  else if (permission() === 'denied') toast('Notifications are blocked: allow them in the browser’s site settings');
}

export function turnOff() {
  store1(OFF_KEY, true);
  changed('notify');
  toast('Notifications are off in this browser');
}

/** The offer at the top of the sidebar, while the browser has not been asked. */
export function notifyBar() {
  workspaceLevel();
  if (permission() !== 'default' || stored(DISMISSED_KEY)) return nothing;
  const dismiss = () => { store1(DISMISSED_KEY, true); changed('notify'); };
  return html`<div class="notify-bar" role="region" aria-label="Notifications">
    <span class="notify-bar__icon" aria-hidden="true">${bell}</span>
    <p class="notify-bar__text">Get notified of DMs and mentions</p>
    <button type="button" class="notify-bar__on" @click=${turnOn}>Turn on</button>
    <button type="button" class="notify-bar__close" aria-label="Not now" title="Not now" @click=${dismiss}>×</button>
  </div>`;
}

/** The user menu's entries: the switch for this browser, and the workspace's preferences.
 * @param {() => void} preferences opens the preferences dialog
 * @returns {import('./menus.js').MenuEntry[]} */
export function notifyMenuEntries(preferences) {
  const p = permission();
  /** @type {import('./menus.js').MenuEntry[]} */
  const entries = [];
  if (p === 'unsupported') entries.push({ label: 'Not available in this browser', run: preferences });
  else if (p === 'denied') entries.push({ label: 'Blocked in this browser', hint: 'Site settings', run: preferences });
  else entries.push({ label: 'Desktop notifications', checked: enabled(), run: () => (enabled() ? turnOff() : turnOn()) });
  entries.push({ label: 'Notification preferences…', run: preferences });
  return entries;
}

/** The reader's workspace default level, as the server said (null until known or if it cannot say). */
let workspaceDefault = /** @type {{wid: string, level: string | null} | null} */ (null);

/** The open workspace's default level, fetched once per workspace. @returns {string | null} */
export function workspaceLevel() {
  const wid = store.workspaceId;
  if (!wid) return null;
  if (workspaceDefault?.wid !== wid) {
    workspaceDefault = { wid, level: null };
    get(`/workspaces/${wid}/notifications`).then(({ notifications }) => {
      if (workspaceDefault?.wid === wid) { workspaceDefault = { wid, level: notifications?.level ?? null }; changed('notify'); }
    }, () => {});
  }
  return workspaceDefault.level;
}

/** After a change of the default here. @param {string} level */
export function setWorkspaceLevel(level) {
  if (store.workspaceId) workspaceDefault = { wid: store.workspaceId, level };
  changed('notify');
}

/** A socket frame: a new message may become a notification. @param {any} frame @param {Navigation} nav */
export function notifyFrame(frame, nav) {
  if (frame.type !== 'message.created' || !frame.message || !enabled()) return;
  const message = frame.message;
  const channel = store.channels.get(message.channel_id ?? frame.channel_id);
  const me = store.me;
  if (!channel || !channel.is_member || !me) return;
  const verdict = decide({
    // The body names people as the pills do: `@Ben Kim`, not the handle typed.
    message: { ...message, channel_id: channel.id, html: message.html && decorate(message.html, { emoji: null, me: '', edited: false, nameOf: (id) => store.users.get(id)?.name }) },
    channel,
    me: /** @type {any} */ (me),
    workspaceLevel: workspaceLevel(),
    // The followed threads are loaded with the workspace and kept current (an unfollow holds).
    following: Boolean(message.thread_root_id && store.following.has(message.thread_root_id)),
    view: { visible: document.visibilityState === 'visible', channelId: store.channelId, threadId: store.thread?.rootId ?? null },
    now: Date.now(),
    author: nameOf(message.author_id),
    where: channel.kind === 'dm' ? channelLabel(channel) : `#${channel.name}`,
  });
  if (!verdict.notify) return;
  const table = emojiTable();
  let shown;
  try {
    shown = new Notification(verdict.title, { body: table ? emojify(verdict.body, table) : verdict.body, tag: message.id, icon: '/icon-192.png' });
  } catch {
    return; // Some browsers allow notifications only from a service worker.
  }
  shown.onclick = () => {
    window.focus();
    shown.close();
    open(nav, channel.id, message.id, message.thread_root_id);
  };
}

/** Opens a message: its channel, then the message highlighted (a reply: its thread).
 * @param {Navigation} nav @param {string} cid @param {string} mid @param {string | null} rootId */
function open(nav, cid, mid, rootId) {
  if (!store.channels.has(cid)) return;
  if (rootId && nav.openThread) { nav.openThread(rootId, cid); return; }
  if (store.channelId !== cid || !document.querySelector('.messages')) nav.openChannel(cid);
  focusMessage(rootId ?? mid);
}

const strokes = (/** @type {import('../vendor/lit-html/lit-html.js').SVGTemplateResult} */ paths, size = 16, cls = 'icon') => html`<svg class=${cls} viewBox="0 0 16 16"
  width=${size} height=${size} aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;
const bellPath = svg`<path d="M4 11V7a4 4 0 018 0v4l1.2 1.5H2.8z"/><path d="M6.6 14a1.5 1.5 0 002.8 0"/>`;
const bell = strokes(bellPath);
/** A crossed-out bell: the mark of a muted channel. */
export const mutedIcon = strokes(svg`${bellPath}<path d="M2 2l12 12"/>`, 14, 'muted-icon');
