// @ts-check
/** Status and do-not-disturb: what shows now, and the times the dialog's choices stand for. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeStatus, dndActive, clearAt, pauseUntil, nextExpiry, untilText, statusLine, DEFAULT_STATUS_EMOJI } from '../state/status.js';

const now = new Date(2026, 11, 2, 14, 0, 0); // Wednesday 2 December 2026, 14:00 local
const t = now.getTime();
const later = new Date(t + 60_000).toISOString();
const earlier = new Date(t - 60_000).toISOString();

test('a status shows until it expires; an empty one never shows', () => {
  assert.deepEqual(activeStatus({ status_emoji: '🌴', status_text: 'Vacationing', status_expires_at: later }, t), { emoji: '🌴', text: 'Vacationing' });
  assert.equal(activeStatus({ status_emoji: '🌴', status_text: 'Vacationing', status_expires_at: earlier }, t), null, 'expired: the client blanks it too');
  assert.deepEqual(activeStatus({ status_emoji: '🌴', status_text: '', status_expires_at: null }, t), { emoji: '🌴', text: '' }, 'no end: stays');
  assert.equal(activeStatus({ status_emoji: '', status_text: '  ' }, t), null);
  assert.equal(activeStatus(undefined, t), null);
  assert.equal(activeStatus({ status_text: 'Lunch' }, t)?.emoji, DEFAULT_STATUS_EMOJI, 'words without an emoji get the default one');
  assert.equal(activeStatus({ status_text: 'Lunch', status_expires_at: 'not a time' }, t), null, 'an unreadable end counts as passed');
});

test('do-not-disturb holds while dnd_until is ahead', () => {
  assert.equal(dndActive({ dnd_until: later }, t), true);
  assert.equal(dndActive({ dnd_until: earlier }, t), false);
  assert.equal(dndActive({ dnd_until: null }, t), false);
  assert.equal(dndActive(undefined, t), false);
});

test('"Clear after" choices: durations, the end of today, the end of the week', () => {
  assert.equal(clearAt('never', now), null);
  assert.equal(Date.parse(/** @type {string} */ (clearAt('30m', now))) - t, 30 * 60_000);
  assert.equal(Date.parse(/** @type {string} */ (clearAt('1h', now))) - t, 60 * 60_000);
  assert.equal(Date.parse(/** @type {string} */ (clearAt('4h', now))) - t, 240 * 60_000);
  const today = new Date(/** @type {string} */ (clearAt('today', now)));
  assert.deepEqual([today.getDate(), today.getHours(), today.getMinutes()], [2, 23, 59]);
  const week = new Date(/** @type {string} */ (clearAt('week', now)));
  assert.deepEqual([week.getDay(), week.getDate(), week.getHours()], [0, 6, 23], 'Sunday night');
  const sunday = new Date(2026, 11, 6, 10, 0, 0);
  assert.equal(new Date(/** @type {string} */ (clearAt('week', sunday))).getDate(), 6, 'on a Sunday: tonight');
});

test('"Pause notifications" choices, and tomorrow at 9:00 across a month end', () => {
  assert.equal(Date.parse(pauseUntil('30m', now)) - t, 30 * 60_000);
  assert.equal(Date.parse(pauseUntil('2h', now)) - t, 120 * 60_000);
  const tomorrow = new Date(pauseUntil('tomorrow', now));
  assert.deepEqual([tomorrow.getDate(), tomorrow.getHours(), tomorrow.getMinutes()], [3, 9, 0]);
  const endOfMonth = new Date(pauseUntil('tomorrow', new Date(2026, 11, 31, 22, 0)));
  assert.deepEqual([endOfMonth.getFullYear(), endOfMonth.getMonth(), endOfMonth.getDate()], [2027, 0, 1]);
});

test('the next moment a status clears or a pause ends', () => {
  const soon = new Date(t + 5_000).toISOString();
  assert.equal(nextExpiry([{ status_expires_at: later }, { dnd_until: soon }, { status_expires_at: earlier }], t), t + 5_000);
  assert.equal(nextExpiry([{ status_expires_at: earlier }, {}], t), null);
});

test('"until" texts and the one-line status', () => {
  assert.match(untilText(new Date(t + 30 * 60_000).toISOString(), now, 'en-GB'), /^until 14:30$/);
  assert.match(untilText(pauseUntil('tomorrow', now), now, 'en-GB'), /^until tomorrow, 0?9:00$/);
  assert.match(untilText(new Date(2026, 11, 4, 9, 0).toISOString(), now, 'en-GB'), /^until Friday, 0?9:00$/);
  assert.match(untilText(new Date(2030, 0, 1, 0, 0).toISOString(), now, 'en-GB'), /2030/, 'another year says which');
  assert.equal(statusLine({ emoji: '🌴', text: 'Vacationing' }), '🌴 Vacationing');
  assert.equal(statusLine({ emoji: '🌴', text: '' }), '🌴');
});
