// @ts-check
/** The views the main pane shows instead of a channel: Threads (the threads one follows, unread
 * first), Mentions (messages that mention one, newest first, paged) and Saved (one's saved
 * messages of this workspace). Each item names its channel and author and opens the message
 * where it lives. Loading, empty and error states are drawn; on a phone the view is a full screen
 * with the back button, like a channel. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { unsafeHTML } from '../vendor/lit-html/directives/unsafe-html.js';
import { store, subscribe, nameOf, channelLabel } from '../state/store.js';
import { decorate } from '../state/html.js';
import { mayHaveShortcode } from '../state/emoji.js';
import { VIEW_TITLES, savedHere, appendPage, threadOrder, whenText, repliesText } from '../state/views.js';
import { get, ApiError } from '../api/http.js';
import { loadSaved, setSaved } from '../api/marks.js';
import { avatar, statusEmoji } from './people.js';
import { attachmentList } from './attachments.js';
import { emojiTable, loadEmoji } from './emoji.js';
import { icon } from './icons.js';
import { lock } from './sidebar.js';
import { focusMessage } from './channel.js';

/**
 * @typedef {import('../state/messages.js').Message} Message
 * @typedef {import('../state/views.js').ThreadItem} ThreadItem
 * @typedef {{openChannel: (cid: string) => void, openThread?: (rootId: string, cid: string) => void, back: () => void}} ViewNavigation
 */

const EMPTY = /** @type {Record<string, [string, string]>} */ ({
  threads: ['No threads yet', 'Threads you start, reply to or are mentioned in show up here, with new replies on top.'],
  mentions: ['No mentions yet', 'When someone mentions you, @channel or a group you are in, you will find it here.'],
  saved: ['Nothing saved', 'Save a message for later from its “⋯” menu or the bookmark on its toolbar; it waits for you here.'],
});

const GLYPH = /** @type {Record<string, string>} */ ({ threads: 'threads', mentions: 'at', saved: 'bookmark' });

/** How many mentions a page holds. */
const PAGE = 50;

/**
 * Mounts view `kind` into the pane's header and body; returns its teardown.
 * @param {HTMLElement} header @param {HTMLElement} pane @param {string} kind @param {ViewNavigation} nav
 * @returns {() => void}
 */
export function mountView(header, pane, kind, nav) {
  // Drawn into an element of its own: the channel view replaces the pane's children wholesale.
  const body = document.createElement('div');
  body.className = 'view';
  pane.replaceChildren(body);
  const wid = store.workspaceId;
  /** @type {Message[]} */ let messages = [];
  /** @type {ThreadItem[]} */ let threads = [];
  let loaded = false;
  let loadingMore = false;
  let hasMore = false;
  let error = '';
  let alive = true;
  const me = store.me?.id ?? '';

  const load = async () => {
    error = '';
    try {
      if (kind === 'threads') threads = threadOrder((await get(`/workspaces/${wid}/threads`)).threads ?? []);
      else if (kind === 'mentions') {
        const page = await get(`/workspaces/${wid}/mentions?limit=${PAGE}`);
        messages = page.messages;
        hasMore = page.has_more;
      } else messages = await loadSaved();
    } catch (e) {
      error = e instanceof ApiError && e.status === 404 ? 'This view is not available on this server yet.'
        : e instanceof ApiError && e.status !== 0 ? `Could not load: ${e.message}.` : 'The server cannot be reached.';
    }
    loaded = true;
    if (alive) draw();
  };
  const more = async () => {
    const last = messages.at(-1);
    if (!last || loadingMore) return;
    loadingMore = true;
    draw();
    try {
      const page = await get(`/workspaces/${wid}/mentions?limit=${PAGE}&before=${encodeURIComponent(last.id)}`);
      messages = appendPage(messages, page.messages);
      hasMore = page.has_more;
    } catch {
      error = 'More mentions could not be loaded.';
    }
    loadingMore = false;
    if (alive) draw();
  };

  /** Opens a message in its channel (a thread reply: in its thread, or at its root). @param {Message} m */
  const open = (m) => {
    const root = m.thread_root_id;
    if (root && nav.openThread) { nav.openThread(root, m.channel_id); return; }
    nav.openChannel(m.channel_id);
    focusMessage(root ?? m.id);
  };
  /** @param {ThreadItem} t */
  const openThread = (t) => {
    if (nav.openThread) nav.openThread(t.root.id, t.root.channel_id);
    else { nav.openChannel(t.root.channel_id); focusMessage(t.root.id); }
  };
  /** A click anywhere on an item opens it, unless it was on a link or a button of its own. @param {Event} e @param {() => void} go */
  const onItemClick = (e, go) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target.closest('a, button:not(.view-item__open)')) return;
    go();
  };
  /** @param {KeyboardEvent} e @param {() => void} go */
  const onItemKey = (e, go) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); }
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = /** @type {HTMLElement[]} */ ([...body.querySelectorAll('.view-item')]);
      items[items.indexOf(/** @type {HTMLElement} */ (e.currentTarget)) + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
    }
  };

  /** Where a message was written: `# name`, a private channel with its lock, or a DM's people. @param {string} cid */
  const where = (cid) => {
    const c = store.channels.get(cid);
    if (!c) return 'a channel';
    return c.kind === 'private' ? html`${lock} ${c.name}` : channelLabel(c);
  };
  /** @param {Message} m @param {Record<string, string> | null} emoji @param {unknown} [extra] @param {() => void} [go] */
  const item = (m, emoji, extra = nothing, go = () => open(m)) => {
    const saved = (store.saved ?? []).includes(m.id);
    const inThread = m.thread_root_id && kind !== 'threads';
    return html`<li class="view-item" tabindex="0" aria-label="${nameOf(m.author_id)} in ${store.channels.get(m.channel_id) ? channelLabel(/** @type {any} */ (store.channels.get(m.channel_id))) : 'a channel'}: ${m.content.slice(0, 120)}"
        @click=${(/** @type {Event} */ e) => onItemClick(e, go)} @keydown=${(/** @type {KeyboardEvent} */ e) => onItemKey(e, go)}>
      <p class="view-item__where"><a href="/w/${wid}/c/${m.channel_id}/m/${m.thread_root_id ?? m.id}" tabindex="-1"
          @click=${(/** @type {MouseEvent} */ e) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); go(); }}>${where(m.channel_id)}</a>
        ${inThread ? html`<span class="view-item__thread">in a thread</span>` : nothing}</p>
      <div class="view-item__message">
        ${avatar(m.author_id, 36)}
        <div class="view-item__main">
          <div class="view-item__head"><span class="message__author">${nameOf(m.author_id)}</span>${statusEmoji(m.author_id)}
            <time class="message__time" datetime=${m.created_at}>${whenText(m.created_at, new Date())}</time></div>
          <div class="message__body view-item__body">${m.deleted ? html`<em class="message__deleted">This message was deleted.</em>`
            : unsafeHTML(decorate(m.html, { emoji, me, edited: Boolean(m.edited_at), nameOf: (id) => store.users.get(id)?.name }))}</div>
          ${!m.deleted && m.attachments?.length ? attachmentList(m.attachments, { focusable: false }) : nothing}
          ${extra}
        </div>
        ${kind === 'saved' ? html`<button type="button" class="button button--small view-item__remove" aria-label="Remove from saved"
            title="Remove from saved" @click=${() => setSaved(m.id, !saved).catch(() => { error = 'Not changed. Try again.'; draw(); })}>${saved ? 'Remove' : 'Save'}</button>` : nothing}
      </div>
    </li>`;
  };
  /** @param {ThreadItem} t @param {Record<string, string> | null} emoji */
  const threadItem = (t, emoji) => item(t.root, emoji, html`<p class="view-item__replies">
      <span>${repliesText(t.root.reply_count)}</span>
      ${t.unread_count > 0 ? html`<span class="badge" aria-label="${t.unread_count} unread">${t.unread_count} new</span>` : nothing}
      ${/** @type {any} */ (t.root).last_reply_at ? html`<span class="view-item__last">Last reply ${whenText(/** @type {any} */ (t.root).last_reply_at, new Date()).replace(/^Today at /, 'at ')}</span>` : nothing}
    </p>`, () => openThread(t));

  const drawHeader = () => render(html`
    <button type="button" class="icon-button pane-header__back" aria-label="Back to channels" @click=${nav.back}>‹</button>
    <div class="pane-header__title"><h1 class="pane-header__name">${icon(GLYPH[kind])} ${VIEW_TITLES[kind]}</h1>
      <div class="pane-header__topic-row"><span class="pane-header__topic pane-header__topic--static">${kind === 'saved' ? 'Only you can see what you saved'
        : kind === 'mentions' ? 'Messages that mention you' : 'Threads you follow'}</span></div></div>`, header);

  const draw = () => {
    const emoji = emojiTable();
    const shown = kind === 'saved' ? savedHere(messages, store.channels, store.saved) : messages;
    const roots = kind === 'threads' ? threads.filter((t) => store.channels.has(t.root.channel_id)) : [];
    const all = kind === 'threads' ? roots.map((t) => t.root) : shown;
    if (!emoji && all.some((m) => mayHaveShortcode(m.html))) loadEmoji().then(() => { if (alive) draw(); }, () => {});
    const count = kind === 'threads' ? roots.length : shown.length;
    const [title, line] = EMPTY[kind];
    body.setAttribute('aria-busy', String(!loaded));
    render(html`
      ${!loaded ? html`<ul class="view__list" aria-hidden="true">${[0, 1, 2].map(() => html`<li class="view-item view-item--skeleton">
          <span class="skeleton__line skeleton__line--short"></span><span class="skeleton__line"></span><span class="skeleton__line skeleton__line--1"></span></li>`)}</ul>`
        : nothing}
      ${error ? html`<div class="view__error" role="alert"><p>${error}</p><button type="button" class="button" @click=${() => { loaded = false; draw(); load(); }}>Try again</button></div>` : nothing}
      ${loaded && !error && count === 0 ? html`<div class="view__empty"><span class="view__empty-icon" aria-hidden="true">${icon(GLYPH[kind])}</span>
        <p class="view__empty-title">${title}</p><p>${line}</p></div>` : nothing}
      ${count > 0 ? html`<ul class="view__list" aria-label=${VIEW_TITLES[kind]}>
        ${kind === 'threads' ? repeat(roots, (t) => t.root.id, (t) => threadItem(t, emoji)) : repeat(shown, (m) => m.id, (m) => item(m, emoji))}
      </ul>` : nothing}
      ${kind === 'mentions' && hasMore && !error ? html`<button type="button" class="button view__more" ?disabled=${loadingMore} @click=${more}>
          ${loadingMore ? 'Loading…' : 'Load more'}</button>` : nothing}`, body);
  };

  drawHeader();
  draw();
  load();
  const unsubscribe = subscribe((what) => {
    if (['all', 'saved', 'channels', 'presence', 'members'].includes(what)) draw();
  });
  return () => {
    alive = false;
    unsubscribe();
    render(nothing, body);
    body.remove();
    render(nothing, header);
  };
}
