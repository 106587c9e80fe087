// @ts-check
/** Small modal dialogs: a form in a native <dialog>. A dialog with a `submit` action stays open,
 * with what was typed, until the action succeeds; its errors show under the field they are about. */
import { h } from './dom.js';
import { ApiError } from '../api/http.js';

/**
 * @typedef {{
 *   validate?: (values: FormData) => Record<string, string> | null,
 *   submit?: (values: FormData) => Promise<unknown>,
 * }} AskOptions
 * `validate` answers {field: message} to keep the dialog open; `submit` runs the action and may
 * throw an ApiError, shown under its `field` (or the form) with the dialog kept open.
 */

/**
 * @param {string} title
 * @param {HTMLElement[]} fields
 * @param {string} submitLabel
 * @param {string | null} [cancelLabel] null for a dialog with only the submit button
 * @param {AskOptions} [options]
 * @returns {Promise<FormData | null>} the form's values, or null when cancelled (or closed with Esc)
 */
export function ask(title, fields, submitLabel, cancelLabel = 'Cancel', options = {}) {
  return new Promise((resolve) => {
    const formError = h('p', { class: 'dialog__error', role: 'alert' });
    const submit = h('button', { class: 'button button--primary', value: 'ok', type: 'submit' }, submitLabel);
    const form = /** @type {HTMLFormElement} */ (h('form', { method: 'dialog', class: 'dialog__form', novalidate: true },
      h('h2', null, title), ...fields, formError,
      h('div', { class: 'dialog__buttons' },
        cancelLabel === null ? null
          : h('button', { class: 'button', value: 'cancel', type: 'button', onclick: () => { dialog.close(); } }, cancelLabel),
        submit)));
    const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'dialog', 'aria-label': title }, form));
    let result = /** @type {FormData | null} */ (null);
    form.addEventListener('submit', async (e) => {
      const values = new FormData(form);
      clearErrors(form, formError);
      if (!options.validate && !options.submit) { result = values; return; }
      e.preventDefault();
      const problems = options.validate?.(values);
      if (problems && Object.keys(problems).length) return showErrors(form, formError, problems);
      if (options.submit) {
        submit.setAttribute('disabled', '');
        try {
          await options.submit(values);
        } catch (err) {
          const field = err instanceof ApiError ? err.field : undefined;
          return showErrors(form, formError, { [field && form.elements.namedItem(field) ? field : '']: messageOf(err) });
        } finally {
          submit.removeAttribute('disabled');
        }
      }
      result = values;
      dialog.close();
    });
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** @param {unknown} err */
function messageOf(err) {
  if (err instanceof ApiError) return err.status === 0 ? 'The server cannot be reached. Try again.' : capitalise(err.message);
  return 'Something went wrong. Try again.';
}

/** @param {string} s */
const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** @param {HTMLFormElement} form @param {HTMLElement} formError */
function clearErrors(form, formError) {
  formError.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field__error')) el.textContent = '';
}

/** @param {HTMLFormElement} form @param {HTMLElement} formError @param {Record<string, string>} problems */
function showErrors(form, formError, problems) {
  let first = /** @type {HTMLElement | null} */ (null);
  for (const [name, text] of Object.entries(problems)) {
    const input = name ? /** @type {HTMLElement | null} */ (form.querySelector(`[name="${name}"]`)) : null;
    const slot = input ? form.querySelector(`#${input.getAttribute('aria-describedby')}`) : null;
    if (input && slot) {
      slot.textContent = text;
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else {
      formError.textContent = text;
    }
  }
  first?.focus();
}

let fieldIds = 0;

/** A labelled input with its error line. @param {string} label @param {string} name @param {Record<string, any>} [attrs] */
export function field(label, name, attrs = {}) {
  const id = `field-error-${++fieldIds}`;
  return h('div', { class: 'field' },
    h('label', null, label, h('input', { name, 'aria-describedby': id, ...attrs })),
    h('p', { class: 'field__error', id, 'aria-live': 'polite' }));
}

/** @param {string} label @param {string} name @param {[string, string][]} options */
export function choice(label, name, options) {
  return h('label', null, label, h('select', { name }, ...options.map(([value, text]) => h('option', { value }, text))));
}

/** Check boxes, several of which may be ticked. @param {string} legend @param {string} name @param {[string, string][]} options */
export function checks(legend, name, options) {
  return h('fieldset', { class: 'dialog__checks' }, h('legend', null, legend),
    ...options.map(([value, text]) => h('label', null, h('input', { type: 'checkbox', name, value }), text)));
}

/** Shows a text to copy, with a copy button and a note under it.
 * @param {string} title @param {string} text @param {string} [note] */
export function show(title, text, note) {
  const input = /** @type {HTMLInputElement} */ (h('input', { readonly: true, value: text, class: 'dialog__copy', 'aria-label': title,
    onfocus: (/** @type {any} */ e) => e.target.select() }));
  const copied = h('span', { class: 'dialog__copied', 'aria-live': 'polite' });
  const copy = h('button', { class: 'button', type: 'button', onclick: async () => {
    input.select();
    try { await navigator.clipboard.writeText(text); copied.textContent = 'Copied'; } catch { copied.textContent = 'Press Ctrl+C to copy'; }
  } }, 'Copy');
  return ask(title, [h('div', { class: 'dialog__copyrow' }, input, copy), h('p', { class: 'dialog__note' }, note ?? '', ' ', copied)], 'Done', null);
}

/** A question: true for yes, false for no (or Esc).
 * @param {string} title @param {string} text @param {string} yes @param {string} no */
export async function yesNo(title, text, yes, no) {
  return (await ask(title, [h('p', { class: 'dialog__text' }, text)], yes, no)) !== null;
}

/** A message with one button, resolved when it is dismissed.
 * @param {string} title @param {string} text @param {string} button */
export async function notice(title, text, button) {
  await ask(title, [h('p', { class: 'dialog__text' }, text)], button, null);
}

/** A brief note at the bottom of the window ("Link copied"), gone after a few seconds. @param {string} text */
export function toast(text) {
  document.querySelector('.toast')?.remove();
  const el = h('div', { class: 'toast', role: 'status' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 3000);
}
