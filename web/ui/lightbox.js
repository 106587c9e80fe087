// @ts-check
/** The full-size picture over the page, in a native modal <dialog>: its name, size, a download
 * link and a close button; Escape, the close button or a click beside the picture closes it, and
 * the focus goes back to the preview that opened it. Left/Right (and a swipe on touch) step
 * through the pictures of the same message. */
import { html, svg, render, nothing } from '../vendor/lit-html/lit-html.js';
import { humanSize, downloadUrl } from '../state/files.js';

/** @typedef {import('../state/files.js').FileInfo} FileInfo */

/** @param {import('../vendor/lit-html/lit-html.js').SVGTemplateResult} path */
const glyph = (path) => html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none"
  stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;
const downloadIcon = glyph(svg`<path d="M8 2.5v8M4.5 7L8 10.5 11.5 7M3 13.5h10"/>`);
const closeIcon = glyph(svg`<path d="M3.5 3.5l9 9M12.5 3.5l-9 9"/>`);

/**
 * @param {FileInfo[]} files the message's pictures @param {number} index the one to show
 * @param {HTMLElement} opener gets the focus back on close
 */
export function openLightbox(files, index, opener) {
  if (!files.length) return;
  document.querySelector('dialog.lightbox')?.remove();
  let at = Math.min(Math.max(index, 0), files.length - 1);
  const dialog = /** @type {HTMLDialogElement} */ (document.createElement('dialog'));
  dialog.className = 'lightbox';
  const close = () => dialog.close();
  /** @param {number} step */
  const go = (step) => {
    if (files.length < 2) return;
    at = (at + step + files.length) % files.length;
    draw();
  };

  const draw = () => {
    const f = files[at];
    const many = files.length > 1;
    dialog.setAttribute('aria-label', f.name);
    render(html`<div class="lightbox__bar">
        <p class="lightbox__title"><span class="lightbox__name" title=${f.name}>${f.name}</span>
          <span class="lightbox__meta">${humanSize(f.size)}${many ? ` · ${at + 1} of ${files.length}` : ''}</span></p>
        <a class="lightbox__button" download href=${downloadUrl(f)} aria-label=${`Download ${f.name}`}>${downloadIcon}<span class="lightbox__button-text">Download</span></a>
        <button type="button" class="lightbox__button lightbox__close" aria-label="Close" @click=${close}>${closeIcon}</button>
      </div>
      <div class="lightbox__stage">
        ${many ? html`<button type="button" class="lightbox__step lightbox__step--prev" aria-label="Previous image" @click=${() => go(-1)}>‹</button>` : nothing}
        <img class="lightbox__image" src=${f.url} alt=${f.name} width=${f.width ?? nothing} height=${f.height ?? nothing} decoding="async">
        ${many ? html`<button type="button" class="lightbox__step lightbox__step--next" aria-label="Next image" @click=${() => go(1)}>›</button>` : nothing}
      </div>`, dialog);
  };

  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') { e.preventDefault(); go(e.key === 'ArrowLeft' ? -1 : 1); }
  };
  /** A click on the dark around the picture (not the picture, not a control) closes. @param {MouseEvent} e */
  const onClick = (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target === dialog || target.classList.contains('lightbox__stage')) close();
  };
  /** @type {{x: number, y: number} | null} */ let touch = null;
  /** @param {TouchEvent} e */
  const onTouchStart = (e) => { const t = e.touches[0]; touch = e.touches.length === 1 ? { x: t.clientX, y: t.clientY } : null; };
  /** @param {TouchEvent} e */
  const onTouchEnd = (e) => {
    const t = e.changedTouches[0];
    if (touch && Math.abs(t.clientX - touch.x) > 60 && Math.abs(t.clientY - touch.y) < 80) go(t.clientX < touch.x ? 1 : -1);
    touch = null;
  };
  dialog.addEventListener('keydown', onKey);
  dialog.addEventListener('click', onClick);
  dialog.addEventListener('touchstart', onTouchStart, { passive: true });
  dialog.addEventListener('touchend', onTouchEnd);
  dialog.addEventListener('close', () => {
    dialog.removeEventListener('keydown', onKey);
    dialog.removeEventListener('click', onClick);
    dialog.removeEventListener('touchstart', onTouchStart);
    dialog.removeEventListener('touchend', onTouchEnd);
    render(nothing, dialog);
    dialog.remove();
    if (opener.isConnected) opener.focus({ preventScroll: true });
  }, { once: true });

  draw();
  document.body.append(dialog);
  dialog.showModal();
  /** @type {HTMLElement | null} */ (dialog.querySelector('.lightbox__close'))?.focus();
}
