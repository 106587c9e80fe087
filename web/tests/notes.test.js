// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyEditor, loaded, edited, autosaveDelay, saveRequest, saving, saved, conflicted, failed, remoteUpdated,
  refreshed, keepEditing, keepMineRequest, takeTheirs, restoreRequest, statusText, unsaved, isDirty, blankNote,
  format, diffLines, sideBySide, diffSummary, AUTOSAVE_MS, MAX_RETRY_MS, sizeText,
} from '../state/notes.js';
import { applyEvent, emptyLog, classify } from '../state/messages.js';

/** @param {number} version @param {string} content @param {string} [by] */
const note = (version, content, by = 'ana') => ({ content, html: `<p>${content}</p>`, version, updated_at: '2026-12-02T07:00:00Z', last_edited_by: by });

test('a loaded note is idle; typing makes it dirty, typing it back makes it clean', () => {
  let ed = loaded(emptyEditor(), note(3, 'hello'));
  assert.equal(ed.status, 'idle');
  assert.equal(statusText(ed), '');
  ed = edited(ed, 'hello world');
  assert.equal(ed.status, 'dirty');
  assert.equal(statusText(ed), 'Unsaved changes');
  assert.ok(unsaved(ed));
  ed = edited(ed, 'hello');
  assert.equal(ed.status, 'idle');
  assert.equal(saveRequest(ed), null, 'nothing to save');
});

test('autosave: 2 s after a keystroke, at once on blur, never without changes or in a conflict', () => {
  let ed = loaded(emptyEditor(), blankNote());
  assert.equal(autosaveDelay(ed, 'input'), null);
  ed = edited(ed, 'x');
  assert.equal(autosaveDelay(ed, 'input'), AUTOSAVE_MS);
  assert.equal(autosaveDelay(ed, 'blur'), 0);
  assert.equal(autosaveDelay(conflicted(ed, note(1, 'y')), 'blur'), null);
  assert.equal(autosaveDelay(emptyEditor(), 'blur'), null, 'not before the note is loaded');
});

test('a save names the version it was written on; typing during it stays dirty for the next one', () => {
  let ed = edited(loaded(emptyEditor(), blankNote()), 'first');
  const req = saveRequest(ed);
  assert.deepEqual(req, { content: 'first', expected_version: 0 });
  ed = saving(ed, 'first');
  assert.equal(statusText(ed), 'Saving…');
  assert.equal(saveRequest(ed), null, 'one save at a time');
  ed = edited(ed, 'first and more');
  assert.equal(ed.status, 'saving');
  ed = saved(ed, note(1, 'first'));
  assert.equal(ed.status, 'dirty');
  assert.deepEqual(saveRequest(ed), { content: 'first and more', expected_version: 1 });
  ed = saved(saving(ed, 'first and more'), note(2, 'first and more'));
  assert.equal(ed.status, 'saved');
  assert.equal(statusText(ed), 'Saved');
  assert.equal(ed.draft, 'first and more');
});

test('a 409 enters the conflict with theirs kept beside mine; Keep mine writes over their version', () => {
  let ed = saving(edited(loaded(emptyEditor(), note(1, 'a')), 'mine'), 'mine');
  ed = conflicted(ed, note(2, 'theirs', 'ben'));
  assert.equal(ed.status, 'conflict');
  assert.equal(statusText(ed), 'Conflict');
  assert.equal(saveRequest(ed), null, 'no autosave over a conflict');
  ed = edited(ed, 'mine, edited in the conflict');
  assert.equal(ed.status, 'conflict', 'typing does not leave the conflict');
  assert.deepEqual(keepMineRequest(ed), { content: 'mine, edited in the conflict', expected_version: 2 });
  const after = saved(saving(ed, 'mine, edited in the conflict'), note(3, 'mine, edited in the conflict'));
  assert.equal(after.status, 'saved');
  assert.equal(after.theirs, null);
});

test('while "Updated by" asks, leaving the box does not save; a conflict with identical text is none', () => {
  const ed = remoteUpdated(edited(loaded(emptyEditor(), note(1, 'a')), 'mine'), { version: 2, editor_id: 'ben' }).editor;
  assert.equal(autosaveDelay(ed, 'blur'), null);
  assert.equal(autosaveDelay(ed, 'input'), AUTOSAVE_MS, 'typing on still saves (and will conflict)');
  const same = conflicted(saving(edited(loaded(emptyEditor(), note(1, 'a')), 'b'), 'b'), note(2, 'b', 'ben'));
  assert.equal(same.status, 'saved');
  assert.equal(same.note?.version, 2);
});

test('Take theirs drops the draft for the server\'s note', () => {
  const ed = takeTheirs(conflicted(edited(loaded(emptyEditor(), note(1, 'a')), 'mine'), note(2, 'theirs')));
  assert.equal(ed.draft, 'theirs');
  assert.equal(ed.note?.version, 2);
  assert.equal(ed.status, 'idle');
  assert.equal(isDirty(ed), false);
});

test('note.updated: an unedited view refreshes in place; with edits a notice shows; one\'s own save changes nothing', () => {
  const clean = loaded(emptyEditor(), note(1, 'a'));
  assert.equal(remoteUpdated(clean, { version: 2, editor_id: 'ben' }).action, 'fetch');
  const fresh = refreshed(clean, note(2, 'b', 'ben'));
  assert.equal(fresh.draft, 'b');
  assert.equal(fresh.note?.version, 2);
  assert.equal(remoteUpdated(fresh, { version: 2, editor_id: 'ben' }).action, 'none', 'a repeat');
  assert.equal(remoteUpdated(fresh, { version: 1, editor_id: 'ben' }).action, 'none', 'an old one');

  const dirty = edited(clean, 'a, mine');
  const { editor, action } = remoteUpdated(dirty, { version: 2, editor_id: 'ben' });
  assert.equal(action, 'notice');
  assert.deepEqual(editor.remote, { version: 2, editorId: 'ben' });
  assert.equal(editor.draft, 'a, mine', 'the typing is kept');
  assert.deepEqual(saveRequest(editor), { content: 'a, mine', expected_version: 1 }, 'the next save goes out stale, to conflict');
  assert.equal(keepEditing(editor).remote, null);
});

test('an event during one\'s own save waits for the answer: one\'s own version clears it, a later one stays', () => {
  const ed = saving(edited(loaded(emptyEditor(), note(1, 'a')), 'b'), 'b');
  const own = remoteUpdated(ed, { version: 2, editor_id: 'me' });
  assert.equal(own.action, 'none');
  assert.equal(saved(own.editor, note(2, 'b', 'me')).remote, null);
  const other = remoteUpdated(ed, { version: 3, editor_id: 'ben' }).editor;
  assert.deepEqual(saved(other, note(2, 'b', 'me')).remote, { version: 3, editorId: 'ben' });
});

test('a fetched note after edits began shows the notice instead of replacing the draft', () => {
  const ed = edited(loaded(emptyEditor(), note(1, 'a')), 'typed meanwhile');
  const next = refreshed(ed, note(2, 'theirs', 'ben'));
  assert.equal(next.draft, 'typed meanwhile');
  assert.deepEqual(next.remote, { version: 2, editorId: 'ben' });
  const conflict = conflicted(ed, note(2, 'theirs'));
  assert.equal(refreshed(conflict, note(3, 'newer')).theirs?.content, 'newer', 'in a conflict, theirs follows');
});

test('failures: offline retries with backoff, too large waits for a new text', () => {
  let ed = saving(edited(loaded(emptyEditor(), blankNote()), 'x'), 'x');
  ed = failed(ed, { status: 0, code: 'network' });
  assert.equal(statusText(ed), 'Offline — will retry');
  assert.equal(autosaveDelay(ed, 'failed'), AUTOSAVE_MS);
  assert.deepEqual(saveRequest(ed), { content: 'x', expected_version: 0 });
  for (let i = 0; i < 10; i++) ed = failed(ed, { status: 0 });
  assert.equal(autosaveDelay(ed, 'failed'), MAX_RETRY_MS);
  assert.equal(saved(ed, note(1, 'x')).offline, false);

  let big = failed(saving(edited(loaded(emptyEditor(), blankNote()), 'y'), 'y'), { status: 413, code: 'too_large' });
  assert.match(statusText(big), /at most 100,000 characters/);
  assert.equal(saveRequest(big), null);
  assert.equal(autosaveDelay(big, 'failed'), null);
  big = edited(big, 'shorter');
  assert.equal(big.status, 'dirty');
  assert.ok(saveRequest(big));
});

test('restore is a new save of the old content on the current version', () => {
  const ed = loaded(emptyEditor(), note(7, 'now'));
  assert.deepEqual(restoreRequest(ed, { content: 'then' }), { content: 'then', expected_version: 7 });
  assert.equal(restoreRequest(emptyEditor(), { content: 'then' }), null);
});

test('formatting wraps and unwraps the selection, prefixes lines, and links select the address', () => {
  assert.deepEqual(format('say hi now', 4, 6, 'bold'), { text: 'say **hi** now', start: 6, end: 8 });
  assert.deepEqual(format('say **hi** now', 6, 8, 'bold'), { text: 'say hi now', start: 4, end: 6 });
  assert.deepEqual(format('a', 1, 1, 'italic'), { text: 'a__', start: 2, end: 2 });
  assert.equal(format('x', 0, 1, 'code').text, '`x`');
  assert.equal(format('a\nb', 0, 3, 'code').text, '```\na\nb\n```');
  const link = format('see docs', 4, 8, 'link');
  assert.equal(link.text, 'see [docs](https://)');
  assert.equal(link.text.slice(link.start, link.end), 'https://');
  const bare = format('', 0, 0, 'link');
  assert.equal(bare.text.slice(bare.start, bare.end), 'text');
  assert.deepEqual(format('one\ntwo\nthree', 1, 6, 'list'), { text: '- one\n- two\nthree', start: 3, end: 10 });
  assert.equal(format('- one\n- two', 0, 11, 'list').text, 'one\ntwo');
  assert.equal(format('intro\nTitle', 8, 8, 'heading').text, 'intro\n## Title');
});

test('the line diff finds what was added and removed', () => {
  const d = diffLines('a\nb\nc\nd', 'a\nc\nd\ne');
  assert.equal(d.exact, true);
  assert.deepEqual(d.lines.map((l) => `${l.kind[0]}${l.text}`), ['sa', 'rb', 'sc', 'sd', 'ae']);
  assert.deepEqual(diffLines('', 'x').lines, [{ kind: 'added', text: 'x' }]);
  assert.deepEqual(diffLines('same', 'same').lines, [{ kind: 'same', text: 'same' }]);
  assert.equal(diffSummary(d.lines), '+1 −1 lines');
  assert.equal(diffSummary(diffLines('x', 'x').lines), 'No differences');
});

test('a huge diff falls back to removed-then-added for the differing middle, keeping common ends', () => {
  const before = ['top', ...Array.from({ length: 300 }, (_, i) => `old ${i}`), 'bottom'].join('\n');
  const after = ['top', ...Array.from({ length: 300 }, (_, i) => `new ${i}`), 'bottom'].join('\n');
  const d = diffLines(before, after, 1000);
  assert.equal(d.exact, false);
  assert.equal(d.lines[0].kind, 'same');
  assert.equal(d.lines.at(-1)?.kind, 'same');
  assert.equal(d.lines.filter((l) => l.kind === 'removed').length, 300);
  assert.equal(d.lines.filter((l) => l.kind === 'added').length, 300);
  const started = Date.now();
  diffLines(Array.from({ length: 5000 }, (_, i) => `a${i}`).join('\n'), Array.from({ length: 5000 }, (_, i) => `b${i}`).join('\n'));
  assert.ok(Date.now() - started < 1000, 'bounded');
});

test('side by side pairs a run of removed lines with the added run after it', () => {
  const rows = sideBySide(diffLines('a\nold1\nold2\nz', 'a\nnew1\nz').lines);
  assert.deepEqual(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null]), [['a', 'a'], ['old1', 'new1'], ['old2', null], ['z', 'z']]);
});

test('sizes read in words', () => {
  assert.equal(sizeText(1), '1 character');
  assert.equal(sizeText(1204), '1,204 characters');
});

test('note.updated advances a channel log\'s seq like any persistent event, without a gap', () => {
  let log = { ...emptyLog(), lastSeq: 4 };
  assert.equal(classify(log.lastSeq, 5), 'apply');
  log = applyEvent(log, /** @type {any} */ ({ type: 'note.updated', seq: 5, channel_id: 'c', version: 2, editor_id: 'ben' }));
  assert.equal(log.lastSeq, 5);
  assert.equal(classify(log.lastSeq, 6), 'apply', 'the next message is not a gap');
  assert.deepEqual(log.messages, []);
});
