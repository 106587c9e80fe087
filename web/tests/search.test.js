// @ts-check
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  parseQuery, tokenAt, suggest, applySuggestion, withoutPart, chipLabel, isSearchable, queryProblem, freeText,
  nameMatches, moveActive, snippetText, appendResults, searchQueryString, searchPath, parseSearchUrl, isDate, errorText,
} from '../state/search.js';

const people = [
  { id: 'u1', name: 'Ana Lead', handle: 'analead' },
  { id: 'u2', name: 'Ben Ops', handle: 'benops' },
  { id: 'u3', name: 'Dana Deploy', handle: 'danadeploy' },
];
const channels = [
  { id: 'c1', name: 'general', kind: 'public', is_member: true },
  { id: 'c2', name: 'deployments', kind: 'public', is_member: false },
  { id: 'c3', name: 'dev-secret', kind: 'private', is_member: true },
  { id: 'c4', name: '', kind: 'dm', is_member: true },
  { id: 'c5', name: 'dev-old', kind: 'public', is_member: true, archived: true },
];
const from = { people, channels, me: 'u1', now: new Date(2026, 11, 2, 9) };

test('a query reads as chips and terms', () => {
  const p = parseQuery('deploy from:@ana in:#general "release notes" -staging has:file before:2026-01-31 is:thread');
  assert.deepEqual(p.chips.map((c) => [c.operator, c.value, c.problem]), [
    ['from', 'ana', null], ['in', 'general', null], ['has', 'file', null], ['before', '2026-01-31', null], ['is', 'thread', null],
  ]);
  assert.deepEqual(p.terms.map((t) => [t.kind, t.value]), [['word', 'deploy'], ['phrase', 'release notes'], ['exclude', 'staging']]);
  assert.deepEqual(parseQuery('-"old build" deploy*').terms.map((t) => [t.kind, t.value]), [['exclude', 'old build'], ['word', 'deploy*']]);
  // An unclosed quote runs to the end; a lone dash is no term.
  assert.deepEqual(parseQuery('"half open').terms.map((t) => [t.kind, t.value]), [['phrase', 'half open']]);
  assert.deepEqual(parseQuery(' - ').terms, []);
  // Something that only looks like an operator is a word.
  assert.deepEqual(parseQuery('http://x.y ratio:2').terms.map((t) => t.value), ['http://x.y', 'ratio:2']);
});

test('chips with bad values say what is wrong', () => {
  assert.equal(queryProblem('has:cats'), 'has: takes file or link');
  assert.equal(queryProblem('is:open'), 'is: takes thread or pinned');
  assert.equal(queryProblem('on:2026-02-30'), 'on: takes a date like 2026-03-31');
  assert.equal(queryProblem('from:'), 'Add a value after from:');
  assert.equal(queryProblem('HAS:File after:2026-02-28'), null);
  assert.ok(isDate('2024-02-29') && !isDate('2023-02-29') && !isDate('2026-1-5'));
});

test('a query is searchable with words or filters; free text leaves out filters and exclusions', () => {
  assert.equal(isSearchable('   '), false);
  assert.equal(isSearchable('in:#general'), true);
  assert.equal(freeText('deploy in:#general -old "big day"'), 'deploy big day');
});

test('removing a chip leaves the rest of the query tidy', () => {
  const q = 'deploy in:#general  from:@ana';
  const chip = parseQuery(q).chips[0];
  assert.equal(withoutPart(q, chip), 'deploy from:@ana');
  assert.equal(withoutPart('in:#x', parseQuery('in:#x').chips[0]), '');
});

test('chip labels use names when known', () => {
  const [a, b, c, d] = parseQuery('from:@ana in:#dev has:link is:pinned').chips;
  assert.equal(chipLabel(a, { person: (h) => (h === 'ana' ? 'Ana Lead' : undefined) }), 'From: Ana Lead');
  assert.equal(chipLabel(b), 'In: #dev');
  assert.equal(chipLabel(c), 'Has a link');
  assert.equal(chipLabel(d), 'Pinned');
  assert.equal(chipLabel(parseQuery('from:me').chips[0]), 'From: you');
  assert.equal(chipLabel(parseQuery('on:2026-03-01').chips[0]), 'On 2026-03-01');
});

test('the token at the caret', () => {
  assert.deepEqual(tokenAt('deploy from:@an', 15), { text: 'from:@an', start: 7, end: 15 });
  assert.deepEqual(tokenAt('deploy from:@an', 3), { text: 'deploy', start: 0, end: 6 });
  assert.deepEqual(tokenAt('deploy ', 7), { text: '', start: 7, end: 7 });
});

test('from:@ suggests people by name or handle, and from:me', () => {
  const all = suggest('from:@', 6, from);
  assert.deepEqual(all.suggestions.map((s) => s.label), ['from:me', 'Ana Lead', 'Ben Ops', 'Dana Deploy']);
  assert.equal(all.select, true);
  const some = suggest('x from:@ben', 11, from);
  assert.deepEqual(some.suggestions.map((s) => [s.kind, s.insert]), [['person', 'from:@benops']]);
  assert.equal(suggest('from:', 5, from).suggestions.length, 4);
});

test('in:# suggests channels (no DMs), members first, archived last', () => {
  const s = suggest('in:#de', 6, from).suggestions;
  assert.deepEqual(s.map((x) => x.insert), ['in:#dev-secret', 'in:#deployments', 'in:#dev-old']);
  assert.equal(s[0].private, true);
  assert.equal(s[1].detail, 'Not a member');
});

test('has: and is: suggest their values; a value typed in full lets Enter search', () => {
  assert.deepEqual(suggest('has:', 4, from).suggestions.map((s) => s.insert), ['has:file', 'has:link']);
  assert.deepEqual(suggest('is:p', 4, from).suggestions.map((s) => s.insert), ['is:pinned']);
  const full = suggest('has:file', 8, from);
  assert.equal(full.select, false);
  assert.deepEqual(suggest('has:cats', 8, from).suggestions, []);
});

test('dates suggest today, yesterday, a week and a month ago', () => {
  const s = suggest('before:', 7, from).suggestions;
  assert.deepEqual(s.map((x) => [x.insert, x.detail]), [
    ['before:2026-12-02', 'Today'], ['before:2026-12-01', 'Yesterday'], ['before:2026-11-25', 'A week ago'], ['before:2026-11-02', 'A month ago'],
  ]);
});

test('a word suggests the operators it starts, then people and channels whose names start with it', () => {
  const s = suggest('ha', 2, from).suggestions;
  assert.deepEqual(s.map((x) => x.label), ['has:']);
  const d = suggest('dep', 3, from).suggestions;
  assert.deepEqual(d.map((x) => [x.section, x.label]), [['People', 'Dana Deploy'], ['Channels', 'deployments']]);
  assert.equal(suggest('dep', 3, from).select, false, 'Enter searches for the word');
  // Scattered letters do not count for a plain word.
  assert.deepEqual(suggest('aeo', 3, from).suggestions, []);
  assert.deepEqual(suggest('#gen', 4, from).suggestions.map((x) => x.label), ['general']);
  assert.deepEqual(suggest('"phr', 4, from).suggestions, []);
});

test('an empty box suggests the operators', () => {
  assert.deepEqual(suggest('', 0, from).suggestions.map((s) => s.label), ['from:', 'in:', 'has:', 'is:', 'before:', 'after:', 'on:']);
  assert.deepEqual(suggest('deploy ', 7, from).suggestions, []);
});

test('picking a suggestion replaces the token; an operator waits for its value', () => {
  assert.deepEqual(applySuggestion('deploy fr', tokenAt('deploy fr', 9), 'from:@'), { value: 'deploy from:@', caret: 13 });
  assert.deepEqual(applySuggestion('deploy from:@an', tokenAt('deploy from:@an', 15), 'from:@analead'), { value: 'deploy from:@analead ', caret: 21 });
  assert.deepEqual(applySuggestion('in:#ge deploy', tokenAt('in:#ge deploy', 6), 'in:#general'), { value: 'in:#general deploy', caret: 12 });
});

test('name matches for the People and Channels sections', () => {
  const m = nameMatches('deploy in:#general', people, channels);
  assert.deepEqual(m.people.map((p) => p.userId), ['u3']);
  assert.deepEqual(m.channels.map((c) => c.channelId), ['c2']);
  assert.deepEqual(nameMatches('from:@ana', people, channels), { people: [], channels: [] });
  // Each word counts on its own too.
  const two = nameMatches('ben general plans', people, channels);
  assert.deepEqual(two.people.map((p) => p.userId), ['u2']);
  assert.deepEqual(two.channels.map((c) => c.channelId), ['c1']);
});

test('arrows move through the list, wrapping, from none', () => {
  assert.equal(moveActive(-1, 3, 1), 0);
  assert.equal(moveActive(-1, 3, -1), 2);
  assert.equal(moveActive(2, 3, 1), 0);
  assert.equal(moveActive(0, 0, 1), -1);
});

test('result pages join without repeats', () => {
  const r = (/** @type {string} */ id) => /** @type {any} */ ({ message: { id }, channel_id: 'c', snippet_html: '' });
  assert.deepEqual(appendResults([r('a'), r('b')], [r('b'), r('c')]).map((x) => x.message.id), ['a', 'b', 'c']);
});

test('the request and the address', () => {
  assert.equal(searchQueryString({ q: 'a b&c' }), 'q=a+b%26c');
  assert.equal(searchQueryString({ q: 'x', sort: 'date', cursor: 'k1', limit: 20 }), 'q=x&sort=date&cursor=k1&limit=20');
  assert.equal(searchPath('w1', { q: 'in:#dev "a b"' }), '/w/w1/search?q=in%3A%23dev+%22a+b%22');
  assert.equal(searchPath('w1', { q: 'x', sort: 'date' }), '/w/w1/search?q=x&sort=date');
  assert.deepEqual(parseSearchUrl('?q=in%3A%23dev+%22a+b%22&sort=date'), { q: 'in:#dev "a b"', sort: 'date' });
  assert.deepEqual(parseSearchUrl('?sort=weird'), { q: '', sort: 'relevance' });
});

test('errors say what to try', () => {
  assert.match(errorText({ status: 0, message: '' }), /cannot be reached/);
  assert.match(errorText({ status: 400, message: 'q: bad date.' }), /^That search could not be read: bad date\. Check the filters.*2026-03-31/);
});

test('a snippet as text', () => {
  assert.equal(snippetText('<mark>deploy</mark>-&amp;-&lt;b&gt; &quot;x&quot; it&#39;s'), 'deploy-&-<b> "x" it\'s');
});
