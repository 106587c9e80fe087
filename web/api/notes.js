// @ts-check
/** Notes over HTTP: a channel's note and one's personal note of a workspace, their saves (409 when
 * stale, with the server's note), their versions. */
import { get, ApiError } from './http.js';

/**
 * @typedef {import('../state/notes.js').Note} Note
 * @typedef {{version: number, edited_by: string, edited_at: string, length: number}} VersionItem
 * @typedef {{version: number, content: string, html: string, edited_by: string, edited_at: string}} Version
 * @typedef {{kind: 'channel', channelId: string} | {kind: 'personal', workspaceId: string}} NoteRef
 */

/** A save that was written on a stale version: nothing was overwritten; `note` is the server's now. */
export class ConflictError extends ApiError {
  /** @param {string} message @param {Note} note */
  constructor(message, note) {
    super(409, 'conflict', message);
    this.note = note;
  }
}

/** @param {NoteRef} ref */
const base = (ref) => (ref.kind === 'channel' ? `/channels/${ref.channelId}/note` : `/workspaces/${ref.workspaceId}/notes/me`);

/** @param {NoteRef} ref @returns {Promise<Note>} */
export async function loadNote(ref) {
  return (await get(base(ref))).note;
}

/**
 * Saves `content` on top of `expected_version`; the server's note after it, or a ConflictError
 * carrying the note that is there now (the 409's body holds it: read here, not through http.js).
 * @param {NoteRef} ref @param {{content: string, expected_version: number}} body @returns {Promise<Note>}
 */
export async function saveNote(ref, body) {
  let response;
  try {
    response = await fetch(`/api/v1${base(ref)}`, {
      method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached');
  }
  const data = await response.json().catch(() => null);
  if (response.ok) return data.note;
  const error = data?.error ?? {};
  if (response.status === 409 && data?.note) throw new ConflictError(error.message ?? 'conflict', data.note);
  throw new ApiError(response.status, error.code ?? 'unknown', error.message ?? response.statusText, error.field);
}

/** Newest first, the last 50 kept. @param {NoteRef} ref @returns {Promise<VersionItem[]>} */
export async function loadVersions(ref) {
  return (await get(`${base(ref)}/versions`)).versions;
}

/** @param {NoteRef} ref @param {number} n @returns {Promise<Version>} */
export async function loadVersion(ref, n) {
  return (await get(`${base(ref)}/versions/${n}`)).version;
}
