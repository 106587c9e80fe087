// @ts-check
/** Avatar photos: which copy to load, what may be uploaded, the crop preview; and a deleted message loses its files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avatarSrc, avatarFileProblem, cropPreview, AVATAR_MAX_BYTES } from '../state/avatar.js';
import { applyEvent, emptyLog } from '../state/messages.js';

test('small avatars load the 128 px copy, big ones the full one, none without a photo', () => {
  assert.equal(avatarSrc('/api/v1/avatars/a1', 20), '/api/v1/avatars/a1?size=128');
  assert.equal(avatarSrc('/api/v1/avatars/a1', 64), '/api/v1/avatars/a1?size=128');
  assert.equal(avatarSrc('/api/v1/avatars/a1', 72), '/api/v1/avatars/a1');
  assert.equal(avatarSrc('/api/v1/avatars/a1', 160), '/api/v1/avatars/a1');
  assert.equal(avatarSrc(null, 36), null);
  assert.equal(avatarSrc(undefined, 36), null);
  assert.equal(avatarSrc('', 36), null);
  assert.equal(avatarSrc('/a?v=2', 36), '/a?v=2&size=128');
});

test('only PNG, JPEG, GIF and WebP up to 2 MB are offered to the server', () => {
  assert.equal(avatarFileProblem({ type: 'image/png', size: 1000 }), null);
  assert.equal(avatarFileProblem({ type: 'image/webp', size: AVATAR_MAX_BYTES }), null);
  assert.match(String(avatarFileProblem({ type: 'image/svg+xml', size: 10 })), /PNG, JPEG, GIF or WebP/);
  assert.match(String(avatarFileProblem({ type: 'application/pdf', size: 10 })), /PNG/);
  assert.match(String(avatarFileProblem({ type: 'image/jpeg', size: AVATAR_MAX_BYTES + 1 })), /2 MB/);
});

test('the crop preview shows the centre square the server keeps', () => {
  const wide = cropPreview(1600, 900);
  assert.deepEqual(wide.image, { width: 284, height: 160, left: -2, top: 0 }, 'short side = the square');
  assert.deepEqual(wide.frame, { width: 280, height: 160 });
  assert.deepEqual(wide.square, { left: 60, top: 0, side: 160 });
  const tall = cropPreview(600, 1200);
  assert.deepEqual(tall.image, { width: 160, height: 320, left: 0, top: -20 });
  assert.deepEqual(tall.square, { left: 0, top: 60, side: 160 });
  const square = cropPreview(40, 40);
  assert.deepEqual(square.image, { width: 160, height: 160, left: 0, top: 0 }, 'small pictures are scaled up to show');
  assert.deepEqual(square.square, { left: 0, top: 0, side: 160 });
  assert.deepEqual(cropPreview(0, 0).frame, { width: 160, height: 160 }, 'unknown size: just the square');
});

test('a deleted message keeps no attachments', () => {
  const file = { id: 'f', name: 'a.png', mime_type: 'image/png', size: 1, url: '/api/v1/files/f', thumbnail_url: '/t', width: 1, height: 1 };
  const message = { id: 'm', channel_id: 'c', seq: 1, author_id: 'u', content: '', html: '', created_at: '', edited_at: null, deleted: false,
    thread_root_id: null, reply_count: 0, mentions: [], attachments: [file] };
  let log = applyEvent(emptyLog(), { type: 'message.created', seq: 1, message });
  assert.equal(log.messages[0].attachments?.length, 1);
  log = applyEvent(log, { type: 'message.deleted', seq: 2, message_id: 'm' });
  assert.deepEqual(log.messages[0].attachments, []);
});
