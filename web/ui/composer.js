// @ts-check
/** The composer: a rounded box with the text, a send button enabled only with content, the
 * length counter near the limit, the reason a send was refused, the channel's draft, editing of
 * one's own message, `:shortcode:` completion as the closing colon is typed, `@`/`#` completion
 * (ui/autocomplete.js), a question before a broadcast reaches a big channel (ui/broadcast.js),
 * and files (ui/upload-tray.js): attached, dropped or pasted, shown above the text; Send waits
 * until every one is uploaded, then the message carries them. Drafts keep the text only. */
import { h } from './dom.js';
import { store } from '../state/store.js';
import { loadDraft, saveDraft } from '../state/drafts.js';
import { completeAt } from '../state/emoji.js';
import { loadEmoji, emojiTable } from './emoji.js';
import { attachAutocomplete } from './autocomplete.js';
import { confirmBroadcast } from './broadcast.js';
import { mountUploadTray } from './upload-tray.js';
import { sendable } from '../state/uploads.js';

/** The server's content limit (API.md: 40,000 characters → 413). */
export const MAX_LENGTH = 40_000;
/** The counter shows from this length on. */
const COUNT_FROM = 36_000;
const count = new Intl.NumberFormat();

/**
 * @param {{cid: string, label: string, send: (text: string, files: import('../state/files.js').FileInfo[]) => void, save: (id: string, text: string) => Promise<void>,
 *   typing: () => void, editLast: () => any, done: (id: string | null) => void,
 *   confirm?: (text: string) => Promise<boolean>, draftKey?: string}} opts
 *   `done` is told when an edit ends (saved or cancelled), with the message id; `confirm` decides
 *   whether a new message goes (default: ask before @channel/@here in a big channel); `draftKey`
 *   keeps the draft apart (a thread's composer: `<cid>/<root id>`)
 */
export function mountComposer({ cid, label, send, save, typing, editLast, done, confirm = (text) => confirmBroadcast(cid, text), draftKey = cid }) {
  const noteId = `composer-note-${draftKey.replace(/\W/g, '-')}`;
  const input = /** @type {HTMLTextAreaElement} */ (h('textarea', { class: 'composer__input', rows: 1,
    'aria-label': `Message ${label}`, placeholder: `Message ${label}`, 'aria-describedby': `${noteId} ${noteId}-hint` }));
  const counter = h('span', { class: 'composer__counter', hidden: true, 'aria-live': 'polite' });
  const submitButton = /** @type {HTMLButtonElement} */ (h('button', { class: 'composer__send', type: 'submit', 'aria-label': 'Send', title: 'Send (Enter)', disabled: true }, sendIcon()));
  const note = h('p', { class: 'composer__note', id: noteId, role: 'alert' });
  const hint = h('p', { class: 'composer__hint', id: `${noteId}-hint`, 'aria-live': 'polite' });
  const editingLabel = h('p', { class: 'composer__editing', hidden: true }, 'Editing message · Enter to save, Esc to cancel');
  const me = store.me?.id ?? '';
  /** @type {{id: string, before: string} | null} */ let editing = null;
  const tray = mountUploadTray({ key: `${me}:${draftKey}`, wid: store.channels.get(cid)?.workspace_id ?? store.workspaceId ?? '',
    changed: () => refresh(), say: (text) => say(text, text ? 'files' : ''), accepting: () => !editing && !form.hidden });
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'composer', onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); submit(); } },
    editingLabel,
    h('div', { class: 'composer__box' }, tray.element,
      h('div', { class: 'composer__row' }, input, h('div', { class: 'composer__bar' }, counter, tray.attach, submitButton))),
    tray.picker, hint, note));
  let lastTyping = 0;
  /** A broadcast question is open: Enter does not ask twice. */
  let asking = false;
  const completion = attachAutocomplete(input, /** @type {HTMLElement} */ (form.querySelector('.composer__box')), { cid, changed: () => {
    if (!editing) saveDraft(localStorage, me, draftKey, input.value);
    refresh();
  } });

  const refresh = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
    const n = input.value.length;
    counter.hidden = n < COUNT_FROM;
    counter.textContent = `${count.format(n)} / ${count.format(MAX_LENGTH)}`;
    counter.classList.toggle('composer__counter--over', n > MAX_LENGTH);
    const verdict = sendable(tray.list(), input.value);
    submitButton.disabled = editing ? !input.value.trim() : !verdict.ok;
    // Set only when it changes: the live region speaks on every write.
    const said = editing ? '' : verdict.hint;
    if (hint.textContent !== said) hint.textContent = said;
    if (n <= MAX_LENGTH && note.dataset.kind === 'length') say('');
  };
  const say = (/** @type {string} */ text, kind = '') => { note.textContent = text; note.dataset.kind = kind; };

  async function submit() {
    const content = input.value.trim();
    if (!editing && !sendable(tray.list(), content).ok) {
      // Said again for screen readers: Enter did nothing because of it.
      const text = hint.textContent;
      hint.textContent = '';
      requestAnimationFrame(() => { hint.textContent = text; });
      return;
    }
    if (!content && editing) return;
    if (content.length > MAX_LENGTH) {
      say(`This message is ${count.format(content.length)} characters long; the limit is ${count.format(MAX_LENGTH)}. Shorten it or split it into several messages.`, 'length');
      return;
    }
    say('');
    if (editing) {
      const { id, before } = editing;
      // The composer is given back only once the edit is saved: a refusal keeps the edited text.
      save(id, content).then(() => { stopEditing(before); done(id); },
        (/** @type {any} */ e) => say(`The edit was not saved: ${e.message}.`));
      return;
    }
    if (asking) return;
    asking = true;
    const go = await confirm(content).catch(() => true).finally(() => { asking = false; });
    input.focus();
    // The tray may have changed while the question was open.
    if (!go || !sendable(tray.list(), content).ok) return;
    const files = tray.files();
    input.value = '';
    saveDraft(localStorage, me, draftKey, '');
    tray.clear();
    if (note.dataset.kind === 'files') say('');
    // The next message is news: its first keystroke says so again.
    lastTyping = 0;
    refresh();
    send(content, files);
  }

  /** @param {{id: string, content: string}} m */
  function startEdit(m) {
    editing = { id: m.id, before: editing ? editing.before : input.value };
    input.value = m.content;
    form.classList.add('composer--editing');
    editingLabel.hidden = false;
    refresh();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
  /** @param {string} restore the draft that was there before */
  function stopEditing(restore) {
    editing = null;
    form.classList.remove('composer--editing');
    editingLabel.hidden = true;
    input.value = restore;
    refresh();
  }

  input.addEventListener('input', (e) => {
    if (!editing) saveDraft(localStorage, me, draftKey, input.value);
    refresh();
    if (/** @type {InputEvent} */ (e).data === ':') completeShortcode();
    if (Date.now() - lastTyping > 2000 && input.value && !editing) { lastTyping = Date.now(); typing(); }
  });
  async function completeShortcode() {
    const table = emojiTable() ?? await loadEmoji();
    const caret = input.selectionStart;
    const next = completeAt(input.value, caret, table);
    if (!next || input.selectionStart !== caret) return;
    input.value = next.text;
    input.setSelectionRange(next.caret, next.caret);
    if (!editing) saveDraft(localStorage, me, draftKey, input.value);
    refresh();
  }
  input.addEventListener('keydown', (e) => {
    if (completion.keydown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    else if (e.key === 'ArrowUp' && !input.value && !editing && !tray.list().length) {
      const mine = editLast();
      if (mine) { e.preventDefault(); startEdit(mine); }
    } else if (e.key === 'Escape' && editing) {
      e.preventDefault();
      const id = editing.id;
      stopEditing(editing.before);
      done(id);
    }
  });

  input.addEventListener('paste', tray.onPaste);

  input.value = loadDraft(localStorage, me, draftKey);
  queueMicrotask(refresh);
  return { form, input, startEdit, say, focus: () => input.focus(),
    /** Files dropped on `host` (the pane around the composer) are attached. */ acceptDrops: tray.acceptDrops,
    teardown: () => { completion.teardown(); tray.teardown(); } };
}

function sendIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svgEl = document.createElementNS(ns, 'svg');
  svgEl.setAttribute('viewBox', '0 0 16 16');
  svgEl.setAttribute('width', '16');
  svgEl.setAttribute('height', '16');
  svgEl.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M2 8.5L14 2l-3.5 12-2.5-5z');
  path.setAttribute('fill', 'currentColor');
  svgEl.append(path);
  return svgEl;
}
