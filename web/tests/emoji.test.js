// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emojify, completeAt, emojifyHtml, mayHaveShortcode } from '../state/emoji.js';
import { shortcodes } from '../vendor/gemoji/shortcodes.js';

const table = { tada: '🎉', '+1': '👍', smile: '😄' };

test('known shortcodes become emoji, unknown ones stay', () => {
  assert.equal(emojify('party :tada: :nope: :+1:', table), 'party 🎉 :nope: 👍');
  assert.equal(emojify(':constructor:', table), ':constructor:');
  assert.equal(shortcodes.tada, '🎉');
  assert.ok(mayHaveShortcode('a :b: c'));
  assert.ok(!mayHaveShortcode('10:30'));
});

test('a closing colon typed at the caret completes the shortcode', () => {
  assert.deepEqual(completeAt('hi :tada: there', 9, table), { text: 'hi 🎉 there', caret: 5 });
  assert.equal(completeAt('hi :tada', 8, table), null);
  assert.equal(completeAt('hi :nope:', 9, table), null);
});

test('rendered messages get emoji outside code and tags only', () => {
  const html = '<p>yay :tada: <code>:tada:</code></p><pre><code>:smile:\n</code></pre><a href="/:smile:">:smile:</a>';
  assert.equal(emojifyHtml(html, table), '<p>yay 🎉 <code>:tada:</code></p><pre><code>:smile:\n</code></pre><a href="/:smile:">😄</a>');
});

test('decorating a message: emoji, own mentions, "(edited)" inline', async () => {
  const { decorate } = await import('../state/html.js');
  const html = '<p>hi <span class="mention" data-user-id="u1">@Ana</span> :tada:</p>\n';
  assert.equal(decorate(html, { emoji: table, me: 'u1', edited: true }),
    '<p>hi <span class="mention mention--me" data-user-id="u1">@Ana</span> 🎉 <span class="message__edited">(edited)</span></p>');
  assert.equal(decorate('<pre><code>x</code></pre>', { emoji: null, me: 'u2', edited: true }),
    '<pre><code>x</code></pre><span class="message__edited">(edited)</span>');
});
