// @ts-check
/** The rows of the message pane as lit-html templates, keyed by message id: avatar and name on
 * the first of a group, the time in the gutter of the others, "(edited)", the files under the
 * text (ui/attachments.js), a toolbar on hover and focus, pending and failed sends under one's
 * own name, day separators, the intro and skeletons. */
import { html, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { unsafeHTML } from '../vendor/lit-html/directives/unsafe-html.js';
import { ref } from '../vendor/lit-html/directives/ref.js';
import { store, nameOf } from '../state/store.js';
import { avatarColor, initials } from '../state/avatar.js';
import { decorate } from '../state/html.js';
import { isPinned } from '../state/marks.js';
import { icon } from './icons.js';
import { repliesLabel } from '../state/threads.js';
import { statusEmoji, photo } from './people.js';
import { attachmentList } from './attachments.js';
import { reactionChips } from './reactions.js';

const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

/**
 * @typedef {import('../state/rows.js').Row} Row
 * @typedef {import('../state/messages.js').Message} Message
 * @typedef {import('../state/messages.js').Pending} Pending
 * @typedef {{me: string, admin: boolean, focusId: string, highlightId: string,
 *   emoji: Record<string, string> | null,
 *   edit: (m: Message) => void, remove: (m: Message) => void, copyLink: (m: Message) => void,
 *   more: (m: Message, button: HTMLElement) => void, retry: (p: Pending) => void, discard: (p: Pending) => void,
 *   pin?: (m: Message, pinned: boolean) => void, save?: (m: Message, saved: boolean) => void,
 *   react?: (m: Message, emoji: string) => void, addReaction?: (m: Message, anchor: HTMLElement) => void,
 *   openThread?: (rootId: string) => void}} Context `openThread`: set where replies may be opened (the channel, not a thread)
 */

/** @param {Row[]} rows @param {Context} ctx */
export function messageRows(rows, ctx) {
  return repeat(rows, (r) => r.key, (r) => row(r, ctx));
}

/** @param {Row} r @param {Context} ctx */
function row(r, ctx) {
  if (r.kind === 'day') return html`<li class="day" role="separator"><span class="day__label">${dayLabel.format(r.at)}</span></li>`;
  if (r.kind === 'new') return html`<li class="new-line" role="separator"><span class="new-line__label">New</span></li>`;
  if (r.kind === 'pending') return pendingRow(r.pending, r.head, ctx);
  return message(r.message, r.head, ctx);
}

/** The avatar's colour is set through the CSSOM: the page's CSP forbids style attributes. */
const paint = (/** @type {string} */ userId) => ref((el) => {
  if (el instanceof HTMLElement) el.style.setProperty('--avatar-bg', avatarColor(userId));
});

/** @param {string} userId */
export const avatar = (userId) =>
  html`<span class="message__avatar" aria-hidden="true" ${paint(userId)}>${initials(nameOf(userId))}${photo(userId, 36)}</span>`;

/** @param {Message} m @param {boolean} head @param {Context} ctx */
function message(m, head, ctx) {
  const at = new Date(m.created_at);
  const mine = m.author_id === ctx.me;
  const pinned = !m.deleted && isPinned(m, store.pins.get(m.channel_id));
  const classes = `message${head ? ' message--head' : ''}${m.deleted ? ' message--deleted' : ''}${ctx.highlightId === m.id ? ' message--highlight' : ''}${pinned ? ' message--pinned' : ''}`;
  const files = m.deleted ? [] : m.attachments ?? [];
  // Files sent without words: no empty line of text above them.
  const textless = files.length > 0 && !(m.content ?? '').trim() && !m.edited_at;
  const body = m.deleted
    ? html`<em class="message__deleted">This message was deleted.</em>`
    : unsafeHTML(decorate(m.html, { emoji: ctx.emoji, me: ctx.me, edited: Boolean(m.edited_at), history: mine || ctx.admin, nameOf: (id) => store.users.get(id)?.name }));
  return html`<li class=${classes} data-id=${m.id} data-seq=${m.seq} tabindex=${ctx.focusId === m.id ? 0 : -1}>
    <div class="message__gutter">${head ? avatar(m.author_id)
      : html`<time class="message__gutter-time" datetime=${m.created_at} title=${full.format(at)}>${time.format(at)}</time>`}</div>
    <div class="message__main">
      ${pinned ? html`<p class="message__pinned"><span aria-hidden="true">📌</span> Pinned</p>` : nothing}
      ${head ? html`<div class="message__head"><span class="message__author">${nameOf(m.author_id)}</span>${statusEmoji(m.author_id)}
        <time class="message__time" datetime=${m.created_at} title=${full.format(at)}>${time.format(at)}</time></div>` : nothing}
      ${m.thread_root_id && ctx.openThread ? html`<button type="button" class="message__in-thread" tabindex="-1"
        @click=${() => ctx.openThread?.(/** @type {string} */ (m.thread_root_id))}>Replied to a thread</button>` : nothing}
      ${textless ? nothing : html`<div class="message__body">${body}</div>`}
      ${files.length ? attachmentList(files, { focusable: ctx.focusId === m.id }) : nothing}
      ${m.deleted ? nothing : reactionChips(m, ctx)}
      ${m.reply_count > 0 && ctx.openThread ? threadSummary(m, ctx.openThread, ctx.focusId === m.id) : nothing}
    </div>
    ${m.deleted ? nothing : toolbar(m, mine, ctx)}
  </li>`;
}

/** @param {Message} m @param {boolean} mine @param {Context} ctx */
function toolbar(m, mine, ctx) {
  const button = (/** @type {string} */ label, /** @type {string} */ name, /** @type {(e: Event) => void} */ run, extra = '') =>
    html`<button type="button" class=${`message__action ${extra}`} aria-label=${label} data-tip=${label} tabindex="-1"
      @click=${run}>${icon(name)}</button>`;
  return html`<div class="message__actions" role="toolbar" aria-label="Message actions">
    ${ctx.addReaction ? button('Add reaction', 'reaction', (e) => ctx.addReaction?.(m, /** @type {HTMLElement} */ (e.currentTarget))) : nothing}
    ${ctx.openThread && !m.thread_root_id ? button('Reply in thread', 'threads', () => ctx.openThread?.(m.id)) : nothing}
    ${button('Copy link', 'link', () => ctx.copyLink(m))}
    ${mine ? button('Edit message', 'edit', () => ctx.edit(m)) : nothing}
    ${mine || ctx.admin ? button('Delete message', 'trash', () => ctx.remove(m)) : nothing}
    ${ctx.save ? saveButton(m, ctx.save) : nothing}
    ${ctx.pin ? pinButton(m, ctx.pin) : nothing}
    ${button('More actions', 'more', (e) => ctx.more(m, /** @type {HTMLElement} */ (e.currentTarget)), 'message__action--more')}
  </div>`;
}

/** Under a thread's root: who took part, how many replies, when the last came; opens the thread.
 * @param {Message} m @param {(rootId: string) => void} open @param {boolean} focused the row holds the list's tab stop */
function threadSummary(m, open, focused) {
  const people = (m.reply_user_ids ?? []).slice(0, 3);
  const unread = store.threadUnread.get(m.id) ?? 0;
  const last = m.last_reply_at ? new Date(m.last_reply_at) : null;
  return html`<button type="button" class=${`thread-summary${unread ? ' thread-summary--unread' : ''}`} tabindex=${focused ? 0 : -1}
      aria-label=${`${repliesLabel(m.reply_count)}${unread ? `, ${unread} unread` : ''}. Open thread`} @click=${() => open(m.id)}>
    <span class="thread-summary__people" aria-hidden="true">${people.map((id) => smallAvatar(id))}</span>
    <span class="thread-summary__count">${repliesLabel(m.reply_count)}</span>
    ${last ? html`<span class="thread-summary__last">Last reply ${ago(last)}</span>` : nothing}
    <span class="thread-summary__view" aria-hidden="true">View thread</span>
  </button>`;
}

/** A 20 px avatar for the thread summary. @param {string} userId */
const smallAvatar = (userId) => html`<span class="thread-summary__avatar" ${paint(userId)}>${[...initials(nameOf(userId))][0] ?? ''}${photo(userId, 20)}</span>`;

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** "5 minutes ago", "yesterday", or the date. @param {Date} at */
export function ago(at, now = Date.now()) {
  const s = Math.round((at.getTime() - now) / 1000);
  if (s > -60) return 'just now';
  if (s > -3600) return relative.format(Math.round(s / 60), 'minute');
  if (s > -86400) return relative.format(Math.round(s / 3600), 'hour');
  if (s > -7 * 86400) return relative.format(Math.round(s / 86400), 'day');
  return at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** The toolbar's bookmark: saved messages show it filled. @param {Message} m @param {(m: Message, saved: boolean) => void} save */
function saveButton(m, save) {
  const saved = (store.saved ?? []).includes(m.id);
  const label = saved ? 'Remove from saved' : 'Save for later';
  return html`<button type="button" class="message__action${saved ? ' message__action--on' : ''}" aria-label=${label} data-tip=${label}
    aria-pressed=${String(saved)} tabindex="-1" @click=${() => save(m, !saved)}>${icon(saved ? 'bookmarkFilled' : 'bookmark')}</button>`;
}

/** @param {Message} m @param {(m: Message, pinned: boolean) => void} pin */
function pinButton(m, pin) {
  const pinned = isPinned(m, store.pins.get(m.channel_id));
  const label = pinned ? 'Unpin from channel' : 'Pin to channel';
  return html`<button type="button" class="message__action${pinned ? ' message__action--on' : ''}" aria-label=${label} data-tip=${label}
    aria-pressed=${String(pinned)} tabindex="-1" @click=${() => pin(m, !pinned)}>${icon('pin')}</button>`;
}

/** @param {Pending} p @param {boolean} head @param {Context} ctx */
function pendingRow(p, head, ctx) {
  const at = new Date(p.created_at);
  const failed = p.status === 'failed';
  const files = /** @type {{attachments?: import('../state/files.js').FileInfo[]}} */ (p).attachments ?? [];
  return html`<li class=${`message message--${p.status}${head ? ' message--head' : ''}`} data-client-id=${p.clientId}>
    <div class="message__gutter">${head ? avatar(ctx.me) : nothing}</div>
    <div class="message__main">
      ${head ? html`<div class="message__head"><span class="message__author">${nameOf(ctx.me)}</span>
        <time class="message__time" datetime=${p.created_at}>${time.format(at)}</time></div>` : nothing}
      ${files.length && !(p.content ?? '').trim() ? nothing : html`<div class="message__body message__body--plain">${p.content}</div>`}
      ${files.length ? attachmentList(files, { pending: true, focusable: false }) : nothing}
      ${failed
        ? html`<p class="message__failure" role="alert">${icon('alert')}<span>Not sent: ${p.reason || 'unknown error'}.</span>
            <button type="button" class="message__link" @click=${() => ctx.retry(p)}>Retry</button>
            <button type="button" class="message__link" @click=${() => ctx.discard(p)}>Delete</button></p>`
        : html`<p class="message__sending">${icon('clock')}<span>Sending…</span></p>`}
    </div>
  </li>`;
}

/** Placeholder rows while a channel loads. */
export const skeleton = () => html`${[0, 1, 2, 3, 4, 5].map((i) => html`<li class="skeleton" aria-hidden="true">
  <span class="skeleton__avatar"></span><span class="skeleton__lines">
    <span class="skeleton__line skeleton__line--short"></span><span class=${`skeleton__line skeleton__line--${i % 3}`}></span></span></li>`)}`;

/** The top of a channel whose whole history is loaded.
 * @param {import('../state/unread.js').Channel & {topic?: string}} channel @param {string} label */
export function intro(channel, label) {
  const dm = channel.kind === 'dm';
  return html`<li class="intro">
    <p class="intro__title">${dm ? `This is the very beginning of your conversation with ${label}`
      : html`This is the very beginning of <strong class="intro__name">${channel.kind === 'private' ? icon('lock') : '#'}${channel.name}</strong>`}</p>
    ${!dm && channel.created_by ? html`<p class="intro__meta">${nameOf(channel.created_by)} created this channel on ${longDate(channel.created_at)}.</p>` : nothing}
    ${channel.topic ? html`<p class="intro__topic">${channel.topic}</p>` : nothing}
    ${dm ? nothing : html`<p class="intro__note">${channel.kind === 'private'
      ? 'A private channel: only invited people can see it.'
      : 'Everyone in the workspace can find and join this channel.'}</p>`}
  </li>`;
}

/** "1 December 2026", in the reader's locale. @param {string | undefined} at */
function longDate(at) {
  const d = at ? new Date(at) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' }) : 'an unknown day';
}

/** Whether the user is an admin of the open workspace (may delete anyone's message). */
export function isAdmin() {
  const role = store.workspaces.find((w) => w.id === store.workspaceId)?.role;
  return role === 'owner' || role === 'admin';
}
