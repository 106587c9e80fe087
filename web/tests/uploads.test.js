// @ts-check
/** A composer's uploads: limits, the tray's life cycle, the queue, when Send may go, names of pasted pictures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as up from '../state/uploads.js';

const MB = 1024 * 1024;
const limits = { maxBytes: 25 * MB, maxFiles: 3 };
/** @param {string} name @param {number} size */
const c = (name, size = 1000, type = 'image/png') => ({ name, size, type });
/** A tray holding `names`, queued. @param {...string} names */
const tray = (...names) => up.add([], names.map((n) => ({ ...c(n), localId: n })));
const file = (/** @type {string} */ id) => ({ id, name: `${id}.png`, mime_type: 'image/png', size: 1000, url: `/api/v1/files/${id}`, thumbnail_url: null, width: null, height: null });

test('the limits come from the session settings, else the defaults', () => {
  assert.deepEqual(up.limitsFrom({ max_upload_bytes: 5 * MB, max_attachments: 4 }), { maxBytes: 5 * MB, maxFiles: 4 });
  assert.deepEqual(up.limitsFrom(undefined), up.DEFAULT_LIMITS);
  assert.deepEqual(up.limitsFrom({ max_upload_bytes: 'x', max_attachments: 0 }), up.DEFAULT_LIMITS);
  assert.equal(up.DEFAULT_LIMITS.maxBytes, 25 * MB);
  assert.equal(up.DEFAULT_LIMITS.maxFiles, 10);
});

test('a file over the size limit is refused, saying both sizes', () => {
  const { accepted, refused } = up.validate([], [c('photo.png', 31 * MB), c('ok.png')], limits);
  assert.deepEqual(accepted.map((x) => x.name), ['ok.png']);
  assert.deepEqual(refused, ['photo.png is 31 MB; the limit is 25 MB.']);
  assert.deepEqual(up.validate([], [c('edge.bin', 25 * MB)], limits).accepted.length, 1, 'exactly the limit is fine');
  assert.deepEqual(up.validate([], [c('empty.txt', 0)], limits).refused, ['empty.txt is empty.']);
});

test('past the number of files a message carries, the rest are left out, counted once', () => {
  const list = tray('a');
  const { accepted, refused } = up.validate(list, [c('b'), c('c'), c('d'), c('e')], limits);
  assert.deepEqual(accepted.map((x) => x.name), ['b', 'c']);
  assert.deepEqual(refused, ['A message can carry 3 files at most; 2 files were left out.']);
  assert.deepEqual(up.validate(tray('a', 'b'), [c('c'), c('d')], limits).refused, ['A message can carry 3 files at most; 1 file was left out.']);
  // A cancelled upload no longer takes a place.
  assert.equal(up.validate(up.cancel(tray('a', 'b', 'c'), 'a'), [c('d')], limits).accepted.length, 1);
});

test('an upload goes queued → uploading → done, its progress clamped and never backwards', () => {
  let list = tray('a');
  assert.equal(list[0].status, 'queued');
  assert.equal(list[0].mime, 'image/png');
  list = up.start(list, 'a');
  list = up.progress(list, 'a', 0.5);
  assert.equal(list[0].progress, 0.5);
  list = up.progress(list, 'a', 0.2);
  assert.equal(list[0].progress, 0.5, 'never backwards');
  list = up.progress(list, 'a', 7);
  assert.equal(list[0].progress, 1);
  list = up.finish(list, 'a', file('f1'));
  assert.equal(list[0].status, 'done');
  assert.equal(list[0].file?.id, 'f1');
  assert.equal(up.progress(list, 'a', 0.1)[0].progress, 1, 'a finished upload is not moved');
});

test('a failed upload says why; requeued it is tried again; removed it is gone', () => {
  let list = up.start(tray('a', 'b'), 'a');
  list = up.fail(list, 'a', 'The server cannot be reached');
  assert.equal(list[0].status, 'failed');
  assert.equal(list[0].error, 'The server cannot be reached');
  assert.equal(list[0].retry, true);
  assert.equal(up.fail(list, 'a', 'Not allowed', false)[0].retry, false);
  list = up.requeue(list, 'a');
  assert.equal(list[0].status, 'queued');
  assert.equal(list[0].error, '');
  assert.deepEqual(up.remove(list, 'a').map((u) => u.localId), ['b']);
  assert.equal(up.cancel(up.finish(list, 'b', file('f')), 'b')[1].status, 'done', 'a finished upload is removed, not cancelled');
});

test('at most PARALLEL uploads run at once, oldest first', () => {
  let list = tray('a', 'b', 'c', 'd', 'e');
  assert.deepEqual(up.toStart(list), ['a', 'b', 'c']);
  list = up.start(up.start(list, 'a'), 'b');
  assert.deepEqual(up.toStart(list), ['c']);
  list = up.finish(up.start(list, 'c'), 'a', file('fa'));
  assert.deepEqual(up.toStart(list), ['d']);
  assert.deepEqual(up.toStart(list, 1), []);
});

test('Send waits for every upload, and needs text or a finished file', () => {
  assert.deepEqual(up.sendable([], ''), { ok: false, hint: '' });
  assert.deepEqual(up.sendable([], ' hi '), { ok: true, hint: '' });
  let list = up.start(tray('a', 'b'), 'a');
  const waiting = up.sendable(list, 'hi');
  assert.equal(waiting.ok, false);
  assert.match(waiting.hint, /^Uploading 2 files… Send is ready when they are done\.$/);
  list = up.finish(list, 'a', file('fa'));
  assert.match(up.sendable(list, '').hint, /^Uploading 1 file…/);
  list = up.fail(up.start(list, 'b'), 'b', 'Too large');
  assert.equal(up.sendable(list, 'hi').ok, false);
  assert.match(up.sendable(list, '').hint, /could not be uploaded: retry or remove it/);
  assert.match(up.sendable(up.fail(list, 'b', 'Over your quota', false), '').hint, /could not be uploaded: remove it to send/, 'no retry offered when it cannot help');
  list = up.remove(list, 'b');
  assert.deepEqual(up.sendable(list, ''), { ok: true, hint: '' }, 'files alone may go');
  assert.deepEqual(up.doneFiles(list).map((f) => f.id), ['fa']);
});

test('the finished files keep the tray order', () => {
  let list = tray('a', 'b', 'c');
  for (const id of ['c', 'a', 'b']) list = up.finish(up.start(list, id), id, file(`f${id}`));
  assert.deepEqual(up.doneFiles(list).map((f) => f.id), ['fa', 'fb', 'fc']);
});

test('each upload says its size, its progress or its error', () => {
  let list = up.add([], [{ localId: 'a', name: 'a.zip', size: 2.4 * MB, type: 'application/zip' }]);
  assert.equal(up.describe(list[0]), 'Waiting · 2.4 MB');
  list = up.progress(up.start(list, 'a'), 'a', 0.456);
  assert.equal(up.describe(list[0]), '46% of 2.4 MB');
  assert.equal(up.describe(up.finish(list, 'a', file('f'))[0]), '2.4 MB');
  assert.equal(up.describe(up.progress(list, 'a', 1)[0]), 'Finishing… · 2.4 MB', 'all sent, the server still busy');
  assert.equal(up.describe(up.fail(list, 'a', 'Over your quota')[0]), 'Over your quota');
});

test('a pasted picture gets a name with the local date and time', () => {
  const at = new Date(2026, 11, 2, 14, 3, 59);
  assert.equal(up.pastedName(at, 'image/png'), 'Pasted image 2026-12-02 14.03.png');
  assert.equal(up.pastedName(at, 'image/jpeg'), 'Pasted image 2026-12-02 14.03.jpg');
  assert.equal(up.pastedName(new Date(2027, 0, 5, 9, 7), 'image/x-unknown'), 'Pasted image 2027-01-05 09.07.png');
  assert.equal(up.placeholderName('image.png'), true);
  assert.equal(up.placeholderName(''), true);
  assert.equal(up.placeholderName('holiday.png'), false);
});

test('a paste is of files unless it is text that brought a picture of itself along', () => {
  assert.equal(up.pasteIsFiles([], 'hello'), false);
  assert.equal(up.pasteIsFiles([{ type: 'image/png' }], ''), true, 'a screenshot');
  assert.equal(up.pasteIsFiles([{ type: 'image/png' }], 'A1\tB1'), false, 'cells from a spreadsheet');
  assert.equal(up.pasteIsFiles([{ type: 'application/pdf' }], 'report.pdf'), true, 'a file copied in a file manager');
});
