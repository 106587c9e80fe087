// @ts-check
/** Pop-up menus (workspace, user, channel): keyboard arrows, Esc and an outside click close them,
 * focus returns to the button that opened them. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';

/**
 * @typedef {{label: string, run: () => void, checked?: boolean, danger?: boolean, hint?: string}} MenuItem
 * @typedef {MenuItem | {heading: string} | 'separator'} MenuEntry
 */

/** @type {(() => void) | null} */
let closeOpen = null;

/**
 * Opens a menu under (or above, near the bottom of the window) `anchor`.
 * @param {HTMLElement} anchor @param {string} label @param {MenuEntry[]} entries
 */
export function openMenu(anchor, label, entries) {
  closeOpen?.();
  const host = document.createElement('div');
  host.className = 'popmenu__host';
  document.body.append(host);
  const radios = entries.some((e) => typeof e === 'object' && 'checked' in e);
  const item = (/** @type {MenuEntry} */ e) => {
    if (e === 'separator') return html`<li class="popmenu__sep" role="separator"></li>`;
    if ('heading' in e) return html`<li class="popmenu__heading" role="presentation">${e.heading}</li>`;
    return html`<li role="none"><button type="button" class="popmenu__item${e.danger ? ' popmenu__item--danger' : ''}"
      role=${'checked' in e ? 'menuitemradio' : 'menuitem'} aria-checked=${'checked' in e ? String(e.checked) : nothing}
      @click=${() => { close(); e.run(); }}>
      ${radios ? html`<span class="popmenu__check" aria-hidden="true">${e.checked ? '✓' : ''}</span>` : nothing}
      <span class="popmenu__label">${e.label}</span>${e.hint ? html`<span class="popmenu__hint">${e.hint}</span>` : nothing}
    </button></li>`;
  };
  render(html`<ul class="popmenu" role="menu" aria-label=${label}>${entries.map(item)}</ul>`, host);
  const menu = /** @type {HTMLElement} */ (host.firstElementChild);
  place(menu, anchor);
  anchor.setAttribute('aria-expanded', 'true');
  const buttons = () => /** @type {HTMLElement[]} */ ([...menu.querySelectorAll('.popmenu__item')]);
  buttons()[0]?.focus();

  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    const all = buttons();
    const at = all.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); anchor.focus(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); all[(at + 1) % all.length]?.focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); all[(at - 1 + all.length) % all.length]?.focus(); }
    else if (e.key === 'Home') { e.preventDefault(); all[0]?.focus(); }
    else if (e.key === 'End') { e.preventDefault(); all[all.length - 1]?.focus(); }
    else if (e.key === 'Tab') close();
  };
  /** @param {Event} e */
  const onOutside = (e) => {
    const target = /** @type {Node} */ (e.target);
    if (menu.contains(target) || anchor.contains(target)) return;
    close();
    // The tap that closes a menu does nothing else (no row opened by accident under it).
    const swallow = (/** @type {Event} */ c) => { c.preventDefault(); c.stopPropagation(); };
    document.addEventListener('click', swallow, { capture: true, once: true });
    setTimeout(() => document.removeEventListener('click', swallow, { capture: true }), 600);
  };
  const onResize = () => close();
  document.addEventListener('keydown', onKey, true);
  document.addEventListener('pointerdown', onOutside, true);
  window.addEventListener('resize', onResize);
  function close() {
    if (closeOpen !== close) return;
    closeOpen = null;
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('pointerdown', onOutside, true);
    window.removeEventListener('resize', onResize);
    anchor.setAttribute('aria-expanded', 'false');
    host.remove();
  }
  closeOpen = close;
  return close;
}

/** Whether a menu opened by `anchor` is showing (its button toggles it). @param {HTMLElement} anchor */
export function toggleMenu(anchor, /** @type {string} */ label, /** @type {() => MenuEntry[]} */ entries) {
  if (anchor.getAttribute('aria-expanded') === 'true') { closeOpen?.(); return; }
  openMenu(anchor, label, entries());
}

/** @param {HTMLElement} menu @param {HTMLElement} anchor */
function place(menu, anchor) {
  const r = anchor.getBoundingClientRect();
  const m = menu.getBoundingClientRect();
  const below = r.bottom + 4 + m.height <= window.innerHeight;
  const top = below ? r.bottom + 4 : Math.max(8, r.top - 4 - m.height);
  const left = Math.max(8, Math.min(r.left, window.innerWidth - m.width - 8));
  menu.style.top = `${top}px`;
  menu.style.left = `${left}px`;
}
