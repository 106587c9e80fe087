// @ts-check
/** The emoji picker: a popover beside the button that opened it, kept inside the window (a
 * full-screen sheet on phones). A search box (names and tags), the category bar, the recently
 * used first; the arrow keys move through the grid while typing goes on in the search box, Enter
 * picks, Esc or a click outside closes. Its data (vendor/gemoji/picker.js) is imported when first
 * needed; the chosen emoji go to the front of the user's recently used list. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import * as ep from '../state/emoji-picker.js';
import { tipEvents, hideTip } from './tooltip.js';

/**
 * @typedef {import('../state/emoji-picker.js').Entry} Entry
 * @typedef {import('../state/emoji-picker.js').Section} Section
 * @typedef {{entries: Entry[], byEmoji: Map<string, Entry>}} Data
 */

/** @type {Data | null} */
let data = null;
/** @type {Promise<Data> | null} */
let loading = null;

/** The emoji by their Unicode, if loaded already (reaction chips name them by it). */
export const emojiIndex = () => data?.byEmoji ?? null;

/** Imports the picker's data once; a failed import is forgotten, so the next use tries again. */
/** @returns {Promise<Data>} */
export function loadPickerData() {
  loading ??= import('../vendor/gemoji/picker.js').then((m) => {
    const entries = ep.parse(m.categories);
    data = { entries, byEmoji: ep.byEmoji(entries) };
    return data;
  }, (e) => { loading = null; throw e; });
  return loading;
}

const phone = matchMedia('(max-width: 768px)');
/** Columns of the grid on wider screens (a phone fits as many 44 px cells as it can). */
const COLUMNS = 9;
/** @type {{anchor: HTMLElement, close: (refocus: boolean) => void} | null} */
let open = null;
let opened = 0;

/**
 * Opens the picker beside `anchor` (or closes it, when it is open for that anchor already).
 * @param {HTMLElement} anchor
 * @param {{userId: string, pick: (emoji: string) => void, label?: string, returnFocus?: () => void}} opts
 *   `returnFocus` puts the focus back when the picker closes by Esc or a pick (default: the anchor)
 */
export function openEmojiPicker(anchor, { userId, pick, label = 'Add reaction', returnFocus = () => anchor.focus() }) {
  if (open?.anchor === anchor) { open.close(true); return; }
  open?.close(false);
  const id = `emoji-picker-${++opened}`;
  const host = document.createElement('div');
  host.className = 'emoji-picker__host';
  document.body.append(host);
  let recent = ep.loadRecent(localStorage, userId);
  let query = '';
  let active = 0;
  /** @type {'loading' | 'ready' | 'failed'} */
  let status = data ? 'ready' : 'loading';
  /** What the grid shows, and its rows of item indexes. @type {Section[]} */
  let shown = [];
  /** @type {number[][]} */
  let rows = [];
  /** @type {Entry[]} */
  let items = [];
  const columns = () => (phone.matches ? Math.max(6, Math.floor((window.innerWidth - 16) / 44)) : COLUMNS);

  const cellId = (/** @type {number} */ i) => `${id}-${i}`;
  const draw = () => {
    if (data) {
      shown = query ? [{ id: 'results', label: 'Search results', icon: '', items: ep.search(data.entries, query) }] : ep.sections(data.entries, recent);
      rows = ep.gridRows(shown, columns());
      items = shown.flatMap((s) => s.items);
    }
    render(view(), host);
    setActive(Math.min(active, Math.max(items.length - 1, 0)), false);
    spy();
  };

  const view = () => html`<div class="emoji-picker" id=${id} role="dialog" aria-label=${label} aria-modal=${phone.matches ? 'true' : nothing}
      tabindex="-1" @keydown=${onKey}>
    <div class="emoji-picker__head">
      <h2 class="emoji-picker__title">${label}</h2>
      <button type="button" class="emoji-picker__close" aria-label="Close" @click=${() => close(true)}>
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round"><path d="M4 4l8 8M12 4l-8 8"/></svg></button>
    </div>
    <div class="emoji-picker__search-box">
      <svg class="emoji-picker__search-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round"><circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5L14 14"/></svg>
      <input class="emoji-picker__search" type="search" placeholder="Search emoji" aria-label="Search emoji" autocomplete="off" spellcheck="false"
        role="combobox" aria-expanded="true" aria-autocomplete="list" aria-controls=${`${id}-grid`}
        @input=${(/** @type {Event} */ e) => { query = /** @type {HTMLInputElement} */ (e.target).value; active = 0; draw(); grid()?.scrollTo(0, 0); }}>
    </div>
    <div class="emoji-picker__tabs" role="toolbar" aria-label="Emoji categories" @keydown=${onTabKey}>
      ${data ? ep.sections(data.entries, recent).map((s) => html`<button type="button" class="emoji-picker__tab" data-section=${s.id}
        aria-label=${s.label} data-tip=${s.label} tabindex="-1" @click=${() => jump(s.id)}
        @pointerenter=${tipEvents.enter} @pointerleave=${tipEvents.leave} @focus=${tipEvents.focus} @blur=${tipEvents.leave}><span aria-hidden="true">${s.icon}</span></button>`) : nothing}</div>
    <div class="emoji-picker__grid" id=${`${id}-grid`} role="grid" aria-label="Emoji" @scroll=${spy}
      @pointerdown=${(/** @type {Event} */ e) => e.preventDefault()} @click=${onCellClick} @pointermove=${onCellHover}>
      ${body()}
    </div>
    <div class="emoji-picker__preview" aria-hidden="true"><span class="emoji-picker__preview-emoji"></span><span class="emoji-picker__preview-name"></span></div>
  </div>`;

  const body = () => {
    if (status === 'loading') return html`<p class="emoji-picker__empty" role="status">Loading emoji…</p>`;
    if (status === 'failed') return html`<p class="emoji-picker__empty" role="alert">The emoji could not be loaded.
      <button type="button" class="message__link" @click=${load}>Try again</button></p>`;
    if (!items.length) return html`<p class="emoji-picker__empty" role="status">No emoji match “${query}”.</p>`;
    let row = 0;
    return shown.map((s) => {
      const count = Math.ceil(s.items.length / columns());
      const mine = rows.slice(row, row + count);
      row += count;
      return html`<div class="emoji-picker__section" role="rowgroup" aria-label=${s.label} data-section=${s.id} .style=${`--rows:${count}`}>
        <div class="emoji-picker__heading" aria-hidden="true">${s.label}</div>
        ${mine.map((cells) => html`<div class="emoji-picker__row" role="row">${cells.map((i) => html`<span class="emoji-picker__cell"
          role="gridcell" id=${cellId(i)} data-index=${i} aria-label=${`:${items[i].name}:`}>${items[i].emoji}</span>`)}</div>`)}
      </div>`;
    });
  };

  const root = () => /** @type {HTMLElement} */ (host.firstElementChild);
  const grid = () => /** @type {HTMLElement | null} */ (host.querySelector('.emoji-picker__grid'));
  const input = () => /** @type {HTMLInputElement} */ (host.querySelector('.emoji-picker__search'));

  /** Marks item `i` active: highlighted, named in the preview, told to screen readers. */
  function setActive(/** @type {number} */ i, scroll = true) {
    host.querySelector('.emoji-picker__cell[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
    active = i;
    const cell = host.querySelector(`#${cellId(i)}`);
    const entry = items[i];
    cell?.setAttribute('aria-selected', 'true');
    if (cell && entry) input().setAttribute('aria-activedescendant', cell.id);
    else input().removeAttribute('aria-activedescendant');
    /** @type {HTMLElement} */ (host.querySelector('.emoji-picker__preview-emoji')).textContent = entry?.emoji ?? '';
    /** @type {HTMLElement} */ (host.querySelector('.emoji-picker__preview-name')).textContent = entry ? `:${entry.name}:` : (status === 'ready' ? 'Pick an emoji' : '');
    if (scroll) cell?.scrollIntoView({ block: 'nearest' });
  }

  /** The category bar follows the scrolling: the section at the top of the grid is current. */
  function spy() {
    const g = grid();
    if (!g) return;
    let current = '';
    const top = g.getBoundingClientRect().top;
    for (const s of /** @type {NodeListOf<HTMLElement>} */ (g.querySelectorAll('.emoji-picker__section'))) {
      if (s.getBoundingClientRect().top <= top + 8) current = s.dataset.section ?? '';
    }
    current ||= shown[0]?.id ?? '';
    const tabs = /** @type {HTMLElement[]} */ ([...host.querySelectorAll('.emoji-picker__tab')]);
    if (query) current = '';
    for (const t of tabs) t.setAttribute('aria-pressed', String(t.dataset.section === current));
    const stop = tabs.find((t) => t.dataset.section === current) ?? tabs[0];
    if (!tabs.some((t) => t === document.activeElement)) for (const t of tabs) t.tabIndex = t === stop ? 0 : -1;
  }

  /** The bar's buttons: one tab stop, the arrows move along it. @param {KeyboardEvent} e */
  function onTabKey(e) {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const tabs = /** @type {HTMLElement[]} */ ([...host.querySelectorAll('.emoji-picker__tab')]);
    const at = tabs.indexOf(/** @type {HTMLElement} */ (e.target));
    e.preventDefault();
    tabs[(at + (e.key === 'ArrowRight' ? 1 : -1) + tabs.length) % tabs.length]?.focus();
  }

  /** @param {string} section */
  function jump(section) {
    if (query) { query = ''; input().value = ''; draw(); }
    const g = grid();
    const el = /** @type {HTMLElement | null} */ (g?.querySelector(`[data-section="${section}"]`));
    if (!g || !el) return;
    g.scrollTop += el.getBoundingClientRect().top - g.getBoundingClientRect().top;
    let first = 0;
    for (const s of shown) { if (s.id === section) break; first += s.items.length; }
    setActive(first, false);
    spy();
    if (!phone.matches) input().focus();
  }

  /** @param {Event} e */
  function onCellClick(e) {
    const cell = /** @type {HTMLElement} */ (e.target).closest?.('.emoji-picker__cell');
    const entry = cell instanceof HTMLElement ? items[Number(cell.dataset.index)] : undefined;
    if (entry) choose(entry);
  }
  /** @param {PointerEvent} e */
  function onCellHover(e) {
    if (e.pointerType !== 'mouse') return;
    const cell = /** @type {HTMLElement} */ (e.target).closest?.('.emoji-picker__cell');
    const i = cell instanceof HTMLElement ? Number(cell.dataset.index) : -1;
    if (i >= 0 && i !== active) setActive(i, false);
  }

  /** @param {Entry} entry */
  function choose(entry) {
    recent = ep.used(recent, entry.emoji);
    ep.saveRecent(localStorage, userId, recent);
    close(true);
    pick(entry.emoji);
  }

  /** @param {KeyboardEvent} e */
  function onKey(e) {
    const target = /** @type {HTMLElement} */ (e.target);
    const inGrid = target === input() || target === root();
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      // Esc in a search with text empties it first, as search boxes do.
      if (target === input() && query) { input().value = ''; query = ''; active = 0; draw(); return; }
      close(true);
      return;
    }
    if (!inGrid || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      if (items[active]) choose(items[active]);
      return;
    }
    const next = ep.move(rows, active, e.key);
    if (next === null) {
      // Typing with the focus on the sheet goes to the search box.
      if (target === root() && e.key.length === 1) input().focus();
      return;
    }
    e.preventDefault();
    root().classList.add('emoji-picker--keys');
    setActive(next);
  }

  /** @param {PointerEvent} e */
  const onOutside = (e) => {
    const t = /** @type {Node} */ (e.target);
    if (!root()?.contains(t) && !anchor.contains(t)) close(false);
  };
  /** Focus that leaves for the page (Tab, or a click on another control) closes it. @param {FocusEvent} e */
  const onFocusOut = (e) => {
    const to = /** @type {Node | null} */ (e.relatedTarget);
    if (to && !root()?.contains(to) && !anchor.contains(to)) close(false);
  };
  const onResize = () => { draw(); place(); };

  function place() {
    const el = root();
    if (phone.matches) { el.style.top = ''; el.style.left = ''; return; }
    const r = anchor.getBoundingClientRect();
    const m = el.getBoundingClientRect();
    const gap = 4;
    const fitsBelow = r.bottom + gap + m.height <= window.innerHeight - 8;
    const fitsAbove = r.top - gap - m.height >= 8;
    const top = fitsBelow ? r.bottom + gap : fitsAbove ? r.top - gap - m.height : Math.max(8, window.innerHeight - m.height - 8);
    // Left-aligned with the anchor when it fits, else right-aligned with it; inside the window either way.
    const left = r.left + m.width <= window.innerWidth - 8 ? r.left : r.right - m.width;
    el.style.top = `${Math.round(top)}px`;
    el.style.left = `${Math.round(Math.max(8, Math.min(left, window.innerWidth - m.width - 8)))}px`;
  }

  function load() {
    status = 'loading';
    draw();
    loadPickerData().then(() => { status = 'ready'; }, () => { status = 'failed'; }).then(() => { if (open?.close === close) { draw(); place(); } });
  }

  /** @param {boolean} refocus */
  function close(refocus) {
    if (open?.close !== close) return;
    open = null;
    document.removeEventListener('pointerdown', onOutside, true);
    window.removeEventListener('resize', onResize);
    host.removeEventListener('focusout', onFocusOut);
    anchor.setAttribute('aria-expanded', 'false');
    hideTip();
    render(nothing, host);
    host.remove();
    if (refocus) returnFocus();
  }

  open = { anchor, close };
  draw();
  place();
  anchor.setAttribute('aria-expanded', 'true');
  document.addEventListener('pointerdown', onOutside, true);
  window.addEventListener('resize', onResize);
  host.addEventListener('focusout', onFocusOut);
  // A phone's keyboard would cover half the sheet: there the search box is focused when tapped.
  (phone.matches ? root() : input()).focus({ preventScroll: true });
  if (status === 'loading') load();
}

/** Closes the picker if it is open (a view going away). */
export function closeEmojiPicker() {
  open?.close(false);
}
