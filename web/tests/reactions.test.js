// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toggle, reactors, describe, isMine } from '../state/reactions.js';
import { react } from '../state/messages.js';

const names = /** @type {Record<string, string>} */ ({ me: 'Me', ana: 'Ana', ben: 'Ben', cy: 'Cy', dee: 'Dee', eve: 'Eve' });
const nameOf = (/** @type {string} */ id) => names[id] ?? 'Someone';
const r = (/** @type {string[]} */ ids, count = ids.length) => ({ emoji: '🎉', count, user_ids: ids });

test('a click adds my reaction, or takes it back when it is mine', () => {
  assert.deepEqual(toggle([], '🎉', 'me'), { type: 'reaction.added', emoji: '🎉', user_id: 'me' });
  assert.equal(toggle([r(['ana'])], '🎉', 'me').type, 'reaction.added');
  assert.equal(toggle([r(['ana', 'me'])], '🎉', 'me').type, 'reaction.removed');
  assert.ok(isMine(r(['me']), 'me'));
});

test('an optimistic toggle and its event count once', () => {
  const mine = toggle([r(['ana'])], '🎉', 'me');
  const optimistic = react([r(['ana'])], mine);
  assert.deepEqual(optimistic, [r(['ana', 'me'])]);
  assert.deepEqual(react(optimistic, mine), optimistic, 'the event of my own reaction changes nothing');
  const back = react(optimistic, toggle(optimistic, '🎉', 'me'));
  assert.deepEqual(back, [r(['ana'])]);
});

test('who reacted: me first as "You", two names and the others counted', () => {
  assert.equal(reactors(r(['ana']), 'me', nameOf), 'Ana');
  assert.equal(reactors(r(['ana', 'me']), 'me', nameOf), 'You and Ana');
  assert.equal(reactors(r(['ana', 'ben', 'cy']), 'me', nameOf), 'Ana, Ben and Cy');
  assert.equal(reactors(r(['ana', 'ben', 'cy', 'dee']), 'me', nameOf), 'Ana, Ben and 2 others');
  assert.equal(reactors(r(['ana', 'ben', 'cy', 'dee', 'eve']), 'me', nameOf), 'Ana, Ben and 3 others');
  assert.equal(reactors(r(['ana', 'ben'], 3), 'me', nameOf), 'Ana, Ben and 1 other', 'more than the ids listed');
  assert.equal(reactors(r([], 4), 'me', nameOf), '4 people');
});

test('the label names the emoji by its shortcode when known', () => {
  assert.equal(describe(r(['ana', 'ben', 'cy', 'dee', 'eve']), 'me', nameOf, 'tada'), 'Ana, Ben and 3 others reacted with :tada:');
  assert.equal(describe(r(['me']), 'me', nameOf, undefined), 'You reacted with 🎉');
});
