// @ts-check
/** The notes panel beside the channel (a full screen on a phone): a channel's note, or one's
 * personal note of the workspace. A textarea with a formatting toolbar, the server's rendering as
 * preview (Edit / Preview, Split on wide screens), autosave with its status, who edited last.
 * A stale save opens the conflict view (theirs beside yours); History lists the versions, shows
 * one against the current and restores it. Non-members read the channel's note. The state
 * machine is state/notes.js; `note.updated` frames reach the open panel through `noteUpdated`. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { unsafeHTML } from '../vendor/lit-html/directives/unsafe-html.js';
import { h } from './dom.js';
import { store, subscribe, nameOf, channelLabel } from '../state/store.js';
import { whenText } from '../state/views.js';
import * as N from '../state/notes.js';
import { loadNote, saveNote, loadVersions, loadVersion, ConflictError } from '../api/notes.js';
import { ApiError } from '../api/http.js';
import { yesNo, toast } from './dialogs.js';
import { icon } from './icons.js';

/**
 * @typedef {import('../api/notes.js').NoteRef} NoteRef
 * @typedef {import('../state/notes.js').Editor} Editor
 * @typedef {import('../state/notes.js').DiffLine} DiffLine
 */

/** The header's and the sidebar's notes glyph (a page with lines). */
export const noteIcon = html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none"
  stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round"><path d="M4 2.5h5.5L12 5v8.5H4z"/><path d="M6 7.5h4M6 10h4"/></svg>`;

/** The open panel's handler for `note.updated` frames (one panel at a time). @type {((frame: any) => void) | null} */
let onFrame = null;

/** A `note.updated` frame from the socket, for the panel when it shows that channel's note. @param {any} frame */
export function noteUpdated(frame) {
  onFrame?.(frame);
}

const wide = matchMedia('(min-width: 1200px)');
const narrow = matchMedia('(max-width: 768px)');

/** @type {[string, 'bold' | 'italic' | 'code' | 'link' | 'list' | 'heading', unknown, string][]} label, kind, glyph, shortcut */
const TOOLS = [['Bold', 'bold', 'B', 'Ctrl+B'], ['Italic', 'italic', 'I', 'Ctrl+I'], ['Code', 'code', '</>', ''],
  ['Link', 'link', icon('link'), ''], ['Bulleted list', 'list', '•', ''], ['Heading', 'heading', 'H', '']];

/**
 * @param {HTMLElement} root the panel host @param {NoteRef} ref
 * @param {{close: () => void}} opts @returns {() => void} teardown
 */
export function mountNotes(root, ref, { close }) {
  const me = store.me?.id ?? '';
  const personal = ref.kind === 'personal';
  const cid = ref.kind === 'channel' ? ref.channelId : '';
  /** @type {Editor} */ let ed = N.emptyEditor();
  let loadError = '';
  /** @type {'edit' | 'preview' | 'split'} */ let mode = 'edit';
  /** @type {'editor' | 'history'} */ let view = 'editor';
  /** @type {import('../api/notes.js').VersionItem[] | null} */ let versions = null;
  let historyError = '';
  /** @type {import('../api/notes.js').Version | null} */ let picked = null;
  let busy = false;
  let alive = true;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let timer;

  const mayEdit = () => {
    if (personal) return true;
    const c = store.channels.get(cid);
    return Boolean(c?.is_member && !c.archived);
  };
  const label = () => { const c = store.channels.get(cid); return c ? channelLabel(c) : 'this channel'; };

  const textarea = /** @type {HTMLTextAreaElement} */ (h('textarea', {
    class: 'notes__input', 'aria-label': personal ? 'My notes' : 'Channel note', spellcheck: 'true',
    placeholder: personal ? 'Jot down anything: only you can see this.' : 'Write in Markdown: decisions, links, how-tos…',
  }));
  textarea.addEventListener('input', () => { ed = N.edited(ed, textarea.value); schedule(N.autosaveDelay(ed, 'input')); draw(); });
  textarea.addEventListener('blur', () => schedule(N.autosaveDelay(ed, 'blur')));
  textarea.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === 'b' || key === 'i') { e.preventDefault(); applyFormat(key === 'b' ? 'bold' : 'italic'); }
    if (key === 's') { e.preventDefault(); schedule(0); }
  });

  const section = h('section', { class: 'panel notes', 'aria-label': personal ? 'My notes' : 'Notes' });
  root.replaceChildren(section);

  /** Closing in a conflict would lose one's version (no save goes out over it): asked first. */
  async function requestClose() {
    if (ed.status === 'conflict' && !(await yesNo('Close the note?', 'Your version is not saved: someone saved a newer one. Copy it first to keep it.', 'Close anyway', 'Keep open'))) return;
    close();
  }

  /** @param {number | null} delay */
  function schedule(delay) {
    clearTimeout(timer);
    if (delay !== null) timer = setTimeout(save, delay);
  }

  /** Draft → textarea when it changed from outside (a refresh, "Take theirs", a restore). */
  const syncTextarea = () => { if (textarea.value !== ed.draft) textarea.value = ed.draft; };

  async function save() {
    const req = N.saveRequest(ed);
    if (!req) return;
    ed = N.saving(ed, req.content);
    draw();
    try {
      const note = await saveNote(ref, req);
      // Reloaded meanwhile ("Reload", a restore): the answer is only a newer note.
      if (ed.inFlight !== req.content) { ed = N.refreshed(ed, note); syncTextarea(); if (alive) draw(); return; }
      ed = N.saved(ed, note);
      if (ed.remote) refresh();
      schedule(N.autosaveDelay(ed, 'input'));
    } catch (e) {
      if (ed.inFlight !== req.content) return;
      if (e instanceof ConflictError) ed = N.conflicted(ed, e.note);
      else { ed = N.failed(ed, /** @type {any} */ (e)); schedule(N.autosaveDelay(ed, 'failed')); }
    }
    if (alive) draw();
  }

  /** Fetches the note after news of a newer version (an event, a reconnect). */
  async function refresh() {
    try {
      const note = await loadNote(ref);
      if (!alive) return;
      ed = N.refreshed(ed, note);
      syncTextarea();
      draw();
    } catch { /* the next event or reconnect tries again */ }
  }

  /** @param {'bold' | 'italic' | 'code' | 'link' | 'list' | 'heading'} kind */
  function applyFormat(kind) {
    const out = N.format(textarea.value, textarea.selectionStart, textarea.selectionEnd, kind);
    textarea.focus();
    // Through the editing commands when the browser has them, so Ctrl+Z undoes the formatting.
    textarea.select();
    if (!document.execCommand?.('insertText', false, out.text)) textarea.value = out.text;
    textarea.setSelectionRange(out.start, out.end);
    ed = N.edited(ed, textarea.value);
    schedule(N.autosaveDelay(ed, 'input'));
    draw();
  }

  async function keepMine() {
    const req = N.keepMineRequest(ed);
    if (!req) return;
    ed = N.saving(ed, req.content);
    draw();
    try { ed = N.saved(ed, await saveNote(ref, req)); } catch (e) {
      if (e instanceof ConflictError) ed = N.conflicted(ed, e.note);
      else ed = { ...N.failed(ed, /** @type {any} */ (e)), status: 'conflict' };
    }
    if (alive) { draw(); textarea.focus(); }
  }
  /** "Reload" on the notice: the draft gives way to the newer version. */
  async function reload() {
    clearTimeout(timer);
    try { ed = N.loaded(ed, await loadNote(ref)); } catch { toast('The note could not be loaded: try again'); return; }
    syncTextarea();
    if (alive) { draw(); textarea.focus(); }
  }
  function takeTheirs() { ed = N.takeTheirs(ed); syncTextarea(); draw(); textarea.focus(); }
  async function copyMine() {
    try { await navigator.clipboard.writeText(ed.draft); toast('Your version is copied'); } catch { toast('Copying is not allowed here: select the text and press Ctrl+C'); }
  }

  async function openHistory() {
    view = view === 'history' ? 'editor' : 'history';
    picked = null;
    draw();
    if (view !== 'history') return;
    versions = null; historyError = '';
    draw();
    try { versions = await loadVersions(ref); } catch { historyError = 'The versions could not be loaded. Try again.'; }
    if (alive) draw();
  }
  /** @param {number} n */
  async function pick(n) {
    busy = true; historyError = ''; draw();
    try { picked = await loadVersion(ref, n); } catch (e) {
      historyError = e instanceof ApiError && e.status === 404 ? `Version ${n} is no longer kept.` : 'That version could not be loaded. Try again.';
    }
    busy = false;
    if (alive) { draw(); /** @type {HTMLElement | null} */ (section.querySelector('.notes__version-title'))?.focus(); }
  }
  async function restore() {
    if (!picked || !ed.note) return;
    const old = picked;
    if (N.unsaved(ed) && !(await yesNo(`Restore version ${old.version}?`, 'Your unsaved changes will be replaced by that version.', 'Restore', 'Cancel'))) return;
    busy = true; draw();
    for (let attempt = 0; attempt < 2; attempt++) {
      const req = N.restoreRequest(ed, old);
      if (!req) break;
      try {
        ed = N.loaded({ ...ed, status: 'saved' }, await saveNote(ref, req));
        view = 'editor'; picked = null;
        toast(`Version ${old.version} restored`);
        break;
      } catch (e) {
        // Someone saved meanwhile: put the old version on top of theirs.
        if (e instanceof ConflictError) { ed = N.loaded(ed, e.note); continue; }
        historyError = e instanceof ApiError && e.status === 403 ? 'Only members of the channel can restore its note.' : 'Not restored: try again.';
        break;
      }
    }
    busy = false;
    syncTextarea();
    if (alive) draw();
  }

  const edited = () => {
    const n = ed.note;
    if (!n || !n.updated_at) return personal ? 'Only you can see this note.' : 'No one has written here yet.';
    const who = n.last_edited_by === me ? 'you' : nameOf(n.last_edited_by ?? '');
    return `Last edited by ${who} · ${whenText(n.updated_at, new Date())}`;
  };

  /** @param {DiffLine[]} lines */
  const unified = (lines) => html`<ol class="notes__diff" aria-label="Changes">${lines.map((l) => html`<li class="notes__line notes__line--${l.kind}"><span
    class="notes__mark" aria-hidden="true">${l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : ''}</span><span
    class="visually-hidden">${l.kind === 'same' ? '' : `${l.kind}: `}</span>${l.text || '\u00a0'}</li>`)}</ol>`;

  const conflictView = () => {
    const theirs = /** @type {import('../state/notes.js').Note} */ (ed.theirs);
    const diff = N.diffLines(theirs.content, ed.draft);
    const who = theirs.last_edited_by === me ? 'You (elsewhere)' : nameOf(theirs.last_edited_by ?? '');
    const cell = (/** @type {DiffLine | null} */ l, /** @type {string} */ side) => html`<div class="notes__cell${l ? ` notes__cell--${l.kind}` : ' notes__cell--gap'}" data-side=${side}>${l ? l.text || '\u00a0' : ''}</div>`;
    return html`<div class="notes__conflict">
      <p class="notes__conflict-text" role="alert"><strong>${who} saved a newer version while you were editing.</strong>
        Nothing was overwritten. Keep yours, take theirs, or copy yours to merge by hand.</p>
      ${diff.exact ? nothing : html`<p class="notes__hint">The notes are too long to compare line by line: the differing part shows whole.</p>`}
      ${narrow.matches ? html`<p class="notes__hint">− theirs · + yours</p>${unified(diff.lines)}` : html`<div class="notes__sides" role="table" aria-label="Theirs and yours">
        <div class="notes__side-head" role="columnheader">Theirs · ${who} · version ${theirs.version}</div>
        <div class="notes__side-head" role="columnheader">Yours</div>
        ${N.sideBySide(diff.lines).map((r) => html`${cell(r.left, 'theirs')}${cell(r.right, 'yours')}`)}</div>`}
      ${ed.error ? html`<p class="notes__error" role="alert">${ed.error}</p>` : nothing}
      <div class="notes__actions">
        <button type="button" class="button button--primary" ?disabled=${ed.inFlight !== null} @click=${keepMine}>Keep mine</button>
        <button type="button" class="button" ?disabled=${ed.inFlight !== null} @click=${takeTheirs}>Take theirs</button>
        <button type="button" class="button" @click=${copyMine}>Copy mine</button>
      </div></div>`;
  };

  const historyView = () => {
    if (picked) {
      const current = ed.note?.version === picked.version;
      const diff = N.diffLines(picked.content, ed.note?.content ?? '');
      return html`<div class="notes__history">
        <button type="button" class="button button--link notes__back" @click=${() => { picked = null; draw(); }}>‹ All versions</button>
        <h3 class="notes__version-title" tabindex="-1">Version ${picked.version}${current ? ' (current)' : ''}</h3>
        <p class="notes__hint">${nameOf(picked.edited_by)} · ${whenText(picked.edited_at, new Date())} · ${N.sizeText(picked.content.length)}</p>
        ${current ? nothing : html`<p class="notes__hint">Compared with the current version: ${N.diffSummary(diff.lines)} (− this version · + current)</p>${unified(diff.lines)}`}
        <details class="notes__version-text" ?open=${current}><summary>As written</summary>
          <div class="message__body notes__preview">${unsafeHTML(picked.html)}</div></details>
        ${historyError ? html`<p class="notes__error" role="alert">${historyError}</p>` : nothing}
        ${current || !mayEdit() ? nothing : html`<div class="notes__actions"><button type="button" class="button button--primary"
          ?disabled=${busy} @click=${restore}>Restore this version</button></div>`}</div>`;
    }
    return html`<div class="notes__history">
      <h3 class="notes__history-title">History</h3>
      ${historyError ? html`<p class="notes__error" role="alert">${historyError}</p>` : nothing}
      ${versions === null && !historyError ? html`<p class="notes__hint" aria-busy="true">Loading versions…</p>` : nothing}
      ${versions?.length === 0 ? html`<p class="notes__hint">No versions yet: every save keeps one (the last 50).</p>` : nothing}
      <ol class="notes__versions">${repeat(versions ?? [], (v) => v.version, (v) => html`<li><button type="button" class="notes__version"
        ?disabled=${busy} @click=${() => pick(v.version)}>
        <span class="notes__version-name">Version ${v.version}${v.version === ed.note?.version ? html` <span class="notes__tag">current</span>` : nothing}</span>
        <span class="notes__version-meta">${nameOf(v.edited_by)} · ${whenText(v.edited_at, new Date())} · ${N.sizeText(v.length)}</span></button></li>`)}</ol></div>`;
  };

  const editorView = () => {
    const n = ed.note;
    const preview = n?.html ? html`<div class="message__body notes__preview">${unsafeHTML(n.html)}</div>`
      : html`<p class="notes__empty">${mayEdit() ? 'Nothing here yet. Write something in Edit.' : `No note yet. Members of ${label()} can write one.`}</p>`;
    if (!mayEdit()) {
      return html`<p class="notes__readonly">${store.channels.get(cid)?.archived ? 'This channel is archived: its note is read-only.' : `You can read this note. Join ${label()} to edit it.`}</p>
        <div class="notes__body notes__body--preview"><div class="notes__show">${preview}</div></div>`;
    }
    const shown = mode === 'split' && !wide.matches ? 'edit' : mode;
    const modeButton = (/** @type {'edit' | 'preview' | 'split'} */ m, /** @type {string} */ text) => html`<button type="button"
      class="notes__mode" aria-pressed=${String(shown === m)} @click=${() => { mode = m; draw(); if (m !== 'preview') textarea.focus(); }}>${text}</button>`;
    return html`<div class="notes__bar">
        <div class="notes__modes" role="group" aria-label="Show">${modeButton('edit', 'Edit')}${modeButton('preview', 'Preview')}${wide.matches ? modeButton('split', 'Split') : nothing}</div>
        ${shown === 'preview' ? nothing : html`<div class="notes__tools" role="toolbar" aria-label="Formatting">${TOOLS.map(([name, kind, glyph, keys]) => html`<button
          type="button" class="notes__tool notes__tool--${kind}" aria-label=${name} title=${keys ? `${name} (${keys})` : name}
          @mousedown=${(/** @type {Event} */ e) => e.preventDefault()} @click=${() => applyFormat(kind)}>${glyph}</button>`)}</div>`}
      </div>
      <div class="notes__body notes__body--${shown}">
        <div class="notes__edit">${textarea}</div>
        <div class="notes__show">${N.isDirty(ed) && n?.html ? html`<p class="notes__hint">Preview of the last saved version.</p>` : nothing}${preview}</div>
      </div>`;
  };

  function draw() {
    if (!alive) return;
    const remote = ed.remote;
    const status = N.statusText(ed);
    const sub = personal ? 'Private to you' : label();
    const wideView = ed.status === 'conflict' || (view === 'history' && picked !== null) || (mode === 'split' && wide.matches && view === 'editor' && mayEdit());
    section.classList.toggle('notes--wide', wideView);
    render(html`<header class="panel__header">
        <h2 class="panel__title">${personal ? 'My notes' : 'Notes'} <span class="panel__sub">${sub}</span></h2>
        <button type="button" class="button button--small notes__history-button" aria-pressed=${String(view === 'history')}
          ?disabled=${!ed.note} @click=${openHistory}>History</button>
        <button type="button" class="icon-button" aria-label=${personal ? 'Close my notes' : 'Close notes'} @click=${requestClose}>×</button>
      </header>
      <div class="notes__meta"><span class="notes__edited">${ed.note ? edited() : ''}</span>
        <span class="notes__status" role="status" data-status=${ed.status}>${status}</span></div>
      ${remote ? html`<div class="notes__notice" role="alert"><span>Updated by ${remote.editorId === me ? 'you elsewhere' : nameOf(remote.editorId)}</span>
        <button type="button" class="button button--small" @click=${reload}>Reload</button>
        <button type="button" class="button button--small" @click=${() => { ed = N.keepEditing(ed); draw(); textarea.focus(); }}>Keep editing</button></div>` : nothing}
      ${loadError ? html`<p class="notes__error" role="alert">${loadError} <button type="button" class="button button--small" @click=${load}>Retry</button></p>`
        : !ed.note ? html`<div class="notes__loading" aria-busy="true" aria-label="Loading the note"><span></span><span></span><span></span></div>`
          : ed.status === 'conflict' && ed.theirs ? conflictView() : view === 'history' ? historyView() : editorView()}`, section);
  }

  async function load() {
    loadError = '';
    draw();
    try {
      ed = N.loaded(ed, await loadNote(ref));
      syncTextarea();
    } catch (e) {
      loadError = e instanceof ApiError && e.status === 403 ? 'You cannot read this note.' : 'The note could not be loaded.';
    }
    if (!alive) return;
    draw();
    if (ed.note && mayEdit() && !narrow.matches) textarea.focus();
  }

  onFrame = (frame) => {
    if (personal || frame.channel_id !== cid) return;
    const { editor, action } = N.remoteUpdated(ed, frame);
    ed = editor;
    if (action === 'fetch') refresh();
    draw();
  };
  const unsubscribe = subscribe((what) => {
    if (what === 'connection' && store.connection === 'open' && ed.note) {
      // Events missed while away: look again; a save that waited for the network goes now.
      refresh();
      if (ed.offline) schedule(0);
    }
    if (what === 'channels' || what === 'all' || what === 'users') draw();
  });
  const onResize = () => draw();
  wide.addEventListener('change', onResize);
  narrow.addEventListener('change', onResize);
  const onEsc = (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape' && !e.defaultPrevented && section.contains(/** @type {Node} */ (e.target)) && !document.querySelector('dialog[open], .popmenu')) requestClose();
  };
  document.addEventListener('keydown', onEsc);
  const onUnload = (/** @type {BeforeUnloadEvent} */ e) => { if (N.unsaved(ed)) e.preventDefault(); };
  window.addEventListener('beforeunload', onUnload);
  load();

  return () => {
    alive = false;
    clearTimeout(timer);
    // Closing the panel saves what was typed (an answer that comes back finds the panel gone).
    const req = N.saveRequest(ed);
    if (req) saveNote(ref, req).catch(() => toast('Your last note edits could not be saved'));
    onFrame = null;
    unsubscribe();
    wide.removeEventListener('change', onResize);
    narrow.removeEventListener('change', onResize);
    document.removeEventListener('keydown', onEsc);
    window.removeEventListener('beforeunload', onUnload);
    render(nothing, section);
    root.replaceChildren();
  };
}
