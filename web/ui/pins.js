// @ts-check
/** The channel's pinned messages in a popover under the header's pin button: author, time and
 * text, newest pin first; choosing one jumps to it, "Unpin" takes it off. Arrows move, Esc and an
 * outside click close, focus returns to the button. It follows pins made elsewhere while open. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { unsafeHTML } from '../vendor/lit-html/directives/unsafe-html.js';
import { store, subscribe, nameOf, channelTitle } from '../state/store.js';
import { decorate } from '../state/html.js';
import { whenText } from '../state/views.js';
import { loadPins, setPinned } from '../api/marks.js';
import { avatar } from './people.js';
import { emojiTable } from './emoji.js';
import { icon } from './icons.js';
import { focusMessage } from './channel.js';

/** @typedef {import('../state/messages.js').Message} Message */

/** @type {(() => void) | null} */
let closeOpen = null;

/** Opens (or, when open, closes) the pins of channel `cid` under `anchor`. @param {HTMLElement} anchor @param {string} cid */
export function togglePins(anchor, cid) {
  if (closeOpen) { closeOpen(); return; }
  const host = document.createElement('div');
  host.className = 'pins__host';
  document.body.append(host);
  /** @type {Message[] | null} */ let messages = null;
  let error = '';
  let shownIds = '';
  let loading = false;
  const me = store.me?.id ?? '';

  /** Fetches the pinned messages (the ids changed: someone pinned one). */
  const refresh = async () => {
    loading = true;
    try {
      messages = await loadPins(cid);
      error = '';
    } catch {
      error = 'The pins could not be loaded.';
    } finally {
      loading = false;
    }
    shownIds = (store.pins.get(cid) ?? []).join();
    draw();
  };
  /** @param {Message} m */
  const open = (m) => { close(); focusMessage(m.id); };
  /** @param {Message} m */
  const unpin = async (m) => {
    try { await setPinned(m, false); } catch { error = 'Not unpinned. Try again.'; draw(); }
  };
  const draw = () => {
    const c = store.channels.get(cid);
    const ids = store.pins.get(cid);
    const list = (messages ?? []).filter((m) => !ids || ids.includes(m.id));
    const item = (/** @type {Message} */ m) => html`<li class="pins__item">
      <button type="button" class="pins__open" @click=${() => open(m)} aria-label="Pinned message by ${nameOf(m.author_id)}: ${m.content.slice(0, 80)}. Jump to it">
        ${avatar(m.author_id, 24)}
        <span class="pins__main"><span class="pins__head"><strong>${nameOf(m.author_id)}</strong>
          <time datetime=${m.created_at}>${whenText(m.created_at, new Date())}</time></span>
          <span class="pins__text">${unsafeHTML(decorate(m.html, { emoji: emojiTable(), me, edited: false, nameOf: (id) => store.users.get(id)?.name }))}</span></span>
      </button>
      <button type="button" class="button button--small pins__unpin" aria-label="Unpin the message by ${nameOf(m.author_id)}" @click=${() => unpin(m)}>Unpin</button>
    </li>`;
    render(html`<section class="pins" role="dialog" aria-label="Pinned messages in ${c ? channelTitle(c) : 'this channel'}">
      <header class="pins__header"><h2 class="pins__title">${icon('pin')} Pinned messages</h2>
        <button type="button" class="icon-button" aria-label="Close pinned messages" @click=${() => { close(); anchor.focus(); }}>×</button></header>
      ${error ? html`<p class="pins__error" role="alert">${error}</p>` : nothing}
      ${messages === null && !error ? html`<p class="pins__empty" aria-busy="true">Loading…</p>`
        : list.length === 0 ? html`<p class="pins__empty">Nothing is pinned here yet. Pin a message from its “⋯” menu to keep it at hand.</p>`
          : html`<ul class="pins__list">${repeat(list, (m) => m.id, item)}</ul>`}
    </section>`, host);
    place();
  };
  const place = () => {
    const panel = /** @type {HTMLElement | null} */ (host.firstElementChild);
    if (!panel) return;
    const r = anchor.getBoundingClientRect();
    panel.style.top = `${r.bottom + 6}px`;
    panel.style.right = `${Math.max(8, window.innerWidth - r.right)}px`;
  };
  const buttons = () => /** @type {HTMLElement[]} */ ([...host.querySelectorAll('.pins__open')]);
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (!host.contains(document.activeElement) && e.key !== 'Escape') return;
    const all = buttons();
    const at = all.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); anchor.focus(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); all[(at + 1) % all.length]?.focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); all[(at - 1 + all.length) % all.length]?.focus(); }
  };
  /** @param {Event} e */
  const onOutside = (e) => {
    const target = /** @type {Node} */ (e.target);
    if (!host.contains(target) && !anchor.contains(target)) close();
  };
  const unsubscribe = subscribe((what) => {
    if (loading) return;
    const ids = (store.pins.get(cid) ?? []).join();
    // An unpin needs no fetch: the list drops it; a new pin is fetched.
    if (what === 'pins' && ids !== shownIds && (store.pins.get(cid) ?? []).some((id) => !messages?.some((m) => m.id === id))) refresh();
    else if (what === 'pins' || what === 'all' || what === 'messages') { shownIds = ids; draw(); }
  });
  const onResize = () => place();
  document.addEventListener('keydown', onKey, true);
  document.addEventListener('pointerdown', onOutside, true);
  window.addEventListener('resize', onResize);
  anchor.setAttribute('aria-expanded', 'true');
  function close() {
    closeOpen = null;
    unsubscribe();
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('pointerdown', onOutside, true);
    window.removeEventListener('resize', onResize);
    anchor.setAttribute('aria-expanded', 'false');
    render(nothing, host);
    host.remove();
  }
  closeOpen = close;
  draw();
  refresh().then(() => buttons()[0]?.focus() ?? /** @type {HTMLElement | null} */ (host.querySelector('.icon-button'))?.focus());
}

/** Closes the pins popover if it is open (the channel changed). */
export function closePins() {
  closeOpen?.();
}
