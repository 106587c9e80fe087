// @ts-check
/** One floating tooltip for the page: shown beside an element from its `data-tip` (and, large,
 * its `data-tip-emoji`), above it when there is room, else below, always inside the window. It is
 * visual only (aria-hidden): the element's own label says the same to screen readers. It follows
 * the element's `data-tip` while shown, and goes when the element leaves the page. */

/** @type {HTMLElement | null} */ let tip = null;
/** @type {HTMLElement | null} */ let target = null;
/** @type {MutationObserver | null} */ let watch = null;

/** @param {HTMLElement} el */
export function showTip(el) {
  if (!el.dataset.tip) return;
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'tooltip';
    tip.setAttribute('aria-hidden', 'true');
    watch = new MutationObserver((records) => {
      if (!target?.isConnected) hideTip();
      else if (records.some((r) => r.type === 'attributes')) fill();
    });
  }
  target = el;
  document.body.append(tip);
  watch?.disconnect();
  watch?.observe(el, { attributes: true, attributeFilter: ['data-tip', 'data-tip-emoji'] });
  // The element may be re-rendered away (its row replaced): the tip must not stay behind.
  watch?.observe(document.body, { childList: true, subtree: true });
  addEventListener('scroll', onScroll, true);
  fill();
}

const onScroll = () => hideTip();

/** Hides the tip (of `el` only, when given). @param {HTMLElement} [el] */
export function hideTip(el) {
  if (!tip || (el && el !== target)) return;
  watch?.disconnect();
  removeEventListener('scroll', onScroll, true);
  tip.remove();
  target = null;
}

function fill() {
  if (!tip || !target) return;
  tip.replaceChildren();
  const emoji = target.dataset.tipEmoji;
  if (emoji) tip.append(Object.assign(document.createElement('span'), { className: 'tooltip__emoji', textContent: emoji }));
  tip.append(Object.assign(document.createElement('span'), { className: 'tooltip__text', textContent: target.dataset.tip ?? '' }));
  const r = target.getBoundingClientRect();
  const t = tip.getBoundingClientRect();
  const above = r.top - 6 - t.height >= 8;
  const top = above ? r.top - 6 - t.height : Math.min(r.bottom + 6, window.innerHeight - t.height - 8);
  const left = Math.max(8, Math.min(r.left + r.width / 2 - t.width / 2, window.innerWidth - t.width - 8));
  tip.style.top = `${top}px`;
  tip.style.left = `${left}px`;
}

/** @param {Event} e */
const el = (e) => /** @type {HTMLElement} */ (e.currentTarget);
/** Handlers for an element with a tip: shown while the mouse is over it or it has keyboard focus
 * (a click's focus shows none: the pointer's tip is there already). */
export const tipEvents = {
  enter: (/** @type {PointerEvent} */ e) => { if (e.pointerType === 'mouse') showTip(el(e)); },
  leave: (/** @type {Event} */ e) => hideTip(el(e)),
  focus: (/** @type {Event} */ e) => { if (el(e).matches(':focus-visible')) showTip(el(e)); },
};
