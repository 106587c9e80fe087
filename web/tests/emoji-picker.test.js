// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, byEmoji, search, sections, gridRows, move, loadRecent, saveRecent, used, normalize, CATEGORIES, RECENT_MAX } from '../state/emoji-picker.js';
import { categories } from '../vendor/gemoji/picker.js';

const data = {
  'Smileys & Emotion': '😀 grinning smile happy\n😂 joy tears\n❤️ heart love',
  'People & Body': '👍 +1 thumbsup approve ok\n👀 eyes look see watch',
  Activities: '🎉 tada hooray party\n🎊 confetti_ball',
  Flags: '🏁 checkered_flag milestone finish',
};
const entries = parse(data);

/** @param {Map<string, string>} [map] */
const memory = (map = new Map()) => ({ getItem: (/** @type {string} */ k) => map.get(k) ?? null, setItem: (/** @type {string} */ k, /** @type {string} */ v) => { map.set(k, v); } });

test('the data parses into entries in category order, each with its first name and words', () => {
  assert.deepEqual(entries.map((e) => e.emoji), ['😀', '😂', '❤️', '👍', '👀', '🎉', '🎊', '🏁']);
  assert.deepEqual(entries[3], { emoji: '👍', name: '+1', words: ['thumbsup', 'approve', 'ok'], category: 'people' });
  assert.equal(byEmoji(entries).get('🎉')?.name, 'tada');
});

test('the generated data covers every category with names and tags', () => {
  const all = parse(categories);
  assert.ok(all.length > 1800, `${all.length} emoji`);
  for (const c of CATEGORIES) assert.ok(all.some((e) => e.category === c.id), c.label);
  assert.deepEqual(byEmoji(all).get('🎉'), { emoji: '🎉', name: 'tada', words: ['hooray', 'party'], category: 'activities' });
  assert.equal(search(all, 'tada')[0].emoji, '🎉');
  assert.equal(search(all, 'thumbsup')[0].emoji, '👍');
  assert.ok(search(all, 'party').some((e) => e.emoji === '🎉'));
});

test('search finds names before tags, by prefix and by words, ignoring case and colons', () => {
  assert.deepEqual(search(entries, 'tada').map((e) => e.emoji), ['🎉']);
  assert.deepEqual(search(entries, ':TADA:').map((e) => e.emoji), ['🎉']);
  assert.deepEqual(search(entries, 'party').map((e) => e.emoji), ['🎉']);
  assert.deepEqual(search(entries, 'thumbs').map((e) => e.emoji), ['👍']);
  assert.deepEqual(search(entries, 'ball').map((e) => e.emoji), ['🎊']);
  assert.deepEqual(search(entries, 'checkered flag').map((e) => e.emoji), ['🏁']);
  // A name that starts with the query comes before a tag that is it.
  const mixed = parse({ 'Smileys & Emotion': '😄 smile happy\n😀 grinning smile happy' });
  assert.deepEqual(search(mixed, 'smile').map((e) => e.name), ['smile', 'grinning']);
  assert.deepEqual(search(entries, ''), []);
  assert.deepEqual(search(entries, 'zzz'), []);
  assert.equal(normalize('  :Tada: '), 'tada');
});

test('sections: the recently used first, when there are any, then every category', () => {
  assert.deepEqual(sections(entries, []).map((s) => s.id), CATEGORIES.map((c) => c.id));
  const withRecent = sections(entries, ['🎉', 'not-an-emoji', '👍']);
  assert.equal(withRecent[0].id, 'recent');
  assert.deepEqual(withRecent[0].items.map((e) => e.emoji), ['🎉', '👍']);
  assert.equal(withRecent.length, CATEGORIES.length + 1);
});

test('grid rows start anew with each section and count items through all of them', () => {
  const list = sections(entries, ['🎉']);
  // recent: 1 · smileys: 3 · people: 2 · nature, food, travel: 0 · activities: 2 · …, flags: 1
  assert.deepEqual(gridRows(list, 2), [[0], [1, 2], [3], [4, 5], [6, 7], [8]]);
});

test('arrows move through the grid: along the items, and up and down to the nearest column', () => {
  const rows = [[0, 1, 2], [3, 4, 5], [6], [7, 8, 9]];
  assert.equal(move(rows, 0, 'ArrowRight'), 1);
  assert.equal(move(rows, 2, 'ArrowRight'), 3);
  assert.equal(move(rows, 9, 'ArrowRight'), 9);
  assert.equal(move(rows, 0, 'ArrowLeft'), 0);
  assert.equal(move(rows, 3, 'ArrowLeft'), 2);
  assert.equal(move(rows, 1, 'ArrowDown'), 4);
  assert.equal(move(rows, 5, 'ArrowDown'), 6, 'a short row: its last item');
  assert.equal(move(rows, 6, 'ArrowDown'), 7);
  assert.equal(move(rows, 8, 'ArrowDown'), 8, 'the last row stays');
  assert.equal(move(rows, 8, 'ArrowUp'), 6);
  assert.equal(move(rows, 1, 'ArrowUp'), 1, 'the first row stays');
  assert.equal(move(rows, 0, 'PageDown'), 7);
  assert.equal(move(rows, 8, 'PageUp'), 1);
  assert.equal(move(rows, 0, 'Enter'), null);
  assert.equal(move(rows, 42, 'ArrowDown'), 0, 'lost: back to the first');
});

test('the recently used list: most recent first, once each, capped, per user, kept in storage', () => {
  let list = used([], '🎉');
  list = used(list, '👍');
  list = used(list, '🎉');
  assert.deepEqual(list, ['🎉', '👍']);
  for (let i = 0; i < 40; i++) list = used(list, String(i));
  assert.equal(list.length, RECENT_MAX);
  assert.equal(list[0], '39');
  const storage = memory();
  saveRecent(storage, 'ana', ['🎉', '👍']);
  assert.deepEqual(loadRecent(storage, 'ana'), ['🎉', '👍']);
  assert.deepEqual(loadRecent(storage, 'ben'), []);
  assert.deepEqual(loadRecent(memory(new Map([['ocomms-emoji-recent:ana', '{not json']])), 'ana'), []);
  assert.deepEqual(loadRecent(memory(new Map([['ocomms-emoji-recent:ana', '{"a":1}']])), 'ana'), []);
});
