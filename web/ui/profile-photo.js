// @ts-check
/** The profile dialog's photo: the current avatar, "Upload photo" (a picture is previewed with
 * the centre square the server keeps marked over it, then saved or cancelled) and "Remove photo".
 * It acts at once, apart from the dialog's own Save; errors (too big, not a picture) show under it. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { h } from './dom.js';
import { store, putUser } from '../state/store.js';
import { avatarFileProblem, cropPreview, AVATAR_TYPES } from '../state/avatar.js';
import { uploadAvatar, removeAvatar } from '../api/avatar.js';
import { ApiError } from '../api/http.js';
import { avatar } from './people.js';

/** The size of the square the preview shows (px). */
const CROP_SIDE = 160;

let ids = 0;

/** @returns {HTMLElement} the field, to put among the profile dialog's */
export function photoField() {
  const errorId = `photo-error-${++ids}`;
  const labelId = `photo-label-${ids}`;
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'file', accept: AVATAR_TYPES.join(','), class: 'visually-hidden photo__input',
    tabindex: -1, 'aria-hidden': 'true', 'aria-describedby': errorId }));
  const host = h('div', { class: 'photo__body' });
  const error = h('p', { class: 'field__error', id: errorId, 'aria-live': 'polite' });
  const root = h('div', { class: 'field photo', role: 'group', 'aria-labelledby': labelId },
    h('span', { class: 'photo__label', id: labelId }, 'Photo'), host, input, error);

  /** The chosen picture, until it is saved or cancelled. @type {{file: File, src: string, width: number, height: number} | null} */
  let chosen = null;
  let busy = false;

  /** @param {string} text */
  const fail = (text) => { error.textContent = text; };
  const focus = (/** @type {string} */ selector) => /** @type {HTMLElement | null} */ (host.querySelector(selector))?.focus();

  /** @param {() => Promise<import('../state/store.js').User>} action @param {string} then where the focus goes after */
  async function run(action, then) {
    busy = true;
    fail('');
    draw();
    try {
      putUser(await action());
      chosen = null;
    } catch (err) {
      fail(problem(err));
    } finally {
      busy = false;
      draw();
      focus(then);
    }
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const bad = avatarFileProblem(file);
    if (bad) { fail(bad); return; }
    fail('');
    // The page's policy lets pictures come from data: URLs (not blob:).
    const reader = new FileReader();
    reader.onload = () => {
      const src = String(reader.result);
      const img = new Image();
      img.onload = () => { chosen = { file, src, width: img.naturalWidth, height: img.naturalHeight }; draw(); focus('.photo__save'); };
      img.onerror = () => fail('That file cannot be read as a picture. Choose another one.');
      img.src = src;
    };
    reader.onerror = () => fail('That file cannot be read. Choose another one.');
    reader.readAsDataURL(file);
  });

  const draw = () => {
    const me = store.me;
    if (!me) return;
    if (chosen) {
      const { image, frame, square } = cropPreview(chosen.width, chosen.height, CROP_SIDE);
      render(html`<div class="photo__crop">
          <div class="photo__frame" .style=${`width:${frame.width}px;height:${frame.height}px`}>
            <img class="photo__image" src=${chosen.src} alt="Your new photo"
              .style=${`width:${image.width}px;height:${image.height}px;left:${image.left}px;top:${image.top}px`}>
            <span class="photo__square" aria-hidden="true" .style=${`width:${square.side}px;height:${square.side}px;left:${square.left}px;top:${square.top}px`}></span>
          </div>
          <p class="dialog__note">Your photo is what is inside the square.</p>
          <div class="photo__buttons">
            <button type="button" class="button" aria-label="Cancel the new photo" ?disabled=${busy}
              @click=${() => { chosen = null; fail(''); draw(); focus('.photo__upload'); }}>Cancel</button>
            <button type="button" class="button button--primary photo__save" ?disabled=${busy}
              @click=${() => { const file = chosen?.file; if (file) run(() => uploadAvatar(file), '.photo__upload'); }}>${busy ? 'Saving…' : 'Save photo'}</button>
          </div>
        </div>`, host);
      return;
    }
    render(html`<div class="photo__row">
        ${avatar(me.id, 72)}
        <div class="photo__buttons">
          <button type="button" class="button photo__upload" aria-describedby=${errorId} ?disabled=${busy}
            @click=${() => input.click()}>${me.avatar_url ? 'Upload a new photo' : 'Upload photo'}</button>
          ${me.avatar_url ? html`<button type="button" class="button button--link photo__remove" ?disabled=${busy}
            @click=${() => run(removeAvatar, '.photo__upload')}>${busy ? 'Removing…' : 'Remove photo'}</button>` : nothing}
        </div>
      </div>`, host);
  };
  draw();
  return root;
}

/** What an upload's failure means to the person. @param {unknown} err */
function problem(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.';
  if (err.status === 413) return 'That image is too big: choose one under 2 MB.';
  if (err.status === 415) return 'That file is not a picture the server takes: choose a PNG, JPEG, GIF or WebP.';
  if (err.status === 0) return 'The server cannot be reached. Try again.';
  return err.message.charAt(0).toUpperCase() + err.message.slice(1);
}
