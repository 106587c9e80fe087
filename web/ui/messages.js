// @ts-check
/** The rows of the message pane as lit-html templates, keyed by message id: avatar and name on
 * the first of a group, the time in the gutter of the others, "(edited)", a toolbar on hover and
 * focus, pending and failed sends under one's own name, day separators, the intro and skeletons. */
import { html, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { unsafeHTML } from '../vendor/lit-html/directives/unsafe-html.js';
import { ref } from '../vendor/lit-html/directives/ref.js';
import { store, nameOf } from '../state/store.js';
import { avatarColor, initials } from '../state/avatar.js';
import { decorate } from '../state/html.js';
import { icon } from './icons.js';

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
 *   more: (m: Message, button: HTMLElement) => void, retry: (p: Pending) => void, discard: (p: Pending) => void}} Context
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
  html`<span class="message__avatar" aria-hidden="true" ${paint(userId)}>${initials(nameOf(userId))}</span>`;

/** @param {Message} m @param {boolean} head @param {Context} ctx */
function message(m, head, ctx) {
  const at = new Date(m.created_at);
  const mine = m.author_id === ctx.me;
  const classes = `message${head ? ' message--head' : ''}${m.deleted ? ' message--deleted' : ''}${ctx.highlightId === m.id ? ' message--highlight' : ''}`;
  const body = m.deleted
    ? html`<em class="message__deleted">This message was deleted.</em>`
    : unsafeHTML(decorate(m.html, { emoji: ctx.emoji, me: ctx.me, edited: Boolean(m.edited_at) }));
  return html`<li class=${classes} data-id=${m.id} data-seq=${m.seq} tabindex=${ctx.focusId === m.id ? 0 : -1}>
    <div class="message__gutter">${head ? avatar(m.author_id)
      : html`<time class="message__gutter-time" datetime=${m.created_at} title=${full.format(at)}>${time.format(at)}</time>`}</div>
    <div class="message__main">
      ${head ? html`<div class="message__head"><span class="message__author">${nameOf(m.author_id)}</span>
        <time class="message__time" datetime=${m.created_at} title=${full.format(at)}>${time.format(at)}</time></div>` : nothing}
      <div class="message__body">${body}</div>
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
    ${button('Copy link', 'link', () => ctx.copyLink(m))}
    ${mine ? button('Edit message', 'edit', () => ctx.edit(m)) : nothing}
    ${mine || ctx.admin ? button('Delete message', 'trash', () => ctx.remove(m)) : nothing}
    ${button('More actions', 'more', (e) => ctx.more(m, /** @type {HTMLElement} */ (e.currentTarget)), 'message__action--more')}
  </div>`;
}

/** @param {Pending} p @param {boolean} head @param {Context} ctx */
function pendingRow(p, head, ctx) {
  const at = new Date(p.created_at);
  const failed = p.status === 'failed';
  return html`<li class=${`message message--${p.status}${head ? ' message--head' : ''}`} data-client-id=${p.clientId}>
    <div class="message__gutter">${head ? avatar(ctx.me) : nothing}</div>
    <div class="message__main">
      ${head ? html`<div class="message__head"><span class="message__author">${nameOf(ctx.me)}</span>
        <time class="message__time" datetime=${p.created_at}>${time.format(at)}</time></div>` : nothing}
      <div class="message__body message__body--plain">${p.content}</div>
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
