// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latest, range, older, newer, around, edges } from '../state/window.js';

const seqs = (/** @type {number} */ n, from = 1) => Array.from({ length: n }, (_, i) => from + i);

test('the window starts at the newest messages and is bounded', () => {
  const s = seqs(1000);
  const win = latest(s, 200);
  assert.deepEqual(range(s, win, 200), [800, 1000]);
  assert.deepEqual(range(seqs(30), latest(seqs(30), 200), 200), [0, 30]);
  assert.deepEqual(range([], latest([], 200), 200), [0, 0]);
});

test('a following window takes new messages and sheds its oldest beyond the bound', () => {
  const win = latest(seqs(200), 200);
  assert.deepEqual(range(seqs(205), win, 200), [5, 205]);
});

test('growing older keeps the bound and stops following', () => {
  const s = seqs(1000);
  let win = older(s, latest(s, 200), 60, 200);
  assert.deepEqual(range(s, win, 200), [740, 940]);
  assert.equal(win.end, 940);
  for (let i = 0; i < 20; i++) win = older(s, win, 60, 200);
  assert.deepEqual(range(s, win, 200), [0, 200]);
  assert.equal(edges(s, win, 200).atOldest, true);
});

test('prepending older messages does not move the window', () => {
  const s = seqs(300, 101);
  const win = older(s, latest(s, 200), 60, 200);
  const before = range(s, win, 200).map((i) => s[i]);
  const grown = [...seqs(100, 1), ...s];
  const after = range(grown, win, 200).map((i) => grown[i]);
  assert.deepEqual(after, before);
});

test('growing newer returns to following at the end', () => {
  const s = seqs(1000);
  let win = { start: 1, end: 200 };
  win = newer(s, win, 60, 200);
  assert.deepEqual(range(s, win, 200), [60, 260]);
  for (let i = 0; i < 20; i++) win = newer(s, win, 60, 200);
  assert.equal(win.end, null);
  assert.equal(edges(s, win, 200).atNewest, true);
});

test('a window around a message centres it', () => {
  const s = seqs(1000);
  assert.deepEqual(range(s, around(s, 500, 200), 200), [399, 599]);
  assert.deepEqual(range(s, around(s, 3, 200), 200), [0, 200]);
  assert.equal(around(s, 999, 200).end, null);
});
