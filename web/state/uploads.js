// @ts-check
/** A composer's files on their way: the list shown in its tray, what may be added (the count and
 * size limits the server names in its session settings), which upload starts next, and whether
 * Send may go. Plain data and pure functions; the transport is api/uploads.js. No DOM here. */
import { humanSize } from './files.js';

/**
 * @typedef {import('./files.js').FileInfo} FileInfo
 * @typedef {'queued' | 'uploading' | 'done' | 'failed' | 'cancelled'} UploadStatus
 * @typedef {{localId: string, name: string, size: number, mime: string, progress: number,
 *   status: UploadStatus, file: FileInfo | null, error: string, retry: boolean}} Upload one file
 *   in the tray: `progress` from 0 to 1; `file` the server's, once done; `error` why it failed,
 *   in words, and `retry` whether trying again may help
 * @typedef {{maxBytes: number, maxFiles: number}} Limits
 * @typedef {{name: string, size: number, type?: string}} Candidate what the browser says of a file
 */

/** The server's defaults, used until (or if) its session settings say otherwise. */
export const DEFAULT_LIMITS = /** @type {Limits} */ ({ maxBytes: 25 * 1024 * 1024, maxFiles: 10 });

/** Uploads running at once per composer: the rest wait their turn, queued. */
export const PARALLEL = 3;

/** The limits in the server's session `settings`, else the defaults.
 * @param {{max_upload_bytes?: unknown, max_attachments?: unknown} | null | undefined} settings @returns {Limits} */
export function limitsFrom(settings) {
  const bytes = settings?.max_upload_bytes;
  const files = settings?.max_attachments;
  return {
    maxBytes: typeof bytes === 'number' && bytes > 0 ? bytes : DEFAULT_LIMITS.maxBytes,
    maxFiles: typeof files === 'number' && files > 0 ? files : DEFAULT_LIMITS.maxFiles,
  };
}

/** Those that count against the limit on files per message (all but the cancelled). @param {Upload[]} list */
const live = (list) => list.filter((u) => u.status !== 'cancelled');

/**
 * Which of `incoming` may join the tray, in order, and why the others may not: over the size
 * limit, empty, or past the number of files one message may carry.
 * @param {Upload[]} list @param {Candidate[]} incoming @param {Limits} limits
 * @returns {{accepted: Candidate[], refused: string[]}} `refused`: one sentence per problem
 */
export function validate(list, incoming, limits) {
  /** @type {Candidate[]} */ const accepted = [];
  /** @type {string[]} */ const refused = [];
  let room = Math.max(0, limits.maxFiles - live(list).length);
  let leftOut = 0;
  for (const c of incoming) {
    if (c.size > limits.maxBytes) refused.push(`${c.name} is ${humanSize(c.size)}; the limit is ${humanSize(limits.maxBytes)}.`);
    else if (c.size === 0) refused.push(`${c.name} is empty.`);
    else if (room === 0) leftOut += 1;
    else { accepted.push(c); room -= 1; }
  }
  if (leftOut) {
    refused.push(`A message can carry ${limits.maxFiles} files at most; ${leftOut === 1 ? '1 file was' : `${leftOut} files were`} left out.`);
  }
  return { accepted, refused };
}

/** New uploads, queued, at the end of the tray.
 * @param {Upload[]} list @param {(Candidate & {localId: string})[]} items @returns {Upload[]} */
export function add(list, items) {
  return [...list, ...items.map((c) => /** @type {Upload} */ ({
    localId: c.localId, name: c.name, size: c.size, mime: c.type ?? '', progress: 0, status: 'queued', file: null, error: '', retry: true,
  }))];
}

/** @param {Upload[]} list @param {string} id @param {(u: Upload) => Upload} fn */
const update = (list, id, fn) => list.map((u) => (u.localId === id ? fn(u) : u));

/** An upload has begun. @param {Upload[]} list @param {string} id */
export const start = (list, id) => update(list, id, (u) => ({ ...u, status: 'uploading', progress: 0, error: '' }));

/** How far an upload is, from 0 to 1 (clamped, never backwards while it runs).
 * @param {Upload[]} list @param {string} id @param {number} fraction */
export const progress = (list, id, fraction) => update(list, id, (u) => (u.status === 'uploading'
  ? { ...u, progress: Math.max(u.progress, Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0))) } : u));

/** The server has the file. @param {Upload[]} list @param {string} id @param {FileInfo} file */
export const finish = (list, id, file) => update(list, id, (u) => ({ ...u, status: 'done', progress: 1, file, error: '' }));

/** An upload failed: why, and whether trying again may help.
 * @param {Upload[]} list @param {string} id @param {string} error @param {boolean} [retry] */
export const fail = (list, id, error, retry = true) => update(list, id, (u) => ({ ...u, status: 'failed', progress: 0, error, retry }));

/** Put back in the queue, to be tried again. @param {Upload[]} list @param {string} id */
export const requeue = (list, id) => update(list, id, (u) => ({ ...u, status: 'queued', progress: 0, error: '' }));

/** Stopped by its author; it no longer counts. @param {Upload[]} list @param {string} id */
export const cancel = (list, id) => update(list, id, (u) => (u.status === 'done' ? u : { ...u, status: 'cancelled' }));

/** Out of the tray. @param {Upload[]} list @param {string} id */
export const remove = (list, id) => list.filter((u) => u.localId !== id);

/** The queued uploads to start now, oldest first, so that at most `parallel` run at once.
 * @param {Upload[]} list @returns {string[]} */
export function toStart(list, parallel = PARALLEL) {
  const running = list.filter((u) => u.status === 'uploading').length;
  return list.filter((u) => u.status === 'queued').slice(0, Math.max(0, parallel - running)).map((u) => u.localId);
}

/** The server's files of the finished uploads, in the tray's order (what a message carries).
 * @param {Upload[]} list @returns {FileInfo[]} */
export function doneFiles(list) {
  return list.flatMap((u) => (u.status === 'done' && u.file ? [u.file] : []));
}

/**
 * Whether Send may go now, and if not, what to tell the author. It waits for every upload to
 * finish (or be removed); it needs text or at least one finished file.
 * @param {Upload[]} list @param {string} text
 * @returns {{ok: boolean, hint: string}} `hint`: empty when there is nothing to say
 */
export function sendable(list, text) {
  const running = list.filter((u) => u.status === 'queued' || u.status === 'uploading').length;
  const failed = list.filter((u) => u.status === 'failed');
  if (running) return { ok: false, hint: `Uploading ${running === 1 ? '1 file' : `${running} files`}… Send is ready when ${running === 1 ? 'it is' : 'they are'} done.` };
  if (failed.length) {
    const them = failed.length === 1 ? 'it' : 'them';
    return { ok: false, hint: `${failed.length === 1 ? 'A file' : `${failed.length} files`} could not be uploaded: ${failed.some((u) => u.retry) ? 'retry or remove' : 'remove'} ${them} to send.` };
  }
  return { ok: Boolean(text.trim()) || doneFiles(list).length > 0, hint: '' };
}

/** The upload's line under its name: its size, how far it is, or why it failed. @param {Upload} u */
export function describe(u) {
  if (u.status === 'failed') return u.error;
  // Every byte is sent: the server is still storing it (and drawing its thumbnail).
  if (u.status === 'uploading') return u.progress >= 1 ? `Finishing… · ${humanSize(u.size)}` : `${Math.round(u.progress * 100)}% of ${humanSize(u.size)}`;
  if (u.status === 'queued') return `Waiting · ${humanSize(u.size)}`;
  return humanSize(u.size);
}

const EXTENSIONS = /** @type {Record<string, string>} */ ({ 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' });
const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');

/** The name of a picture pasted from the clipboard, when the browser gave it none worth keeping
 * ("image.png"): "Pasted image 2026-12-02 14.03.png", in local time.
 * @param {Date} at @param {string} mime */
export function pastedName(at, mime) {
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `Pasted image ${day} ${pad(at.getHours())}.${pad(at.getMinutes())}.${EXTENSIONS[mime] ?? 'png'}`;
}

/** Whether a pasted file's name is the browser's placeholder for a bitmap, not a real file's. @param {string} name */
export const placeholderName = (name) => name === '' || /^image\.(png|jpe?g|gif|webp)$/i.test(name);

/**
 * Whether a paste is of files (uploaded) rather than text (typed in). A copied spreadsheet or
 * document brings its text along with a picture of it: the text wins then.
 * @param {{type: string}[]} files @param {string} text the paste's text/plain
 */
export function pasteIsFiles(files, text) {
  if (files.length === 0) return false;
  return !(text.trim() && files.every((f) => f.type.startsWith('image/')));
}
