// @ts-check
/** A composer's files before they are sent: the tray above its text (a card per file with a
 * preview or type icon (ui/attachments.js draws the icon, as on a sent message's card), name, size, a progress bar, Retry and Remove), the uploads behind it
 * (api/uploads.js, at most three at once), and the ways in: the attach button's file picker,
 * files dropped on the pane (with an overlay saying where they go), files pasted into the text.
 * A tray outlives its composer: a channel switch leaves its uploads running for the return. */
import { html, svg, render, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { h } from './dom.js';
import * as up from '../state/uploads.js';
import { fileKind } from '../state/files.js';
import { discard, upload, uploadLimits } from '../api/uploads.js';
import { fileIcon } from './attachments.js';

/**
 * @typedef {import('../state/uploads.js').Upload} Upload
 * @typedef {import('../state/files.js').FileInfo} FileInfo
 * @typedef {{list: Upload[], blobs: Map<string, File>, aborts: Map<string, () => void>,
 *   previews: Map<string, string>, wid: string, views: Set<() => void>}} Tray
 */

/** Trays by user and composer (`<user>:<channel>` or `<user>:<channel>/<root>`). @type {Map<string, Tray>} */
const trays = new Map();
let uploads = 0;

/** @param {string} key @param {string} wid @returns {Tray} */
function trayOf(key, wid) {
  let tray = trays.get(key);
  if (!tray) {
    tray = { list: [], blobs: new Map(), aborts: new Map(), previews: new Map(), wid, views: new Set() };
    trays.set(key, tray);
  }
  return tray;
}

/** @param {Tray} tray @param {Upload[]} list */
function set(tray, list) {
  tray.list = list;
  for (const view of tray.views) view();
}

/** Starts what the queue lets start. @param {Tray} tray */
function pump(tray) {
  for (const id of up.toStart(tray.list)) {
    const blob = tray.blobs.get(id);
    const item = tray.list.find((u) => u.localId === id);
    if (!blob || !item) continue;
    set(tray, up.start(tray.list, id));
    const { done, abort } = upload(tray.wid, blob, item.name, (fraction) => set(tray, up.progress(tray.list, id, fraction)));
    tray.aborts.set(id, abort);
    done.then((file) => set(tray, up.finish(tray.list, id, file)), (/** @type {any} */ e) => {
      // A cancelled upload is out of the tray already.
      if (e.code !== 'aborted') set(tray, up.fail(tray.list, id, e.message, e.retry ?? true));
    }).finally(() => { tray.aborts.delete(id); pump(tray); });
  }
}

/** @param {Tray} tray @param {string} id */
function drop(tray, id) {
  // Already on the server: delete it there too (it is nobody's to see and counts on the quota).
  const uploaded = tray.list.find((u) => u.localId === id)?.file;
  if (uploaded) discard(uploaded.id);
  tray.aborts.get(id)?.();
  tray.blobs.delete(id);
  tray.previews.delete(id);
  set(tray, up.remove(tray.list, id));
}

/** A small square picture of an image, as a data: URL (the page's CSP allows no blob: images),
 * or '' when the browser cannot decode it. @param {Blob} blob */
async function previewOf(blob) {
  if (!/^image\/(png|jpeg|gif|webp)$/.test(blob.type)) return '';
  try {
    const bitmap = await createImageBitmap(blob);
    const side = 96;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const crop = Math.min(bitmap.width, bitmap.height);
    canvas.getContext('2d')?.drawImage(bitmap, (bitmap.width - crop) / 2, (bitmap.height - crop) / 2, crop, crop, 0, 0, side, side);
    bitmap.close();
    return canvas.toDataURL('image/png');
  } catch {
    return '';
  }
}

/** Whether a drag carries files (not text or a link dragged from the page). @param {DragEvent} e */
const carriesFiles = (e) => Boolean(e.dataTransfer?.types.includes('Files'));

// Files dropped outside every drop zone would make the browser open them and leave the app.
let guarded = false;
function guardPage() {
  if (guarded) return;
  guarded = true;
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (e) => {
      const event = /** @type {DragEvent} */ (e);
      if (event.defaultPrevented || !carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
    });
  }
}

/**
 * The tray of composer `key`, drawn into its own element; uploads go to workspace `wid`.
 * @param {{key: string, wid: string, changed: () => void, say: (text: string) => void, accepting: () => boolean}} opts
 *   `changed` is told when the list changes (Send may become ready); `say` shows why files were
 *   refused; `accepting` says whether files may be added now (not while a message is edited)
 */
export function mountUploadTray({ key, wid, changed, say, accepting }) {
  const tray = trayOf(key, wid);
  tray.wid = wid;
  const element = h('div', { class: 'upload-tray', hidden: true });
  const picker = /** @type {HTMLInputElement} */ (h('input', { type: 'file', multiple: true, hidden: true, tabindex: '-1', 'aria-hidden': 'true' }));
  picker.addEventListener('change', () => { add([...(picker.files ?? [])]); picker.value = ''; });
  const attach = h('button', { type: 'button', class: 'composer__attach', 'aria-label': 'Attach files', title: 'Attach files',
    onclick: () => { if (accepting()) picker.click(); } }, paperclip());
  /** @type {(() => void)[]} */ const undo = [];
  guardPage();

  const draw = () => {
    element.hidden = tray.list.length === 0;
    render(html`<ul class="upload-tray__list" aria-label="Files to send">${repeat(tray.list, (u) => u.localId, (u) => card(u))}</ul>`, element);
    changed();
  };
  /** @param {Upload} u */
  const card = (u) => {
    const preview = tray.previews.get(u.localId) || u.file?.thumbnail_url || '';
    const running = u.status === 'uploading' || u.status === 'queued';
    return html`<li class=${`upload upload--${u.status}`} data-local-id=${u.localId}>
      <span class="upload__thumb" aria-hidden="true">${preview ? html`<img class="upload__image" src=${preview} alt="">`
        : html`<span class=${`attachment__icon attachment__icon--${fileKind(u.mime)}`}>${fileIcon(fileKind(u.mime))}</span>`}</span>
      <span class="upload__text">
        <span class="upload__name" title=${u.name}>${u.name}</span>
        <span class="upload__meta" role=${u.status === 'failed' ? 'alert' : nothing}>${up.describe(u)}</span>
        ${running ? html`<progress class="upload__bar" max="100" .value=${Math.round(u.progress * 100)} aria-label=${`Uploading ${u.name}`}></progress>` : nothing}
      </span>
      ${u.status === 'failed' && u.retry ? html`<button type="button" class="upload__retry" aria-label=${`Retry ${u.name}`}
        @click=${() => { set(tray, up.requeue(tray.list, u.localId)); pump(tray); }}>Retry</button>` : nothing}
      <button type="button" class="upload__remove" aria-label=${`Remove ${u.name}`} title="Remove"
        @click=${(/** @type {Event} */ e) => removeFrom(u.localId, /** @type {HTMLElement} */ (e.currentTarget))}>${cross}</button>
    </li>`;
  };
  /** Removes a card; the focus moves to the next card's Remove, else the previous's, else the text. @param {string} id @param {HTMLElement} button */
  const removeFrom = (id, button) => {
    const buttons = [...element.querySelectorAll('.upload__remove')];
    const at = buttons.indexOf(button);
    drop(tray, id);
    const next = /** @type {HTMLElement | undefined} */ ([...element.querySelectorAll('.upload__remove')][Math.min(at, tray.list.length - 1)]);
    if (next) next.focus();
    else element.closest('.composer')?.querySelector('textarea')?.focus();
  };

  /** Adds files to the tray, those the limits allow, and starts them. @param {File[]} files */
  async function add(files) {
    if (!files.length) return;
    if (!accepting()) { say('Finish the edit first: files go with a new message.'); return; }
    const limits = await uploadLimits();
    const { accepted, refused } = up.validate(tray.list, files, limits);
    say(refused.join(' '));
    const items = /** @type {File[]} */ (accepted).map((file) => ({ localId: `u${++uploads}`, name: file.name, size: file.size, type: file.type, file }));
    for (const item of items) {
      tray.blobs.set(item.localId, item.file);
      previewOf(item.file).then((url) => { if (url && tray.blobs.has(item.localId)) { tray.previews.set(item.localId, url); draw(); } });
    }
    set(tray, up.add(tray.list, items));
    pump(tray);
  }

  /** Pasted files (a screenshot): uploaded instead of typed in; a bitmap gets a name. @param {ClipboardEvent} e */
  function onPaste(e) {
    const data = e.clipboardData;
    if (!data) return;
    const files = [...data.files];
    if (!up.pasteIsFiles(files, data.getData('text/plain'))) return;
    e.preventDefault();
    const at = new Date();
    add(files.map((f) => (f.type.startsWith('image/') && up.placeholderName(f.name) ? new File([f], up.pastedName(at, f.type), { type: f.type }) : f)));
  }

  /** Files dropped anywhere on `host` join the tray; an overlay says so while they are dragged over.
   * @param {HTMLElement} host @param {string} label */
  function acceptDrops(host, label) {
    const overlay = h('div', { class: 'dropzone', hidden: true, 'aria-hidden': 'true' }, h('div', { class: 'dropzone__box' }, paperclip(), h('p', { class: 'dropzone__label' }, label)));
    host.append(overlay);
    let depth = 0;
    const hide = () => { depth = 0; overlay.hidden = true; };
    /** @param {DragEvent} e */
    const enter = (e) => {
      if (!carriesFiles(e) || !accepting()) return;
      e.preventDefault();
      if (getComputedStyle(host).position === 'static') host.classList.add('dropzone-host');
      depth += 1;
      overlay.hidden = false;
    };
    /** @param {DragEvent} e */
    const over = (e) => {
      if (!carriesFiles(e) || !accepting()) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      overlay.hidden = false;
    };
    const leave = () => { depth = Math.max(0, depth - 1); if (depth === 0) overlay.hidden = true; };
    /** @param {DragEvent} e */
    const dropped = (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      hide();
      add([...(e.dataTransfer?.files ?? [])]);
    };
    const listeners = /** @type {[string, (e: any) => void][]} */ ([['dragenter', enter], ['dragover', over], ['dragleave', leave], ['drop', dropped]]);
    for (const [type, fn] of listeners) host.addEventListener(type, fn);
    // A drag that ends elsewhere (Esc, a drop outside the window) leaves no overlay behind.
    window.addEventListener('dragend', hide);
    window.addEventListener('drop', hide);
    undo.push(() => {
      for (const [type, fn] of listeners) host.removeEventListener(type, fn);
      window.removeEventListener('dragend', hide);
      window.removeEventListener('drop', hide);
      overlay.remove();
      host.classList.remove('dropzone-host');
    });
  }

  tray.views.add(draw);
  queueMicrotask(draw);
  return {
    element, attach, picker, onPaste, acceptDrops, add,
    /** @returns {Upload[]} */ list: () => tray.list,
    /** The finished files, in order. */ files: () => up.doneFiles(tray.list),
    /** Empties the tray (its message was sent). */
    clear() {
      for (const u of tray.list) { tray.aborts.get(u.localId)?.(); }
      tray.blobs.clear();
      tray.previews.clear();
      set(tray, []);
    },
    /** The composer goes; its uploads go on, for its return. */
    teardown() {
      tray.views.delete(draw);
      for (const fn of undo) fn();
      render(nothing, element);
      if (!tray.list.length) trays.delete(key);
    },
  };
}

const glyph = (/** @type {import('../vendor/lit-html/lit-html.js').SVGTemplateResult} */ paths, size = 16) => html`<svg class="icon" viewBox="0 0 16 16" width=${size} height=${size}
  aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;
const cross = glyph(svg`<path d="M4.5 4.5l7 7M11.5 4.5l-7 7"/>`);

/** The paperclip, as a node (the composer is built with h()). */
function paperclip() {
  const host = document.createElement('span');
  host.className = 'composer__clip';
  render(glyph(svg`<path d="M13 7.5l-5.3 5.3a3.2 3.2 0 01-4.5-4.5L8.8 2.7a2.1 2.1 0 013 3L6.2 11.3a1 1 0 01-1.5-1.5L9.8 4.7"/>`, 18), host);
  return host;
}
