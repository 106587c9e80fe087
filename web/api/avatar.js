// @ts-check
/** One's avatar photo: upload it (the server keeps the centre square) or remove it. Both answer
 * the updated user, which the caller puts in the store; the server tells everyone else with
 * `user.updated`. */
import { ApiError, del } from './http.js';

/**
 * `PUT /me/avatar` with the picture as the multipart field `file`. Errors as ApiError: 413
 * `too_large`, 415 `unsupported_type`.
 * @param {Blob} file @param {string} [name] @returns {Promise<import('../state/store.js').User>}
 */
export async function uploadAvatar(file, name = file instanceof File ? file.name : 'avatar') {
  const body = new FormData();
  body.append('file', file, name);
  let response;
  try {
    // No content-type header: the browser writes the multipart boundary itself.
    response = await fetch('/api/v1/me/avatar', { method: 'PUT', credentials: 'same-origin', body });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'unknown', error.message ?? response.statusText, error.field);
  }
  return data.user;
}

/** `DELETE /me/avatar`: back to initials. @returns {Promise<import('../state/store.js').User>} */
export async function removeAvatar() {
  return (await del('/me/avatar')).user;
}
