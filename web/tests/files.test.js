// @ts-check
/** Files on messages: kinds, sizes in words, preview boxes, links. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileKind, humanSize, fitInto, opensInline, downloadUrl, inlineUrl, splitAttachments, PREVIEW_MAX } from '../state/files.js';

test('MIME types map to the kind that picks the icon', () => {
  assert.equal(fileKind('image/png'), 'image');
  assert.equal(fileKind('video/mp4'), 'video');
  assert.equal(fileKind('audio/mpeg'), 'audio');
  assert.equal(fileKind('application/pdf'), 'pdf');
  assert.equal(fileKind('application/zip'), 'archive');
  assert.equal(fileKind('application/gzip'), 'archive');
  assert.equal(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), 'document');
  assert.equal(fileKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 'document');
  assert.equal(fileKind('application/msword'), 'document');
  assert.equal(fileKind('text/plain'), 'text');
  assert.equal(fileKind('TEXT/PLAIN; charset=utf-8'), 'text', 'case and parameters are ignored');
  assert.equal(fileKind('application/octet-stream'), 'generic');
  assert.equal(fileKind(''), 'generic');
  assert.equal(fileKind(null), 'generic');
  assert.equal(fileKind(undefined), 'generic');
});

test('only pdf, text, audio and video open inline', () => {
  assert.equal(opensInline('application/pdf'), true);
  assert.equal(opensInline('text/plain'), true);
  assert.equal(opensInline('video/webm'), true);
  assert.equal(opensInline('audio/ogg'), true);
  assert.equal(opensInline('application/zip'), false);
  assert.equal(opensInline('image/png'), false, 'images are shown in the lightbox instead');
});

test('sizes read as people read them', () => {
  assert.equal(humanSize(0), '0 B');
  assert.equal(humanSize(1), '1 B');
  assert.equal(humanSize(1023), '1023 B');
  assert.equal(humanSize(1024), '1 KB');
  assert.equal(humanSize(1536), '1.5 KB');
  assert.equal(humanSize(12_345), '12 KB');
  assert.equal(humanSize(1024 * 1024 - 1), '1 MB', 'never "1024 KB"');
  assert.equal(humanSize(3.4 * 1024 * 1024), '3.4 MB');
  assert.equal(humanSize(25 * 1024 * 1024), '25 MB');
  assert.equal(humanSize(2 * 1024 ** 3), '2 GB');
  assert.equal(humanSize(-1), '');
  assert.equal(humanSize(NaN), '');
});

test('a preview fits its box, keeps its shape and is never enlarged', () => {
  assert.deepEqual(fitInto(1920, 1080, 360, 240), { width: 360, height: 203 });
  assert.deepEqual(fitInto(1080, 1920, 360, 240), { width: 135, height: 240 });
  assert.deepEqual(fitInto(480, 480, 360, 240), { width: 240, height: 240 });
  assert.deepEqual(fitInto(100, 50, 360, 240), { width: 100, height: 50 }, 'small stays small');
  assert.deepEqual(fitInto(10_000, 1, 360, 240), { width: 360, height: 1 }, 'at least a pixel');
  assert.deepEqual(fitInto(null, null, 360, 240), { width: 360, height: 240 }, 'unknown: the box');
  assert.deepEqual(fitInto(0, 10, PREVIEW_MAX.width, PREVIEW_MAX.height), { width: 360, height: 240 });
});

test('download and open links add their query to the file URL', () => {
  const file = { id: 'f1', name: 'a.pdf', mime_type: 'application/pdf', size: 10, url: '/api/v1/files/f1', thumbnail_url: null, width: null, height: null };
  assert.equal(downloadUrl(file), '/api/v1/files/f1?download=1');
  assert.equal(inlineUrl(file), '/api/v1/files/f1?inline=1');
  assert.equal(downloadUrl({ ...file, url: '/x?v=1' }), '/x?v=1&download=1');
});

test('attachments split into pictures and cards, in order', () => {
  /** @param {string} id @param {string | null} thumb */
  const f = (id, thumb) => ({ id, name: id, mime_type: thumb ? 'image/png' : 'application/zip', size: 1, url: `/api/v1/files/${id}`, thumbnail_url: thumb, width: 1, height: 1 });
  const { images, others } = splitAttachments([f('a', '/t/a'), f('b', null), f('c', '/t/c'), f('d', null)]);
  assert.deepEqual(images.map((x) => x.id), ['a', 'c']);
  assert.deepEqual(others.map((x) => x.id), ['b', 'd']);
  assert.deepEqual(splitAttachments(undefined), { images: [], others: [] });
});
