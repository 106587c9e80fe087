// @ts-check
/** One's status and do-not-disturb: the "Set a status" dialog (emoji, words, presets, when it
 * clears), "Pause notifications" (for a while, until tomorrow morning or a chosen time), and the
 * clock that redraws the views when a status clears or a pause ends by itself. */
import { h } from './dom.js';
import { ask } from './dialogs.js';
import { store, subscribe, changed } from '../state/store.js';
import { activeStatus, dndActive, clearAt, pauseUntil, nextExpiry, untilText, PRESETS, CLEAR_AFTER, PAUSE_FOR } from '../state/status.js';
import { updateMe } from '../api/marks.js';

/** @typedef {import('../state/status.js').ClearAfter} ClearAfter */

/** The "Set a status" dialog. */
export async function statusDialog() {
  const me = store.me;
  const current = activeStatus(me ?? undefined, Date.now());
  const emoji = /** @type {HTMLInputElement} */ (h('input', { name: 'status_emoji', class: 'status__emoji-input', maxlength: 40,
    'aria-label': 'Emoji', title: 'An emoji or :shortcode:', placeholder: '🙂', autocomplete: 'off', value: current?.emoji ?? '' }));
  const text = /** @type {HTMLInputElement} */ (h('input', { name: 'status_text', class: 'status__text-input', maxlength: 100,
    'aria-label': 'Status', placeholder: 'What’s your status?', autocomplete: 'off', value: current?.text ?? '' }));
  const clear = /** @type {HTMLSelectElement} */ (h('select', { name: 'clear', class: 'status__clear' },
    ...CLEAR_AFTER.map(([value, label]) => h('option', { value }, label))));
  // A status set with an end keeps "Don't clear" offered: the dialog does not guess the old choice.
  const presets = h('ul', { class: 'status__presets', 'aria-label': 'Suggestions' }, ...PRESETS.map((p) => h('li', null,
    h('button', { type: 'button', class: 'status__preset', onclick: () => {
      emoji.value = p.emoji; text.value = p.text; clear.value = p.clear; text.focus();
    } }, h('span', { class: 'status__preset-emoji', 'aria-hidden': 'true' }, p.emoji), h('span', null, p.text),
    h('span', { class: 'status__preset-hint' }, CLEAR_AFTER.find(([v]) => v === p.clear)?.[1] ?? '')))));
  const clearNow = current ? h('button', { type: 'button', class: 'button button--link status__clear-now', onclick: async (/** @type {Event} */ e) => {
    const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
    button.disabled = true;
    try {
      await updateMe({ status_text: '', status_emoji: '', status_expires_at: null });
      button.closest('dialog')?.close();
    } catch {
      button.disabled = false;
      button.textContent = 'Not cleared: try again';
    }
  } }, 'Clear status') : null;
  const expiresNote = current && me?.status_expires_at
    ? h('p', { class: 'dialog__note' }, `Your status clears ${untilText(me.status_expires_at, new Date()).replace(/^until /, 'at ')}.`) : null;
  const fields = [
    h('div', { class: 'status__row' }, emoji, text),
    presets,
    h('label', { class: 'status__clear-label' }, 'Clear after', clear),
    expiresNote,
    clearNow,
  ].filter((x) => x !== null);
  setTimeout(() => text.focus());
  await ask(current ? 'Change your status' : 'Set a status', /** @type {HTMLElement[]} */ (fields), 'Save', 'Cancel', {
    validate: (v) => (String(v.get('status_text')).trim() || String(v.get('status_emoji')).trim() ? null
      : { '': 'Type a status or pick a suggestion (or press Cancel).' }),
    submit: async (v) => updateMe({
      status_emoji: String(v.get('status_emoji')).trim(),
      status_text: String(v.get('status_text')).trim(),
      status_expires_at: clearAt(/** @type {ClearAfter} */ (String(v.get('clear'))), new Date()),
    }),
  });
}

/** Clears one's status at once (the user menu). */
export const clearStatus = () => updateMe({ status_text: '', status_emoji: '', status_expires_at: null });

/** The "Pause notifications" dialog. */
export async function pauseDialog() {
  const radio = (/** @type {string} */ value, /** @type {string} */ label, checked = false) => h('label', { class: 'status__choice' },
    h('input', { type: 'radio', name: 'for', value, checked }), label);
  const custom = /** @type {HTMLInputElement} */ (h('input', { type: 'datetime-local', name: 'until', class: 'status__until',
    'aria-label': 'Pause until', 'aria-describedby': 'pause-until-error', min: localInput(new Date()), value: localInput(new Date(Date.now() + 3 * 3_600_000)) }));
  const fieldset = h('fieldset', { class: 'status__choices' }, h('legend', { class: 'visually-hidden' }, 'Pause notifications'),
    // Tomorrow's 9:00 in the reader's own clock ("9:00 AM" or "09:00").
    ...PAUSE_FOR.map(([value, label], i) => radio(value, value === 'tomorrow' ? `Until ${untilText(pauseUntil('tomorrow', new Date()), new Date()).slice(6)}` : label, i === 1)),
    h('div', { class: 'status__custom' }, radio('custom', 'Until'), custom),
    h('p', { class: 'field__error', id: 'pause-until-error', 'aria-live': 'polite' }));
  custom.addEventListener('focus', () => { /** @type {HTMLInputElement} */ (fieldset.querySelector('input[value="custom"]')).checked = true; });
  const paused = store.me?.dnd_until && dndActive(store.me, Date.now()) ? store.me.dnd_until : null;
  const fields = [
    h('p', { class: 'dialog__note' }, paused
      ? `Notifications are paused ${untilText(paused, new Date())}. Choose a new end:`
      : 'You get no notifications until then; mentions wait for you in Mentions.'),
    fieldset,
  ];
  await ask('Pause notifications', fields, 'Pause', 'Cancel', {
    validate: (v) => {
      if (v.get('for') !== 'custom') return null;
      const t = Date.parse(String(v.get('until')));
      return t > Date.now() ? null : { until: 'Choose a time in the future.' };
    },
    submit: async (v) => {
      const choice = String(v.get('for'));
      const until = choice === 'custom' ? new Date(String(v.get('until'))).toISOString()
        : pauseUntil(/** @type {import('../state/status.js').PauseFor} */ (choice), new Date());
      await updateMe({ dnd_until: until });
    },
  });
}

/** Notifications again, now. */
export const resumeNotifications = () => updateMe({ dnd_until: null });

/** The user menu's entries for status and do-not-disturb. @returns {import('./menus.js').MenuEntry[]} */
export function statusMenuEntries() {
  const me = store.me ?? undefined;
  const now = Date.now();
  const status = activeStatus(me, now);
  const dnd = me?.dnd_until && dndActive(me, now) ? me.dnd_until : null;
  const fail = () => {};
  return [
    { label: status ? 'Change status…' : 'Set a status…', run: () => { statusDialog(); } },
    ...(status ? [{ label: 'Clear status', run: () => { clearStatus().catch(fail); } }] : []),
    ...(dnd ? [{ label: 'Resume notifications', hint: untilText(dnd, new Date()).replace(/^until /, 'paused till '), run: () => { resumeNotifications().catch(fail); } }] : []),
    { label: dnd ? 'Change pause…' : 'Pause notifications…', run: () => { pauseDialog(); } },
  ];
}

/** A time as a datetime-local input's value (local, minutes). @param {Date} d */
function localInput(d) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Redraws everything when the next status clears or pause ends on its own; returns the teardown. */
export function watchExpiry() {
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let timer;
  let due = 0;
  const plan = () => {
    const next = nextExpiry(store.users.values(), Date.now());
    if (next === due) return;
    clearTimeout(timer);
    due = next ?? 0;
    // At most a day ahead (timers overflow past ~24 days); the next plan looks again.
    if (next !== null) timer = setTimeout(() => { due = 0; changed('all'); }, Math.min(next - Date.now() + 250, 86_400_000));
  };
  plan();
  const unsubscribe = subscribe((what) => { if (what === 'all' || what === 'members') plan(); });
  return () => { unsubscribe(); clearTimeout(timer); };
}
