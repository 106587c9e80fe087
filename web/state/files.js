// @ts-check
/** Files attached to messages: what kind a file is (for its icon and how it is shown), its size in
 * words, and the box an image preview takes before it loads. Shared by the composer (uploads) and
 * the message list (attachments). No DOM here. */

/**
 * A file as the server describes it (`file` in the API).
 * @typedef {{id: string, name: string, mime_type: string, size: number, url: string,
 *   thumbnail_url: string | null, width: number | null, height: number | null, created_at?: string}} FileInfo
 */

/** @typedef {'image' | 'video' | 'audio' | 'pdf' | 'archive' | 'document' | 'text' | 'generic'} FileKind */

const ARCHIVES = new Set([
  'application/zip', 'application/x-zip-compressed', 'application/gzip', 'application/x-gzip',
  'application/x-tar', 'application/x-7z-compressed', 'application/x-rar-compressed',
  'application/vnd.rar', 'application/x-bzip2', 'application/x-xz', 'application/zstd',
]);

/** Office and other word-processor, spreadsheet and slide formats. */
const DOCUMENTS = new Set([
  'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  'application/rtf', 'text/rtf', 'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet', 'application/vnd.oasis.opendocument.presentation',
]);

/**
 * What kind of file a MIME type stands for. Parameters (`; charset=…`) and case are ignored; an
 * unknown or missing type is 'generic'.
 * @param {string | null | undefined} mime @returns {FileKind}
 */
export function fileKind(mime) {
  const type = (mime ?? '').split(';')[0].trim().toLowerCase();
  if (!type) return 'generic';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type === 'application/pdf') return 'pdf';
  if (ARCHIVES.has(type)) return 'archive';
  if (DOCUMENTS.has(type) || type.startsWith('application/vnd.openxmlformats-officedocument.')) return 'document';
  if (type.startsWith('text/')) return 'text';
  return 'generic';
}

/** What a kind is called, for the file card and for screen readers. @type {Record<FileKind, string>} */
export const KIND_LABELS = {
  image: 'Image', video: 'Video', audio: 'Audio', pdf: 'PDF', archive: 'Archive',
  document: 'Document', text: 'Text', generic: 'File',
};

/** Whether the server will serve the file inline with `?inline=1` (open in a new tab). @param {string | null | undefined} mime */
export function opensInline(mime) {
  const kind = fileKind(mime);
  return kind === 'pdf' || kind === 'text' || kind === 'audio' || kind === 'video';
}

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/**
 * A byte count in words, 1024-based, as people read file sizes: "0 B", "512 B", "1.5 KB",
 * "12 KB", "3.4 MB", "25 MB". One decimal below 10, none from 10 up.
 * @param {number} bytes @returns {string}
 */
export function humanSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) { value /= 1024; unit++; }
  // 1023.95 KB would round to "1024 KB": say "1 MB" instead.
  if (value >= 1023.5 && unit < UNITS.length - 1) { value /= 1024; unit++; }
  const text = value < 10 ? (Math.round(value * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${text} ${UNITS[unit]}`;
}

/**
 * The size to draw a picture of `width`×`height` so it fits in `maxWidth`×`maxHeight`, aspect
 * kept, never enlarged, whole pixels, at least 1×1. Missing or bad sizes give the box itself.
 * @param {number | null | undefined} width @param {number | null | undefined} height
 * @param {number} maxWidth @param {number} maxHeight @returns {{width: number, height: number}}
 */
export function fitInto(width, height, maxWidth, maxHeight) {
  if (!width || !height || width <= 0 || height <= 0 || !Number.isFinite(width) || !Number.isFinite(height)) {
    return { width: maxWidth, height: maxHeight };
  }
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The largest an image preview in a message is drawn. */
export const PREVIEW_MAX = { width: 360, height: 240 };

/** Whether a file is shown as a picture (it has a thumbnail the server could make). @param {FileInfo} file */
export const isPreviewable = (file) => Boolean(file.thumbnail_url);

/** A file's link that downloads it whatever its type. @param {FileInfo} file */
export const downloadUrl = (file) => withQuery(file.url, 'download=1');

/** A file's link that opens it in the browser (pdf, text, audio, video). @param {FileInfo} file */
export const inlineUrl = (file) => withQuery(file.url, 'inline=1');

/** @param {string} url @param {string} query */
function withQuery(url, query) {
  return url + (url.includes('?') ? '&' : '?') + query;
}

/**
 * Splits a message's attachments into the pictures shown in a grid and the rest shown as cards,
 * each list in the order given.
 * @param {FileInfo[] | null | undefined} attachments
 * @returns {{images: FileInfo[], others: FileInfo[]}}
 */
export function splitAttachments(attachments) {
  /** @type {FileInfo[]} */ const images = [];
  /** @type {FileInfo[]} */ const others = [];
  for (const file of attachments ?? []) (isPreviewable(file) ? images : others).push(file);
  return { images, others };
}
