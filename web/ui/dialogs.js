// @ts-check
/** Small modal dialogs: a form in a native <dialog>, resolved with its values or null. */
import { h } from './dom.js';

/**
 * @param {string} title
 * @param {HTMLElement[]} fields
 * @param {string} submitLabel
 * @param {string | null} [cancelLabel] null for a dialog with only the submit button
 * @returns {Promise<FormData | null>} the form's values, or null when cancelled (or closed with Esc)
 */
export function ask(title, fields, submitLabel, cancelLabel = 'Cancel') {
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog', class: 'dialog__form' },
      h('h2', null, title), ...fields,
      h('div', { class: 'dialog__buttons' },
        cancelLabel === null ? null
          : h('button', { class: 'button', value: 'cancel', type: 'button', onclick: () => { dialog.close(); } }, cancelLabel),
        h('button', { class: 'button button--primary', value: 'ok', type: 'submit' }, submitLabel)));
    const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'dialog' }, form));
    let result = /** @type {FormData | null} */ (null);
    form.addEventListener('submit', () => {
      result = new FormData(/** @type {HTMLFormElement} */ (form));
    });
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** @param {string} label @param {string} name @param {Record<string, any>} [attrs] */
export function field(label, name, attrs = {}) {
  return h('label', null, label, h('input', { name, ...attrs }));
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

/** Shows a text to copy. @param {string} title @param {string} text */
export function show(title, text) {
  return ask(title, [h('input', { readonly: true, value: text, class: 'dialog__copy', onfocus: (/** @type {any} */ e) => e.target.select() })], 'Done');
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
