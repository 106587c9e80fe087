// @ts-check
/** Uploading a file: `POST /workspaces/{wid}/files` as multipart `file`, over XMLHttpRequest so
 * the bytes sent can be watched (fetch cannot report upload progress) and the request aborted.
 * The session cookie goes along (same origin). Also the server's limits, asked once per page. */
import { ApiError, del, get } from './http.js';
import { limitsFrom } from '../state/uploads.js';

/** @typedef {import('../state/files.js').FileInfo} FileInfo */

/**
 * Starts an upload. `done` resolves with the server's file or rejects with an ApiError whose
 * message is for the author (status 0 and code 'aborted' after `abort()`).
 * @param {string} wid @param {Blob} blob @param {string} name
 * @param {(fraction: number) => void} onProgress
 * @returns {{done: Promise<FileInfo>, abort: () => void}}
 */
export function upload(wid, blob, name, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `/api/v1/workspaces/${encodeURIComponent(wid)}/files`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      if (xhr.status === 201 || xhr.status === 200) {
        const file = xhr.response?.file;
        if (file) { resolve(file); return; }
      }
      reject(refusal(xhr.status, xhr.response?.error, name));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', navigator.onLine ? 'The server cannot be reached' : 'You are offline'));
    xhr.ontimeout = () => reject(new ApiError(0, 'network', 'The upload took too long'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Cancelled'));
    const form = new FormData();
    form.append('file', blob, name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** Deletes an upload taken out of the composer before it was sent; a failure is left to the
 * server, which deletes uploads never shared after a day. @param {string} fileId */
export function discard(fileId) {
  del(`/api/v1/files/${encodeURIComponent(fileId)}`).catch(() => {});
}

/**
 * The server's refusal in words for the author; `retry` on the error says whether trying the
 * same upload again may help.
 * @param {number} status @param {{code?: string, message?: string} | undefined} error @param {string} name
 * @returns {ApiError & {retry: boolean}}
 */
export function refusal(status, error, name) {
  const code = error?.code ?? 'unknown';
  // The server writes its messages in lower case, to follow a colon; a card shows one alone.
  const said = (error?.message ?? '').replace(/^\p{Ll}/u, (c) => c.toUpperCase());
  /** @type {[string, boolean]} */
  const [message, retry] =
    status === 413 ? [said || `${name} is too large`, false]
    : status === 415 ? [said || 'This type of file cannot be uploaded', false]
    : status === 401 ? ['You are logged out: log in again, then retry', true]
    : status === 403 || status === 404 ? [said || 'You cannot upload files here', false]
    : status === 429 ? ['Too many uploads at once: wait a moment, then retry', true]
    : status >= 500 || status === 0 ? ['The server had a problem with this upload', true]
    : [said || `The upload was refused (${status})`, false];
  return Object.assign(new ApiError(status, code, message), { retry });
}

/** @type {Promise<import('../state/uploads.js').Limits> | null} */
let limits = null;

/** The server's upload limits (GET /auth/session settings), asked once per page. */
export function uploadLimits() {
  limits ??= get('/auth/session').then((answer) => limitsFrom(answer?.settings), () => { limits = null; return limitsFrom(null); });
  return limits;
}
