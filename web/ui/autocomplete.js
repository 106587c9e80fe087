// @ts-check
/** The composer's `@` and `#` completion popup: a listbox above the box, the textarea as its
 * combobox (aria-expanded, aria-controls, aria-activedescendant). Arrow keys move, Enter or Tab
 * picks, Esc closes, a click picks; the list's logic is state/complete.js. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { store, subscribe } from '../state/store.js';
import { triggerAt, mentionOptions, channelOptions, applyPick, move } from '../state/complete.js';
import { get } from '../api/http.js';
import { avatar, presenceDot } from './people.js';
import { icon } from './icons.js';

/** @typedef {import('../state/complete.js').Option} Option */
/** @typedef {import('../state/complete.js').Trigger} Trigger */

/** The open workspace's user groups, fetched once per workspace. @type {{wid: string, groups: import('../state/complete.js').Group[]} | null} */
let groupCache = null;
/** @type {Promise<void> | null} */ let groupLoad = null;

function loadGroups() {
  const wid = store.workspaceId;
  if (!wid || groupCache?.wid === wid) return Promise.resolve();
  groupLoad ??= get(`/workspaces/${wid}/groups`)
    .then(({ groups }) => { groupCache = { wid, groups: groups ?? [] }; }, () => { groupCache = { wid, groups: [] }; })
    .finally(() => { groupLoad = null; });
  return groupLoad;
}

let lists = 0;

/**
 * Attaches completion to a composer's textarea; the popup is drawn into `box` (positioned).
 * @param {HTMLTextAreaElement} input @param {HTMLElement} box
 * @param {{cid: string, changed: () => void}} opts `changed` is told after a pick rewrote the text
 * @returns {{keydown: (e: KeyboardEvent) => boolean, isOpen: () => boolean, close: () => void, teardown: () => void}}
 *   `keydown` answers true when it handled the key (the composer must then not act on it)
 */
export function attachAutocomplete(input, box, { cid, changed }) {
  const id = `autocomplete-${++lists}`;
  const host = document.createElement('div');
  host.className = 'autocomplete';
  host.hidden = true;
  box.append(host);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-haspopup', 'listbox');
  input.setAttribute('aria-expanded', 'false');

  /** @type {Trigger | null} */ let trigger = null;
  /** @type {Option[]} */ let options = [];
  let active = 0;
  /** Where Esc closed the list: it stays closed for that word. */
  let dismissed = -1;

  const optionId = (/** @type {number} */ i) => `${id}-${i}`;
  const isOpen = () => trigger !== null && options.length > 0;

  function update() {
    const caret = input.selectionStart ?? 0;
    const next = input.selectionStart === input.selectionEnd ? triggerAt(input.value, caret) : null;
    if (!next) dismissed = -1;
    if (!next || next.start === dismissed) { close(); return; }
    const same = trigger && trigger.start === next.start && trigger.query === next.query && trigger.kind === next.kind;
    trigger = next;
    if (next.kind === '@') loadGroups().then(() => { if (trigger === next) compute(true); });
    compute(!same);
  }

  /** @param {boolean} reset start at the first option */
  function compute(reset) {
    if (!trigger) return;
    const keep = options[active]?.id;
    options = trigger.kind === '#' ? channelOptions(trigger.query, store.channels.values()) : mentionOptions(trigger.query, sources());
    const at = reset ? -1 : options.findIndex((o) => o.id === keep);
    active = at === -1 ? 0 : at;
    draw();
  }

  function sources() {
    const channel = store.channels.get(cid);
    const members = store.channelMembers.get(cid);
    const inWorkspace = store.roles.size ? (/** @type {string} */ uid) => store.roles.has(uid) : () => true;
    const people = [...store.users.values()].filter((u) => inWorkspace(u.id))
      .map((u) => ({ id: u.id, name: u.name, handle: /** @type {any} */ (u).handle }));
    const groups = groupCache?.wid === store.workspaceId ? groupCache.groups : [];
    return { people, members: members ? new Set(members) : null, groups, dm: channel?.kind === 'dm', me: store.me?.id };
  }

  function draw() {
    const open = isOpen();
    input.setAttribute('aria-expanded', String(open));
    // The list exists only while open: the references point at it only then.
    if (open) { input.setAttribute('aria-controls', id); input.setAttribute('aria-activedescendant', optionId(active)); }
    else { input.removeAttribute('aria-controls'); input.removeAttribute('aria-activedescendant'); }
    host.hidden = !open;
    if (!open) { render(nothing, host); return; }
    const label = trigger?.kind === '#' ? 'Channels' : 'People and groups';
    const firstOther = options.findIndex((o) => o.kind === 'person' && o.member === false);
    const hasMember = options.some((o) => o.kind === 'person' && o.member);
    const where = store.channels.get(cid);
    render(html`<p class="autocomplete__title" aria-hidden="true">${label}</p>
      <ul class="autocomplete__list" role="listbox" id=${id} aria-label=${label}
        @pointerdown=${(/** @type {Event} */ e) => e.preventDefault()}>
      ${options.map((o, i) => html`
        ${i === firstOther && hasMember && where && where.kind !== 'dm' ? html`<li class="autocomplete__divider" role="presentation">Not in #${where.name}</li>` : nothing}
        <li class="autocomplete__option autocomplete__option--${o.kind}" role="option" id=${optionId(i)} aria-selected=${String(i === active)}
          @mousemove=${() => { if (active !== i) { active = i; draw(); } }} @click=${() => pick(i)}>
          ${lead(o)}
          <span class="autocomplete__label">${o.label}</span>
          ${o.detail ? html`<span class="autocomplete__detail">${o.detail}</span>` : nothing}
        </li>`)}
      </ul>
      <p class="autocomplete__hint" aria-hidden="true"><kbd>↑</kbd><kbd>↓</kbd> to move · <kbd>Enter</kbd> or <kbd>Tab</kbd> to pick · <kbd>Esc</kbd> to close</p>`, host);
    host.querySelector(`#${optionId(active)}`)?.scrollIntoView({ block: 'nearest' });
  }

  /** @param {number} i */
  function pick(i) {
    const o = options[i];
    if (!o || !trigger) return;
    const next = applyPick(input.value, trigger, o.insert);
    input.value = next.text;
    input.focus();
    input.setSelectionRange(next.caret, next.caret);
    close();
    changed();
  }

  function close() {
    if (!trigger && host.hidden) return;
    trigger = null;
    options = [];
    draw();
  }

  /** @param {KeyboardEvent} e */
  function keydown(e) {
    if (!isOpen() || e.isComposing) return false;
    const plain = !e.altKey && !e.ctrlKey && !e.metaKey;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!plain) return false;
      e.preventDefault();
      active = move(active, e.key === 'ArrowDown' ? 1 : -1, options.length);
      draw();
      return true;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && plain && !e.shiftKey) {
      e.preventDefault();
      pick(active);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      dismissed = trigger?.start ?? -1;
      close();
      return true;
    }
    return false;
  }

  const onInput = () => update();
  // The caret moved without typing (arrows across a word, a click): the word under it may differ.
  const onKeyup = (/** @type {KeyboardEvent} */ e) => { if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) update(); };
  const onClick = () => update();
  const onBlur = () => close();
  input.addEventListener('input', onInput);
  input.addEventListener('keyup', onKeyup);
  input.addEventListener('click', onClick);
  input.addEventListener('blur', onBlur);
  // People, presence and members may arrive while the list is open.
  // A composer dropped without its teardown (a channel switch) stops listening at the next change.
  const unsubscribe = subscribe((what) => {
    if (!input.isConnected && !host.isConnected) { unsubscribe(); return; }
    if (isOpen() && ['presence', 'members', 'all', 'channels'].includes(what)) compute(false);
  });

  return {
    keydown, isOpen, close,
    teardown() {
      unsubscribe();
      input.removeEventListener('input', onInput);
      input.removeEventListener('keyup', onKeyup);
      input.removeEventListener('click', onClick);
      input.removeEventListener('blur', onBlur);
      render(nothing, host);
      host.remove();
    },
  };
}

/** The picture at the start of a row. @param {Option} o */
function lead(o) {
  if (o.kind === 'person') return html`<span class="autocomplete__avatar">${avatar(o.id, 24)}${presenceDot(o.id)}</span>`;
  if (o.kind === 'group') return html`<span class="autocomplete__icon" aria-hidden="true">${people}</span>`;
  if (o.kind === 'special') return html`<span class="autocomplete__icon" aria-hidden="true">@</span>`;
  const c = store.channels.get(o.id);
  return html`<span class="autocomplete__icon autocomplete__icon--channel" aria-hidden="true">${c?.kind === 'private' ? icon('lock') : '#'}</span>`;
}

const people = html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M5.5 7.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5Zm5.5 0a2 2 0 1 1 0-4 2 2 0 0 1 0 4ZM1 13c0-2.2 2-3.9 4.5-3.9S10 10.8 10 13v.5H1V13Zm10 .5V13c0-1.2-.4-2.3-1.2-3.1.4-.1.8-.2 1.2-.2 2.1 0 4 1.4 4 3.3v.5h-4Z"/></svg>`;
