// @ts-check
/** A note's editor as plain data: the server's note (content, version), the local draft, and what
 * the editor is doing (idle, dirty, saving, saved, conflict, error). Saves name the version they
 * were written on (`expected_version`); a stale one comes back as a conflict with the server's
 * note, shown beside one's own. Also: when autosave runs, what a `note.updated` event means for
 * the open editor, the formatting toolbar's edits and a line diff. No DOM here. */

/**
 * @typedef {{content: string, html: string, version: number, updated_at: string | null,
 *   last_edited_by: string | null}} Note
 * @typedef {'idle' | 'dirty' | 'saving' | 'saved' | 'conflict' | 'error'} Status
 * @typedef {{
 *   note: Note | null, draft: string, status: Status, inFlight: string | null,
 *   theirs: Note | null, remote: {version: number, editorId: string} | null,
 *   error: string, offline: boolean, retry: boolean, attempts: number,
 * }} Editor
 *   `note` the server's copy the draft is based on (null until loaded); `inFlight` the content of
 *   the save under way; `theirs` the server's note a save conflicted with; `remote` a newer version
 *   someone saved while the draft had edits (the "Updated by …" notice); `offline` the last save
 *   could not reach the server; `retry` whether saving again may help (not for a note too large)
 */

/** Autosave runs this long after the last keystroke (and at once on blur). */
export const AUTOSAVE_MS = 2000;
/** The longest wait between retries of a save that failed for the network. */
export const MAX_RETRY_MS = 30_000;
/** The server's limit on a note's length, in characters. */
export const MAX_NOTE_CHARS = 100_000;

/** @returns {Note} the note before its first save */
export const blankNote = () => ({ content: '', html: '', version: 0, updated_at: null, last_edited_by: null });

/** @returns {Editor} */
export function emptyEditor() {
  return { note: null, draft: '', status: 'idle', inFlight: null, theirs: null, remote: null, error: '', offline: false, retry: true, attempts: 0 };
}

/** Whether the draft differs from the server's note. @param {Editor} ed */
export const isDirty = (ed) => Boolean(ed.note) && ed.draft !== /** @type {Note} */ (ed.note).content;

/** The server's note arrived (first load, a reload, or "Take theirs"): the draft becomes it.
 * @param {Editor} ed @param {Note} note @returns {Editor} */
export function loaded(ed, note) {
  return { ...emptyEditor(), note, draft: note.content, status: ed.status === 'saved' ? 'saved' : 'idle' };
}

/** The user typed. @param {Editor} ed @param {string} text @returns {Editor} */
export function edited(ed, text) {
  const next = { ...ed, draft: text };
  if (ed.status === 'conflict' || ed.status === 'saving') return next;
  // An error that needs a new text (too large) clears once the text changes.
  if (ed.status === 'error' && ed.retry) return next;
  return { ...next, status: isDirty(next) ? 'dirty' : (ed.status === 'saved' ? 'saved' : 'idle'), error: '', retry: true };
}

/**
 * When the next autosave should run after `event`, in ms; null for none. A keystroke waits for
 * the typing to pause; leaving the box saves at once; a failed save is retried with backoff.
 * @param {Editor} ed @param {'input' | 'blur' | 'failed'} event @returns {number | null}
 */
export function autosaveDelay(ed, event) {
  if (!ed.note || ed.status === 'conflict' || !isDirty(ed)) return null;
  if (ed.status === 'error' && !ed.retry) return null;
  // While "Updated by …" asks, leaving the box (to press Reload) does not save over the question.
  if (event === 'blur' && ed.remote) return null;
  if (event === 'failed') return Math.min(MAX_RETRY_MS, AUTOSAVE_MS * 2 ** Math.max(0, ed.attempts - 1));
  return event === 'blur' ? 0 : AUTOSAVE_MS;
}

/**
 * What to PUT now, or null (nothing changed, a save already under way, a conflict to resolve
 * first, or a text the server would refuse again).
 * @param {Editor} ed @returns {{content: string, expected_version: number} | null}
 */
export function saveRequest(ed) {
  if (!ed.note || ed.inFlight !== null || ed.status === 'conflict' || !isDirty(ed)) return null;
  if (ed.status === 'error' && !ed.retry) return null;
  return { content: ed.draft, expected_version: ed.note.version };
}

/** A save went out with `content`. @param {Editor} ed @param {string} content @returns {Editor} */
export function saving(ed, content) {
  return { ...ed, status: 'saving', inFlight: content };
}

/**
 * The server took a save (or a "Keep mine", or a restore): its note is the new base. Typing that
 * went on during the save stays in the draft, dirty, for the next save.
 * @param {Editor} ed @param {Note} note @returns {Editor}
 */
export function saved(ed, note) {
  const remote = ed.remote && ed.remote.version > note.version ? ed.remote : null;
  const next = { ...ed, note, inFlight: null, theirs: null, remote, error: '', offline: false, retry: true, attempts: 0 };
  return { ...next, status: isDirty(next) ? 'dirty' : 'saved' };
}

/** The save was stale: the server's current note comes back; the draft is kept as "mine".
 * @param {Editor} ed @param {Note} theirs @returns {Editor} */
export function conflicted(ed, theirs) {
  // Mine is what is there already: nothing to choose between.
  if (ed.draft === theirs.content) return { ...loaded(ed, theirs), status: 'saved' };
  return { ...ed, status: 'conflict', theirs, inFlight: null, remote: null, error: '', offline: false, attempts: 0 };
}

/**
 * The save failed. Network trouble is retried ("Offline — will retry"); a refusal for the text
 * itself (too large) waits for the text to change.
 * @param {Editor} ed @param {{status: number, code?: string, message?: string}} err @returns {Editor}
 */
export function failed(ed, err) {
  const offline = err.status === 0;
  const retry = offline || err.status >= 500 || err.status === 429;
  const error = offline ? 'Offline — will retry'
    : err.code === 'too_large' || err.status === 413 ? `Not saved: a note holds at most ${MAX_NOTE_CHARS.toLocaleString('en')} characters`
      : err.status === 403 ? 'Not saved: only members of the channel can edit its note'
        : retry ? 'Not saved — will retry' : `Not saved: ${err.message || 'the server refused it'}`;
  return { ...ed, status: 'error', inFlight: null, error, offline, retry, attempts: ed.attempts + 1 };
}

/**
 * A `note.updated` event for the open note. `fetch`: the editor shows no edits of one's own, so
 * the new version is loaded in place; `notice`: there are unsaved edits, so "Updated by X" shows
 * and the next save will conflict; `none`: nothing new (one's own save, a repeat, or a save under
 * way whose answer decides).
 * @param {Editor} ed @param {{version: number, editor_id: string}} event
 * @returns {{editor: Editor, action: 'fetch' | 'notice' | 'none'}}
 */
export function remoteUpdated(ed, event) {
  if (!ed.note || event.version <= ed.note.version) return { editor: ed, action: 'none' };
  const remote = { version: event.version, editorId: event.editor_id };
  if (ed.status === 'conflict') return { editor: ed, action: 'fetch' };
  if (ed.inFlight !== null) return { editor: { ...ed, remote }, action: 'none' };
  if (!isDirty(ed)) return { editor: ed, action: 'fetch' };
  return { editor: { ...ed, remote }, action: 'notice' };
}

/**
 * A newer note fetched after `remoteUpdated` said so (or after a save answered while another
 * came in). Unedited: it replaces the view in place. In a conflict: "theirs" becomes it. With
 * edits made meanwhile: the notice shows instead.
 * @param {Editor} ed @param {Note} note @returns {Editor}
 */
export function refreshed(ed, note) {
  if (ed.note && note.version < ed.note.version) return ed;
  if (ed.status === 'conflict') return ed.theirs && note.version > ed.theirs.version ? { ...ed, theirs: note } : ed;
  if (ed.inFlight !== null) return ed;
  if (isDirty(ed)) return { ...ed, remote: { version: note.version, editorId: note.last_edited_by ?? '' } };
  return { ...loaded(ed, note), status: ed.status === 'saved' ? 'saved' : 'idle' };
}

/** "Keep editing": the notice goes; the next save will meet the newer version as a conflict.
 * @param {Editor} ed @returns {Editor} */
export const keepEditing = (ed) => ({ ...ed, remote: null });

/** "Keep mine": one's draft, written over their version. @param {Editor} ed
 * @returns {{content: string, expected_version: number} | null} */
export function keepMineRequest(ed) {
  if (ed.status !== 'conflict' || !ed.theirs) return null;
  return { content: ed.draft, expected_version: ed.theirs.version };
}

/** "Take theirs": the draft is dropped for the server's note. @param {Editor} ed @returns {Editor} */
export function takeTheirs(ed) {
  return ed.theirs ? { ...loaded(ed, ed.theirs), status: 'idle' } : ed;
}

/** Restoring an old version is a new save of its content on top of the current version.
 * @param {Editor} ed @param {{content: string}} old @returns {{content: string, expected_version: number} | null} */
export function restoreRequest(ed, old) {
  if (!ed.note) return null;
  return { content: old.content, expected_version: ed.note.version };
}

/** The status line: "Saved", "Saving…", "Unsaved changes", "Conflict", "Offline — will retry".
 * @param {Editor} ed @returns {string} */
export function statusText(ed) {
  switch (ed.status) {
    case 'saving': return 'Saving…';
    case 'saved': return 'Saved';
    case 'dirty': return 'Unsaved changes';
    case 'conflict': return 'Conflict';
    case 'error': return ed.error;
    default: return '';
  }
}

/** Whether leaving now would lose typing (the page asks before unloading). @param {Editor} ed */
export const unsaved = (ed) => isDirty(ed) || ed.status === 'conflict';

/** "1 character", "1,204 characters". @param {number} n */
export const sizeText = (n) => `${n.toLocaleString('en')} character${n === 1 ? '' : 's'}`;

/**
 * A formatting button (or Ctrl/Cmd+B, I): the text with the selection wrapped or its lines
 * prefixed, and the selection after. Wrapping an already wrapped selection unwraps it.
 * @param {string} text @param {number} start @param {number} end
 * @param {'bold' | 'italic' | 'code' | 'link' | 'list' | 'heading'} kind
 * @returns {{text: string, start: number, end: number}}
 */
export function format(text, start, end, kind) {
  const picked = text.slice(start, end);
  if (kind === 'list' || kind === 'heading') {
    const from = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', Math.max(end - (end > start && text[end - 1] === '\n' ? 1 : 0), start));
    const to = nl === -1 ? text.length : nl;
    const prefix = kind === 'list' ? '- ' : '## ';
    const lines = text.slice(from, to).split('\n');
    const all = lines.every((l) => l.startsWith(prefix));
    const changedLines = lines.map((l) => (all ? l.slice(prefix.length) : l.startsWith(prefix) ? l : `${prefix}${l}`));
    const body = changedLines.join('\n');
    const first = changedLines[0].length - lines[0].length;
    return { text: text.slice(0, from) + body + text.slice(to), start: Math.max(from, start + first), end: Math.max(from, end + body.length - (to - from)) };
  }
  if (kind === 'link') {
    const label = picked || 'text';
    const out = `${text.slice(0, start)}[${label}](https://)${text.slice(end)}`;
    const urlStart = start + label.length + 3;
    return picked ? { text: out, start: urlStart, end: urlStart + 8 } : { text: out, start: start + 1, end: start + 1 + label.length };
  }
  const mark = kind === 'bold' ? '**' : kind === 'italic' ? '_' : picked.includes('\n') ? '```' : '`';
  const fence = mark === '```';
  const open = fence ? '```\n' : mark;
  const close = fence ? '\n```' : mark;
  if (text.slice(start - open.length, start) === open && text.slice(end, end + close.length) === close) {
    return { text: text.slice(0, start - open.length) + picked + text.slice(end + close.length), start: start - open.length, end: end - open.length };
  }
  return { text: text.slice(0, start) + open + picked + close + text.slice(end), start: start + open.length, end: end + open.length };
}

/**
 * @typedef {{kind: 'same' | 'added' | 'removed', text: string}} DiffLine
 * @typedef {{lines: DiffLine[], exact: boolean}} Diff `exact` false when the inputs were too big
 *   for a line-by-line comparison: the differing middle then shows as all removed, then all added
 */

/** The largest LCS table (lines × lines) compared exactly: about 16 MB of counters. */
export const MAX_DIFF_CELLS = 4_000_000;

/**
 * A line diff of `before` → `after`: the common start and end are trimmed, the middle compared by
 * longest common subsequence of lines. Over `maxCells` the middle is given as removed-then-added.
 * @param {string} before @param {string} after @returns {Diff}
 */
export function diffLines(before, after, maxCells = MAX_DIFF_CELLS) {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const same = (/** @type {string} */ text) => /** @type {DiffLine} */ ({ kind: 'same', text });
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const start = a.slice(0, head).map(same);
  const end = a.slice(a.length - tail).map(same);
  const n = x.length;
  const m = y.length;
  if (n * m > maxCells) {
    return { lines: [...start, ...x.map((text) => /** @type {DiffLine} */ ({ kind: 'removed', text })), ...y.map((text) => /** @type {DiffLine} */ ({ kind: 'added', text })), ...end], exact: false };
  }
  // lcs[i * (m + 1) + j]: the LCS length of x[i..] and y[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = x[i] === y[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  /** @type {DiffLine[]} */ const middle = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { middle.push(same(x[i])); i += 1; j += 1; } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) { middle.push({ kind: 'removed', text: x[i] }); i += 1; } else { middle.push({ kind: 'added', text: y[j] }); j += 1; }
  }
  while (i < n) { middle.push({ kind: 'removed', text: x[i] }); i += 1; }
  while (j < m) { middle.push({ kind: 'added', text: y[j] }); j += 1; }
  return { lines: [...start, ...middle, ...end], exact: true };
}

/**
 * A diff as two columns (before on the left, after on the right): same lines side by side, a run
 * of removed lines paired with the run of added lines that follows it.
 * @param {DiffLine[]} lines @returns {{left: DiffLine | null, right: DiffLine | null}[]}
 */
export function sideBySide(lines) {
  /** @type {{left: DiffLine | null, right: DiffLine | null}[]} */ const rows = [];
  let k = 0;
  while (k < lines.length) {
    if (lines[k].kind === 'same') { rows.push({ left: lines[k], right: lines[k] }); k += 1; continue; }
    /** @type {DiffLine[]} */ const removed = [];
    /** @type {DiffLine[]} */ const added = [];
    while (k < lines.length && lines[k].kind === 'removed') removed.push(lines[k++]);
    while (k < lines.length && lines[k].kind === 'added') added.push(lines[k++]);
    for (let r = 0; r < Math.max(removed.length, added.length); r++) rows.push({ left: removed[r] ?? null, right: added[r] ?? null });
  }
  return rows;
}

/** "+3 −1 lines". @param {DiffLine[]} lines */
export function diffSummary(lines) {
  const added = lines.filter((l) => l.kind === 'added').length;
  const removed = lines.filter((l) => l.kind === 'removed').length;
  return added === 0 && removed === 0 ? 'No differences' : `+${added} −${removed} line${added + removed === 1 ? '' : 's'}`;
}
