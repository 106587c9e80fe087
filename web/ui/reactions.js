// @ts-check
/** Reactions under a message: a chip per emoji with its count, pressed when mine, saying who
 * reacted on hover, keyboard focus and long-press; a trailing "add" chip that opens the emoji
 * picker. A click toggles at once (optimistic); the socket's reaction events are the truth and
 * count once (state/messages.js `react` is idempotent). A refusal is written under the chips. */
import { html, nothing } from '../vendor/lit-html/lit-html.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { store, logOf, setLog, nameOf, changed } from '../state/store.js';
import { applyToThread } from '../state/threads.js';
import { react } from '../state/messages.js';
import { toggle, isMine, describe } from '../state/reactions.js';
import { put, del } from '../api/http.js';
import { openEmojiPicker, closeEmojiPicker, emojiIndex, loadPickerData } from './emoji-picker.js';
import { showTip, hideTip, tipEvents } from './tooltip.js';
import { icon } from './icons.js';

/** @typedef {import('../state/messages.js').Message} Message */

/** How long a refusal stays under the chips. */
const NOTE_MS = 6000;
/** Refusals by message id. @type {Map<string, string>} */
const notes = new Map();
/** Whether the emoji's names were asked for (the chips' labels name them: `:tada:`). */
let askedNames = false;

/**
 * The chips of a message, or nothing when it has no reactions. Tab reaches them on the focused
 * message only, as the list's rows are one tab stop. Without `react` (not a member, archived) they
 * only show.
 * @param {Message} m
 * @param {{me: string, focusId: string, react?: (m: Message, emoji: string) => void, addReaction?: (m: Message, anchor: HTMLElement) => void}} ctx
 */
export function reactionChips(m, ctx) {
  const reactions = m.reactions ?? [];
  const note = notes.get(m.id);
  const { react: toggleIt, addReaction } = ctx;
  if (!reactions.length && !note) return nothing;
  const names = emojiIndex();
  if (!names && !askedNames) {
    askedNames = true;
    loadPickerData().then(() => changed('messages'), () => {});
  }
  const tabindex = ctx.focusId === m.id ? 0 : -1;
  const chip = (/** @type {import('../state/messages.js').Reaction} */ r) => {
    const mine = isMine(r, ctx.me);
    const label = describe(r, ctx.me, nameOf, names?.get(r.emoji)?.name);
    return html`<button type="button" class=${`reaction${mine ? ' reaction--mine' : ''}`} aria-pressed=${String(mine)}
      aria-label=${label} data-tip=${label} data-tip-emoji=${r.emoji} tabindex=${tabindex} aria-disabled=${toggleIt ? nothing : 'true'}
      @click=${() => toggleIt?.(m, r.emoji)} @contextmenu=${longPress}
      @pointerenter=${tipEvents.enter} @pointerleave=${tipEvents.leave} @focus=${tipEvents.focus} @blur=${tipEvents.leave}>
      <span class="reaction__emoji" aria-hidden="true">${r.emoji}</span><span class="reaction__count" aria-hidden="true">${r.count}</span></button>`;
  };
  return html`${reactions.length ? html`<div class="reactions" role="group" aria-label="Reactions">
      ${repeat(reactions, (r) => r.emoji, chip)}
      ${addReaction ? html`<button type="button" class="reaction reaction--add" aria-label="Add reaction" data-tip="Add reaction" tabindex=${tabindex}
        @click=${(/** @type {Event} */ e) => addReaction(m, /** @type {HTMLElement} */ (e.currentTarget))}
        @pointerenter=${tipEvents.enter} @pointerleave=${tipEvents.leave} @focus=${tipEvents.focus} @blur=${tipEvents.leave}>${icon('reaction')}</button>` : nothing}
    </div>` : nothing}
    ${note ? html`<p class="reactions__note" role="alert">${icon('alert')}<span>${note}</span></p>` : nothing}`;
}

/** Touch: a long-press on a chip says who reacted (instead of the message's menu). @param {Event} e */
function longPress(e) {
  e.preventDefault();
  e.stopPropagation();
  const el = /** @type {HTMLElement} */ (e.currentTarget);
  showTip(el);
  setTimeout(() => hideTip(el), 2500);
}

/**
 * The toggles of one channel's message list.
 * @param {{cid: string, me: string, list: HTMLElement}} opts
 */
export function mountReactions({ cid, me, list }) {
  /** Requests per message and emoji run one after another, so the server sees them in order. */
  /** @type {Map<string, Promise<void>>} */
  const queues = new Map();

  /** @param {string} mid @param {{type: string, emoji: string, user_id: string}} event */
  const apply = (mid, event) => {
    const log = logOf(cid);
    setLog(cid, { ...log, messages: log.messages.map((x) => (x.id === mid ? { ...x, reactions: react(x.reactions ?? [], event) } : x)) });
    // A reply (or root) in the open thread shows the same toggle at once.
    if (store.thread) {
      const thread = applyToThread(store.thread, { ...event, message_id: mid });
      if (thread !== store.thread) { store.thread = thread; changed('thread'); }
    }
  };

  /** @param {string} mid @param {string} text */
  const say = (mid, text) => {
    notes.set(mid, text);
    changed('messages');
    setTimeout(() => { if (notes.get(mid) === text) { notes.delete(mid); changed('messages'); } }, NOTE_MS);
  };

  /** @param {string} mid @param {{type: 'reaction.added' | 'reaction.removed', emoji: string, user_id: string}} event */
  function send(mid, event) {
    const adding = event.type === 'reaction.added';
    notes.delete(mid);
    apply(mid, event);
    const path = `/messages/${mid}/reactions/${encodeURIComponent(event.emoji)}`;
    const key = `${mid} ${event.emoji}`;
    const run = () => (adding ? put(path) : del(path)).then(() => {}, (/** @type {any} */ e) => {
      apply(mid, { ...event, type: adding ? 'reaction.removed' : 'reaction.added' });
      say(mid, `${adding ? 'The reaction was not added' : 'The reaction was not removed'}: ${e.message}.`);
    });
    const next = (queues.get(key) ?? Promise.resolve()).then(run);
    queues.set(key, next);
    next.then(() => { if (queues.get(key) === next) queues.delete(key); });
  }

  const current = (/** @type {Message} */ m) => logOf(cid).messages.find((x) => x.id === m.id)
    ?? (store.thread?.root?.id === m.id ? store.thread.root : store.thread?.replies.find((x) => x.id === m.id)) ?? m;

  /** A click on a chip: mine goes, else mine is added. @param {Message} m @param {string} emoji */
  function toggleReaction(m, emoji) {
    send(m.id, toggle(current(m).reactions ?? [], emoji, me));
  }

  /** Opens the picker for a message; the emoji picked is added (it stays, if it is mine already).
   * @param {Message} m @param {HTMLElement} anchor */
  function addReaction(m, anchor) {
    const row = () => /** @type {HTMLElement | null} */ (list.querySelector(`.message[data-id="${m.id}"]`));
    // Opened from a hidden place (the toolbar once the pointer left, the "⋯" menu): beside the row.
    const visible = anchor.isConnected && anchor.getClientRects().length > 0;
    openEmojiPicker(visible ? anchor : row() ?? anchor, {
      userId: me,
      pick: (emoji) => {
        const event = toggle(current(m).reactions ?? [], emoji, me);
        if (event.type === 'reaction.added') send(m.id, event);
      },
      returnFocus: () => {
        const target = row();
        target?.focus({ preventScroll: true });
        // The row's focus shows its toolbar again, so the button that opened the picker can take it.
        if (anchor.isConnected && target?.contains(anchor)) anchor.focus({ preventScroll: true });
      },
    });
  }

  return { toggleReaction, addReaction, teardown: closeEmojiPicker };
}

