// @ts-check
/** Search: the box in the channel header (`<oc-search-box>`; on a phone an icon that opens a
 * full-screen search), Ctrl/Cmd+F and `/` to reach it, its suggestions (operators, people,
 * channels) as an ARIA combobox, and the results view in the main pane at `/w/{wid}/search?q=`:
 * filter chips, the sort, People and Channels whose names match, notes, files and messages with
 * their highlighted snippets, "Load more". The query's logic is state/search.js. */
import { html, render, nothing, svg } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { unsafeHTML } from '../vendor/lit-html/directives/unsafe-html.js';
import { store, subscribe, nameOf, channelLabel } from '../state/store.js';
import * as q from '../state/search.js';
import { whenText } from '../state/views.js';
import { fileKind, humanSize } from '../state/files.js';
import { createSearch } from '../api/search.js';
import { avatar, statusEmoji } from './people.js';
import { lock } from './sidebar.js';
import { fileIcon } from './attachments.js';
import { focusMessage } from './channel.js';
import { icon } from './icons.js';

/**
 * @typedef {import('../state/search.js').Sort} Sort
 * @typedef {import('../state/search.js').Suggestion} Suggestion
 * @typedef {import('../state/search.js').Result} Result
 * @typedef {{openSearch: (q: string, sort?: Sort) => void, openChannel: (cid: string) => void,
 *   openThread: (rootId: string, cid: string) => void, openDm: (userIds: string[]) => void,
 *   openNote?: (cid: string | null) => void}} SearchNavigation `openNote`: the notes panel, once the app has one
 */

/** @type {SearchNavigation | null} */ let nav = null;
/** The app's way to move between views. @param {SearchNavigation} navigation */
export function configureSearch(navigation) { nav = navigation; }

/** The search the main pane shows (its boxes hold its query); q is '' when none is open. */
let shown = /** @type {{q: string, sort: Sort}} */ ({ q: '', sort: 'relevance' });

const glass = html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor"
  stroke-width="1.75" stroke-linecap="round">${svg`<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5l3 3"/>`}</svg>`;
const noteGlyph = html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor"
  stroke-width="1.75" stroke-linejoin="round">${svg`<path d="M3.5 2.5h6l3 3v8h-9z"/><path d="M9.5 2.5v3h3M5.5 8.5h5M5.5 11h3"/>`}</svg>`;

/** The icon of an operator or a value suggestion. @param {Suggestion} s */
function glyphOf(s) {
  const [operator, value] = s.insert.split(':');
  if (s.kind === 'operator') return operator === 'from' ? '@' : operator === 'in' ? '#' : DATED_OPS.has(operator) ? icon('clock') : glass;
  if (operator === 'has') return value === 'link' ? icon('link') : fileIcon('generic');
  if (operator === 'is') return value === 'pinned' ? icon('pin') : icon('threads');
  return icon('clock');
}
const DATED_OPS = new Set(['before', 'after', 'on']);

/** The workspace's people (with handles) and channels, for suggestions and name matches. */
function sources() {
  const inWorkspace = store.roles.size ? (/** @type {string} */ id) => store.roles.has(id) : () => true;
  const people = [...store.users.values()].filter((u) => inWorkspace(u.id))
    .map((u) => ({ id: u.id, name: u.name, handle: /** @type {any} */ (u).handle }));
  return { people, channels: [...store.channels.values()], me: store.me?.id ?? '', now: new Date() };
}

let boxes = 0;

/**
 * The search field and its suggestions, drawn into `host`; returns its teardown and focus.
 * @param {HTMLElement} host
 * @param {{value: string, inline?: boolean, done?: () => void, escape?: () => void}} opts `inline`: the list
 *   flows below the field (the full-screen search) instead of floating; `done` after a search ran;
 *   `escape` when Esc is pressed in an empty, closed box
 */
function mountCombobox(host, { value, inline = false, done, escape }) {
  const id = `search-${++boxes}`;
  let text = value;
  let caret = value.length;
  let open = false;
  let active = -1;
  let problem = '';
  /** @type {ReturnType<typeof q.suggest>} */ let current = q.suggest(text, caret, sources());

  const input = () => /** @type {HTMLInputElement | null} */ (host.querySelector('.search-box__input'));
  const optionId = (/** @type {number} */ i) => `${id}-o${i}`;
  /** @param {boolean} [keep] keep the active option (the lists changed, not the text) */
  const compute = (keep = false) => {
    const was = keep ? current.suggestions[active]?.id : undefined;
    current = q.suggest(text, caret, sources());
    const at = was === undefined ? -1 : current.suggestions.findIndex((x) => x.id === was);
    active = at !== -1 ? at : current.select ? 0 : -1;
  };
  const showing = () => open && (current.suggestions.length > 0 || problem !== '');

  /** @param {string} next @param {number} at */
  const setText = (next, at) => {
    text = next;
    caret = at;
    problem = '';
    compute();
    draw();
    const el = input();
    if (el) { el.value = next; el.setSelectionRange(at, at); }
  };

  const run = () => {
    const query = text.trim();
    if (!q.isSearchable(query)) problem = 'Type a word to search for, or a filter like from:@name or in:#channel.';
    else problem = q.queryProblem(query) ?? '';
    if (problem) { open = true; draw(); return; }
    open = false;
    draw();
    nav?.openSearch(query, shown.sort);
    done?.();
  };

  /** @param {Suggestion} s */
  const pick = (s) => {
    const next = q.applySuggestion(text, current.token, s.insert);
    open = true;
    setText(next.value, next.caret);
    input()?.focus();
  };

  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (e.isComposing) return;
    const list = current.suggestions;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!showing()) { open = true; compute(); } else active = q.moveActive(active, list.length, e.key === 'ArrowDown' ? 1 : -1);
      draw();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (showing() && list[active]) pick(list[active]);
      else run();
    } else if (e.key === 'Tab' && showing() && list[active]) {
      e.preventDefault();
      pick(list[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (showing()) { open = false; problem = ''; draw(); }
      else if (text) setText('', 0);
      else escape?.();
    }
  };
  /** @param {Event} e */
  const onInput = (e) => {
    const el = /** @type {HTMLInputElement} */ (e.target);
    text = el.value;
    caret = el.selectionStart ?? text.length;
    open = true;
    problem = '';
    compute();
    draw();
  };
  /** The caret moved without typing (arrows, a click): the token at it may be another. @param {Event} e */
  const onCaret = (e) => {
    const at = /** @type {HTMLInputElement} */ (e.target).selectionStart ?? caret;
    if (at === caret) return;
    caret = at;
    compute();
    draw();
  };
  // A fresh box offers the operators at once; one holding a query (the results view's, focused
  // after its search ran) waits for a key or a click, so its list does not cover the results.
  const onFocus = () => { if (!text) { open = true; compute(); draw(); } };
  const onClick = (/** @type {Event} */ e) => { open = true; caret = /** @type {HTMLInputElement} */ (e.target).selectionStart ?? caret; compute(); draw(); };
  const onBlur = () => { open = false; problem = ''; draw(); };

  const draw = () => {
    const list = showing() ? current.suggestions : [];
    const sections = [...new Set(list.map((s) => s.section))];
    const ws = store.workspaces.find((w) => w.id === store.workspaceId)?.name;
    render(html`
      <div class="search-box__field">
        ${glass}
        <input class="search-box__input" type="text" role="combobox" aria-label="Search messages, people and channels"
          aria-autocomplete="list" aria-expanded=${String(list.length > 0)} aria-controls=${list.length ? `${id}-list` : nothing}
          aria-activedescendant=${list.length && active >= 0 ? optionId(active) : nothing}
          aria-describedby=${problem ? `${id}-problem` : nothing} aria-invalid=${problem ? 'true' : nothing}
          placeholder=${ws ? `Search ${ws}` : 'Search'} autocomplete="off" spellcheck="false" enterkeyhint="search" maxlength="500"
          .value=${text} @input=${onInput} @keydown=${onKey} @keyup=${onCaret} @click=${onClick} @focus=${onFocus} @blur=${onBlur}>
        ${text ? html`<button type="button" class="search-box__clear" aria-label="Clear search" title="Clear"
          @pointerdown=${(/** @type {Event} */ e) => e.preventDefault()} @click=${() => { setText('', 0); open = true; draw(); input()?.focus(); }}>×</button>` : nothing}
      </div>
      <div class=${`search-suggest${inline ? ' search-suggest--inline' : ''}`} ?hidden=${!showing()}
          @pointerdown=${(/** @type {Event} */ e) => e.preventDefault()}>
        ${problem ? html`<p class="search-suggest__problem" id="${id}-problem" role="alert">${problem}</p>` : nothing}
        ${list.length ? html`<ul class="search-suggest__list" role="listbox" id="${id}-list" aria-label="Search suggestions">
          ${sections.map((section) => html`<li class="search-suggest__section" role="presentation">${section}</li>
            ${list.map((s, i) => (s.section === section ? option(s, i) : nothing))}`)}
        </ul>
        <p class="search-suggest__hint" aria-hidden="true"><kbd>↑</kbd><kbd>↓</kbd> to move · <kbd>Enter</kbd> ${active >= 0 ? 'to pick' : 'to search'} · <kbd>Esc</kbd> to close</p>` : nothing}
      </div>`, host);
    host.querySelector(`#${optionId(active)}`)?.scrollIntoView({ block: 'nearest' });
  };

  /** @param {Suggestion} s @param {number} i */
  const option = (s, i) => html`<li class="search-suggest__option search-suggest__option--${s.kind}" role="option" id=${optionId(i)}
      aria-selected=${String(i === active)} @mousemove=${() => { if (active !== i) { active = i; draw(); } }} @click=${() => pick(s)}>
    ${s.userId ? avatar(s.userId, 24) : s.channelId ? html`<span class="search-suggest__icon" aria-hidden="true">${s.private ? lock : '#'}</span>`
      : html`<span class="search-suggest__icon" aria-hidden="true">${glyphOf(s)}</span>`}
    <span class="search-suggest__label">${s.label}</span>
    ${s.detail ? html`<span class="search-suggest__detail">${s.detail}</span>` : nothing}
  </li>`;

  draw();
  const unsubscribe = subscribe((what) => { if (open && (what === 'channels' || what === 'members' || what === 'all')) { compute(true); draw(); } });
  return {
    focus: () => { const el = input(); el?.focus(); el?.select(); },
    /** @param {string} next */
    set: (next) => setText(next, next.length),
    teardown: () => { unsubscribe(); render(nothing, host); },
  };
}

/** `<oc-search-box>`: the header's search field (`mode="view"` in the results view, holding its
 * query); on a phone a button that opens the full-screen search instead. */
class SearchBox extends HTMLElement {
  /** @type {ReturnType<typeof mountCombobox> | undefined} */ box;

  connectedCallback() {
    const view = this.getAttribute('mode') === 'view';
    this.classList.add('search-box');
    render(html`<div class="search-box__bar"></div>
      <button type="button" class=${view ? 'search-box__open search-box__open--field' : 'icon-button search-box__open'}
        aria-label=${view && shown.q ? `Search: ${shown.q}` : 'Search'} title="Search" @click=${() => openSearchDialog(view ? shown.q : '')}>
        ${glass}${view ? html`<span class="search-box__open-text">${shown.q || 'Search'}</span>` : nothing}</button>`, this);
    this.box = mountCombobox(/** @type {HTMLElement} */ (this.querySelector('.search-box__bar')), { value: view ? shown.q : '' });
  }

  disconnectedCallback() {
    this.box?.teardown();
    this.box = undefined;
    render(nothing, this);
  }
}
if (!customElements.get('oc-search-box')) customElements.define('oc-search-box', SearchBox);

/** The search as a modal of its own: full screen on a phone, a box near the top elsewhere (where
 * no header box shows). @param {string} value */
export function openSearchDialog(value) {
  const open = /** @type {HTMLDialogElement | null} */ (document.querySelector('dialog.search-dialog'));
  if (open) { /** @type {HTMLElement | null} */ (open.querySelector('.search-box__input'))?.focus(); return; }
  const dialog = document.createElement('dialog');
  dialog.className = 'dialog search-dialog';
  dialog.setAttribute('aria-label', 'Search');
  document.body.append(dialog);
  const close = () => dialog.close();
  render(html`<div class="search-dialog__bar">
      <button type="button" class="icon-button search-dialog__close" aria-label="Close search" @click=${close}>‹</button>
      <div class="search-dialog__box search-box"></div>
    </div>`, dialog);
  const box = mountCombobox(/** @type {HTMLElement} */ (dialog.querySelector('.search-dialog__box')), { value, inline: true, done: close, escape: close });
  dialog.addEventListener('close', () => { box.teardown(); render(nothing, dialog); dialog.remove(); });
  dialog.addEventListener('click', (e) => { if (e.target === dialog) close(); });
  dialog.showModal();
  box.focus();
}

/** Focuses the search box in view, or opens the full-screen search. */
function focusSearch() {
  const boxes = /** @type {HTMLInputElement[]} */ ([...document.querySelectorAll('.search-box__input')]);
  const visible = boxes.find((b) => b.getClientRects().length > 0 && !b.closest('dialog'));
  if (visible) { visible.focus(); visible.select(); } else openSearchDialog(shown.q);
}

/** Whether the focus is where the app's shortcuts apply: the page or the app, not another modal. */
function focusInApp() {
  const el = document.activeElement;
  const modal = document.querySelector('dialog[open]');
  if (modal && !modal.classList.contains('search-dialog')) return false;
  const app = document.getElementById('app');
  return !el || el === document.body || Boolean(app?.contains(el)) || Boolean(el.closest('dialog.search-dialog'));
}

/** Whether a key goes into a field. @param {EventTarget | null} t */
function typingIn(t) {
  const el = /** @type {HTMLElement | null} */ (t instanceof HTMLElement ? t : null);
  return Boolean(el && (el.isContentEditable || el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')));
}

/** Ctrl/Cmd+F (the browser's find stays for the page outside the app) and `/` (not while typing)
 * reach the search. Returns the teardown. */
export function installSearchKeys() {
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (!store.workspaceId || e.defaultPrevented || e.isComposing) return;
    const find = e.key.toLowerCase() === 'f' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
    const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typingIn(e.target);
    if (!(find || slash) || !focusInApp()) return;
    e.preventDefault();
    focusSearch();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

/** Opens a reply's row in the thread panel once it is drawn. @param {string} mid */
function focusReply(mid) {
  const until = Date.now() + 4000;
  const look = () => {
    const row = /** @type {HTMLElement | null} */ (document.querySelector(`.panel .message[data-id="${CSS.escape(mid)}"]`));
    if (row) { row.scrollIntoView({ block: 'center' }); row.focus({ preventScroll: true }); row.classList.add('message--found'); return; }
    if (Date.now() < until) setTimeout(look, 100);
  };
  look();
}

/** Where something was written: `# name`, a lock and a name, or a DM's people. @param {string | null} cid */
function where(cid) {
  const c = cid ? store.channels.get(cid) : undefined;
  if (!c) return 'a channel';
  return c.kind === 'private' ? html`${lock} ${c.name}` : channelLabel(c);
}
/** @param {string | null} cid */
const whereText = (cid) => { const c = cid ? store.channels.get(cid) : undefined; return c ? channelLabel(c) : 'a channel'; };

/** How many notes or files show before "Show all". */
const FEW = 3;

/**
 * The results view of search `s` in the pane's header and body; returns its teardown.
 * @param {HTMLElement} header @param {HTMLElement} pane @param {{q: string, sort: Sort}} s
 * @param {{back: () => void, focusBox?: boolean}} opts `focusBox`: the box keeps the focus (a search run from it)
 * @returns {() => void}
 */
export function mountSearchView(header, pane, s, { back, focusBox = false }) {
  shown = { q: s.q, sort: s.sort };
  const body = document.createElement('div');
  body.className = 'view search-view';
  pane.replaceChildren(body);
  const wid = store.workspaceId ?? '';
  const parsed = q.parseQuery(s.q);
  /** The query without its filters, for the title (the chips show the filters). */
  const words = parsed.terms.map((t) => t.raw).join(' ');
  let alive = true;
  let allNotes = false;
  let allFiles = false;
  const search = createSearch(wid, s.q, s.sort, () => { if (alive) draw(); });

  const go = (/** @type {string} */ query, /** @type {Sort} */ sort = s.sort) => { if (q.isSearchable(query)) nav?.openSearch(query, sort); };

  /** @param {Result} r */
  const open = (r) => {
    const m = r.message;
    const cid = r.channel_id ?? m.channel_id;
    if (m.thread_root_id) { nav?.openThread(m.thread_root_id, cid); focusReply(m.id); return; }
    nav?.openChannel(cid);
    focusMessage(m.id);
  };
  /** @param {string} cid @param {string} mid */
  const openAt = (cid, mid) => { nav?.openChannel(cid); focusMessage(mid); };
  /** @param {string | null} cid */
  const openNote = (cid) => {
    if (nav?.openNote) nav.openNote(cid);
    else if (cid) nav?.openChannel(cid);
  };

  /** A click anywhere on an item opens it, unless on a link or button of its own. @param {Event} e @param {() => void} fn */
  const onItemClick = (e, fn) => {
    if (/** @type {HTMLElement} */ (e.target).closest('a, button')) return;
    fn();
  };
  /** @param {KeyboardEvent} e @param {() => void} fn */
  const onItemKey = (e, fn) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fn(); } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = /** @type {HTMLElement[]} */ ([...body.querySelectorAll('.search-result')]);
      items[items.indexOf(/** @type {HTMLElement} */ (e.currentTarget)) + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
    }
  };
  /** A link to where a result lives that opens it here (a new tab with a modifier). @param {string} href @param {() => void} fn @param {unknown} label */
  const link = (href, fn, label) => html`<a href=${href} tabindex="-1"
    @click=${(/** @type {MouseEvent} */ e) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); fn(); }}>${label}</a>`;

  /** @param {Result} r */
  const resultItem = (r) => {
    const m = r.message;
    const cid = r.channel_id ?? m.channel_id;
    const fn = () => open(r);
    return html`<li class="view-item search-result" tabindex="0" data-id=${m.id}
        aria-label="${nameOf(m.author_id)} in ${whereText(cid)}, ${whenText(m.created_at, new Date())}: ${m.content.slice(0, 160)}"
        @click=${(/** @type {Event} */ e) => onItemClick(e, fn)} @keydown=${(/** @type {KeyboardEvent} */ e) => onItemKey(e, fn)}>
      <p class="view-item__where">${link(`/w/${wid}/c/${cid}/m/${m.thread_root_id ?? m.id}`, fn, where(cid))}
        ${m.thread_root_id ? html`<span class="view-item__thread">reply in a thread</span>` : nothing}</p>
      <div class="view-item__message">
        ${avatar(m.author_id, 36)}
        <div class="view-item__main">
          <div class="view-item__head"><span class="message__author">${nameOf(m.author_id)}</span>${statusEmoji(m.author_id)}
            <time class="message__time" datetime=${m.created_at} title=${new Date(m.created_at).toLocaleString()}>${whenText(m.created_at, new Date())}</time></div>
          <p class="search-result__snippet">${unsafeHTML(r.snippet_html)}</p>
          ${m.attachments?.length ? html`<p class="search-result__files">${fileIcon('generic')} ${m.attachments.length === 1 ? m.attachments[0].name : `${m.attachments.length} files`}</p>` : nothing}
        </div>
      </div>
    </li>`;
  };

  const people = () => {
    const { people: matches } = q.nameMatches(s.q, sources().people, []);
    if (!matches.length) return nothing;
    return html`<section class="search-view__section" aria-labelledby="search-people"><h2 class="search-view__heading" id="search-people">People</h2>
      <ul class="search-view__names">${repeat(matches, (p) => p.id, (p) => html`<li class="search-name">
        <button type="button" class="search-name__open" @click=${() => nav?.openDm([/** @type {string} */ (p.userId)])}
          aria-label="Message ${p.label}">${avatar(/** @type {string} */ (p.userId), 32)}
          <span class="search-name__text"><span class="search-name__label">${p.label}</span><span class="search-name__detail">${p.detail}</span></span></button>
        <button type="button" class="button button--small" @click=${() => go(`${s.q.trim()} ${p.insert}`)}
          aria-label="Messages from ${p.label}">Their messages</button></li>`)}</ul></section>`;
  };
  const channels = () => {
    const { channels: matches } = q.nameMatches(s.q, [], store.channels.values());
    if (!matches.length) return nothing;
    return html`<section class="search-view__section" aria-labelledby="search-channels"><h2 class="search-view__heading" id="search-channels">Channels</h2>
      <ul class="search-view__names">${repeat(matches, (c) => c.id, (c) => html`<li class="search-name">
        <button type="button" class="search-name__open" @click=${() => nav?.openChannel(/** @type {string} */ (c.channelId))}
          aria-label="Open ${c.private ? 'private channel' : 'channel'} ${c.label}"><span class="search-name__icon" aria-hidden="true">${c.private ? lock : '#'}</span>
          <span class="search-name__text"><span class="search-name__label">${c.label}</span><span class="search-name__detail">${c.detail || store.channels.get(/** @type {string} */ (c.channelId))?.topic || ''}</span></span></button>
        <button type="button" class="button button--small" @click=${() => go(`${s.q.trim()} ${c.insert}`)}
          aria-label="Search in ${c.label}">Search in it</button></li>`)}</ul></section>`;
  };
  const notes = () => {
    const list = search.state.notes;
    if (!list.length) return nothing;
    const some = allNotes ? list : list.slice(0, FEW);
    return html`<section class="search-view__section" aria-labelledby="search-notes"><h2 class="search-view__heading" id="search-notes">Notes</h2>
      <ul class="view__list">${some.map((n) => {
        const fn = () => openNote(n.channel_id);
        return html`<li class="view-item search-hit" tabindex="0" @click=${(/** @type {Event} */ e) => onItemClick(e, fn)}
            @keydown=${(/** @type {KeyboardEvent} */ e) => { if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); fn(); } }}>
          <span class="search-hit__icon" aria-hidden="true">${noteGlyph}</span>
          <div class="view-item__main"><p class="search-hit__title"><span>${n.channel_id ? html`Note in ${where(n.channel_id)}` : 'Your personal note'}</span>
            ${n.updated_at ? html`<time class="message__time" datetime=${n.updated_at}>${whenText(n.updated_at, new Date())}</time>` : nothing}</p>
            <p class="search-result__snippet">${unsafeHTML(n.snippet_html)}</p></div></li>`;
      })}</ul>
      ${list.length > FEW && !allNotes ? html`<button type="button" class="button button--link search-view__all" @click=${() => { allNotes = true; draw(); }}>Show all ${list.length} notes</button>` : nothing}</section>`;
  };
  const files = () => {
    const list = search.state.files;
    if (!list.length) return nothing;
    const some = allFiles ? list : list.slice(0, FEW);
    return html`<section class="search-view__section" aria-labelledby="search-files"><h2 class="search-view__heading" id="search-files">Files</h2>
      <ul class="view__list">${repeat(some, (f) => f.file.id, (f) => {
        const fn = () => openAt(f.channel_id, f.message_id);
        // The match was in the name: the name is shown highlighted, once.
        const named = Boolean(f.snippet_html) && q.snippetText(f.snippet_html) === f.file.name;
        return html`<li class="view-item search-hit" tabindex="0" @click=${(/** @type {Event} */ e) => onItemClick(e, fn)}
            @keydown=${(/** @type {KeyboardEvent} */ e) => { if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); fn(); } }}>
          <span class="search-hit__icon search-hit__icon--${fileKind(f.file.mime_type)}" aria-hidden="true">${fileIcon(fileKind(f.file.mime_type))}</span>
          <div class="view-item__main"><p class="search-hit__title"><span>${named ? unsafeHTML(f.snippet_html) : f.file.name}</span>
            <span class="search-hit__meta">${typeof f.file.size === 'number' ? humanSize(f.file.size) : ''} · ${where(f.channel_id)}</span></p>
            ${f.snippet_html && !named ? html`<p class="search-result__snippet">${unsafeHTML(f.snippet_html)}</p>` : nothing}</div></li>`;
      })}</ul>
      ${list.length > FEW && !allFiles ? html`<button type="button" class="button button--link search-view__all" @click=${() => { allFiles = true; draw(); }}>Show all ${list.length} files</button>` : nothing}</section>`;
  };

  const chips = () => html`<ul class="chips search-view__chips" aria-label="Filters">${parsed.chips.map((c) => {
    const label = q.chipLabel(c, {
      person: (handle) => sources().people.find((p) => p.handle?.toLowerCase() === handle.toLowerCase())?.name,
      channel: (name) => { const ch = [...store.channels.values()].find((x) => x.name === name); return ch ? `${ch.kind === 'private' ? '🔒 ' : '#'}${ch.name}` : undefined; },
    });
    return html`<li class=${`chip search-chip${c.problem ? ' search-chip--bad' : ''}`} title=${c.problem ?? c.raw}><span class="search-chip__label">${label}</span>
      <button type="button" class="chip__remove" aria-label="Remove filter ${label}" @click=${() => {
        const rest = q.withoutPart(s.q, c);
        if (q.isSearchable(rest)) go(rest);
        else askAgain(rest);
      }}>×</button></li>`;
  })}</ul>`;

  const sortToggle = () => html`<div class="search-view__sort" role="group" aria-label="Sort results">
    ${/** @type {[Sort, string][]} */ ([['relevance', 'Relevance'], ['date', 'Newest']]).map(([value, label]) => html`<button type="button"
      class="search-view__sort-button" aria-pressed=${String(s.sort === value)} @click=${() => { if (s.sort !== value) go(s.q, value); }}>${label}</button>`)}
  </div>`;

  const draw = () => {
    const st = search.state;
    const names = q.nameMatches(s.q, sources().people, store.channels.values());
    const nothingAtAll = st.loaded && !st.error && !st.results.length && !st.notes.length && !st.files.length;
    body.setAttribute('aria-busy', String(st.loading));
    render(html`
      <div class="search-view__top">
        <div class="search-view__tools"><h1 class="search-view__title">${words ? html`Results for <q>${words}</q>` : 'Filtered messages'}</h1>${sortToggle()}</div>
        ${parsed.chips.length ? chips() : nothing}
      </div>
      ${people()}${channels()}${notes()}${files()}
      <section class="search-view__section" aria-labelledby="search-messages">
        <h2 class="search-view__heading" id="search-messages">Messages</h2>
        ${st.loading && !st.results.length ? html`<ul class="view__list" aria-hidden="true">${[0, 1, 2].map(() => html`<li class="view-item view-item--skeleton">
            <span class="skeleton__line skeleton__line--short"></span><span class="skeleton__line"></span><span class="skeleton__line skeleton__line--1"></span></li>`)}</ul>` : nothing}
        ${st.error ? html`<div class="view__error search-view__error" role="alert"><p>${st.error}</p>
          <button type="button" class="button" @click=${() => search.load()}>Try again</button></div>` : nothing}
        ${nothingAtAll ? html`<div class="search-view__empty" role="status">
            <p class="view__empty-title">${names.people.length || names.channels.length ? html`No messages match${words ? html` <q>${words}</q>` : nothing}`
              : html`No results${words ? html` for <q>${words}</q>` : nothing}`}${parsed.chips.length ? ' with these filters' : ''}</p>
            <ul class="search-view__tips">
              <li>Check the spelling, or use fewer words.</li>
              <li>Search the start of a word: <code>depl</code> finds “deployment”.</li>
              ${parsed.chips.length ? html`<li>Remove a filter above to widen the search.</li>` : html`<li>Narrow it with <code>from:@name</code>, <code>in:#channel</code> or <code>has:file</code>.</li>`}
              <li>Only channels you can read now are searched.</li>
            </ul></div>` : nothing}
        ${st.results.length ? html`<ul class="view__list" aria-label="Messages">${repeat(st.results, (r) => r.message.id, resultItem)}</ul>` : nothing}
        ${st.moreError ? html`<p class="search-view__more-error" role="alert">${st.moreError}</p>` : nothing}
        ${st.nextCursor && !st.error ? html`<button type="button" class="button view__more" ?disabled=${st.loadingMore} @click=${() => search.more()}>
          ${st.loadingMore ? 'Loading…' : 'Load more'}</button>` : nothing}
        ${st.loaded && !st.error && st.results.length && !st.nextCursor ? html`<p class="search-view__end">${st.results.length === 1 ? 'One message' : `${st.results.length} messages`} · that is all</p>` : nothing}
      </section>`, body);
  };

  /** Nothing is left to search for (the last filter went): the box asks for a new search. @param {string} rest */
  const askAgain = (rest) => {
    const box = /** @type {SearchBox | null} */ (header.querySelector('oc-search-box'));
    const input = header.querySelector('.search-box__input');
    if (box?.box && input && input.getClientRects().length > 0) { box.box.set(rest); box.box.focus(); } else openSearchDialog(rest);
  };

  render(html`<button type="button" class="icon-button pane-header__back" aria-label="Back to channels" @click=${back}>‹</button>
    <oc-search-box mode="view" class="pane-header__search pane-header__search--view"></oc-search-box>`, header);
  if (focusBox) /** @type {HTMLInputElement | null} */ (header.querySelector('.search-box__input'))?.focus();
  draw();
  search.load();
  const unsubscribe = subscribe((what) => { if (['all', 'channels', 'presence', 'members'].includes(what)) draw(); });
  return () => {
    alive = false;
    search.cancel();
    unsubscribe();
    shown = { q: '', sort: shown.sort };
    render(nothing, body);
    body.remove();
    render(nothing, header);
  };
}
