// @ts-check
/** A message's files under its text: pictures as previews sized before they load (one alone at
 * its own shape, several in a grid), opening the lightbox; every other file as a card with its
 * type's icon, name, size and a download link, an "Open" link for what the browser can show, and
 * a player for audio and video. */
import { html, svg, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { fileKind, humanSize, fitInto, splitAttachments, downloadUrl, inlineUrl, KIND_LABELS, PREVIEW_MAX } from '../state/files.js';
import { openLightbox } from './lightbox.js';

/**
 * @typedef {import('../state/files.js').FileInfo} FileInfo
 * @typedef {import('../state/files.js').FileKind} FileKind
 */

/** @type {Record<FileKind | 'download' | 'open', import('../vendor/lit-html/lit-html.js').SVGTemplateResult>} */
const glyphs = {
  generic: svg`<path d="M4 1.5h5l3 3v10H4z"/><path d="M9 1.5v3h3"/>`,
  pdf: svg`<path d="M4 1.5h5l3 3v10H4z"/><path d="M9 1.5v3h3M6 8.5h4M6 11h4"/>`,
  document: svg`<path d="M3.5 2.5h9v11h-9z"/><path d="M5.5 5.5h5M5.5 8h5M5.5 10.5h3"/>`,
  text: svg`<path d="M3 4h10M3 7h10M3 10h10M3 13h6"/>`,
  archive: svg`<path d="M3.5 1.5h9v13h-9z"/><path d="M8 1.5v1.5M8 4.5v1.5M8 7.5v1"/><rect x="6.75" y="9" width="2.5" height="2.5" rx=".5"/>`,
  audio: svg`<path d="M6 12V3.5l6.5-1.5V10"/><circle cx="4.5" cy="12" r="1.5"/><circle cx="11" cy="10" r="1.5"/>`,
  video: svg`<rect x="1.5" y="4" width="9.5" height="8" rx="1.5"/><path d="M11 7l3.5-2v6L11 9"/>`,
  image: svg`<rect x="2" y="2.5" width="12" height="11" rx="1.5"/><circle cx="5.5" cy="6" r="1.2"/><path d="M2.5 12l3.5-3.5 2.5 2.5 2-2 3 3"/>`,
  download: svg`<path d="M8 2.5v8M4.5 7L8 10.5 11.5 7M3 13.5h10"/>`,
  open: svg`<path d="M9 2.5h4.5V7M13.5 2.5l-6 6M11.5 9.5v4h-9v-9h4"/>`,
};

/** A file type's icon (also the download and open arrows), 16 px in currentColor.
 * @param {FileKind | 'download' | 'open'} kind */
export const fileIcon = (kind) => html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${glyphs[kind]}</svg>`;

/**
 * The files of a message, in the order sent: pictures first (in a grid when several), then cards.
 * @param {FileInfo[]} files
 * @param {{focusable?: boolean, pending?: boolean}} [opts] `focusable`: the row holds the list's
 *   tab stop, so its controls are in the tab order; `pending`: the message is still on its way
 */
export function attachmentList(files, { focusable = true, pending = false } = {}) {
  const { images, others } = splitAttachments(files);
  const tab = focusable ? 0 : -1;
  return html`<div class=${`attachments${pending ? ' attachments--pending' : ''}`}>
    ${images.length ? imageGrid(images, tab) : nothing}
    ${repeat(others, (f) => f.id, (f) => fileCard(f, tab))}
  </div>`;
}

/** Two or four pictures sit two a row; three or more otherwise three a row. @param {number} n */
const columns = (n) => (n === 2 || n === 4 ? 2 : 3);

/** @param {FileInfo[]} images @param {number} tab */
function imageGrid(images, tab) {
  const layout = images.length === 1 ? 'attachments__images' : `attachments__images attachments__images--grid attachments__images--cols${columns(images.length)}`;
  return html`<div class=${layout}>${repeat(images, (f) => f.id, (f, i) => {
    const box = fitInto(f.width, f.height, PREVIEW_MAX.width, PREVIEW_MAX.height);
    return html`<div class="attachment attachment--image" data-file-id=${f.id}>
      <button type="button" class="attachment__open" tabindex=${tab} aria-haspopup="dialog" title=${f.name}
        @click=${(/** @type {Event} */ e) => openLightbox(images, i, /** @type {HTMLElement} */ (e.currentTarget))}>
        <img class="attachment__image" src=${/** @type {string} */ (f.thumbnail_url)} width=${box.width} height=${box.height}
          loading="lazy" decoding="async" alt=${f.name} draggable="false"></button>
    </div>`;
  })}</div>`;
}

/** @param {FileInfo} f @param {number} tab */
function fileCard(f, tab) {
  const kind = fileKind(f.mime_type);
  // What the browser shows itself opens in a new tab: PDFs and text (`?inline=1`). A picture
  // without a preview (too many pixels to decode) is only ever a download.
  const open = kind === 'pdf' || kind === 'text' ? inlineUrl(f) : null;
  return html`<div class=${`attachment attachment--file attachment--${kind}`} data-file-id=${f.id}>
    ${kind === 'video' ? html`<video class="attachment__video" controls preload="metadata" src=${f.url} tabindex=${tab}
      aria-label=${f.name}></video>` : nothing}
    <div class="attachment__card">
      <span class=${`attachment__icon attachment__icon--${kind}`} role="img" aria-label=${KIND_LABELS[kind]}>${fileIcon(kind)}</span>
      <span class="attachment__meta">
        <span class="attachment__name" title=${f.name}>${f.name}</span>
        <span class="attachment__info">${KIND_LABELS[kind]} · ${humanSize(f.size)}</span>
      </span>
      ${open ? html`<a class="attachment__action" href=${open} target="_blank" rel="noopener" tabindex=${tab}
        aria-label=${`Open ${f.name}`} title="Open in a new tab">${fileIcon('open')}<span class="attachment__action-text">Open</span></a>` : nothing}
      <a class="attachment__action attachment__download" download href=${downloadUrl(f)} tabindex=${tab}
        aria-label=${`Download ${f.name}`} title="Download">${fileIcon('download')}</a>
    </div>
    ${kind === 'audio' ? html`<audio class="attachment__audio" controls preload="metadata" src=${f.url} tabindex=${tab}
      aria-label=${f.name}></audio>` : nothing}
  </div>`;
}
