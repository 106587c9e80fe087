// @ts-check
/** A person as the chrome shows them: a rounded-square avatar (their photo, or initials on their
 * colour when they have none or it fails to load) with an optional presence dot (a moon while they
 * paused notifications), and their status emoji. Sizes and colours are set through the CSSOM
 * (`.style`), which the page's Content-Security-Policy allows, unlike style attributes. */
import { html, nothing } from '../vendor/lit-html/lit-html.js';
import { store, nameOf, changed } from '../state/store.js';
import { avatarColor, initials, avatarSrc } from '../state/avatar.js';
import { activeStatus, dndActive } from '../state/status.js';
import { emojify, mayHaveShortcode } from '../state/emoji.js';
import { emojiTable, loadEmoji } from './emoji.js';

/** Small avatars (under 28 px) carry one initial, larger ones two.
 * @param {string} userId @param {number} size px @param {{presence?: boolean}} [opts] */
export function avatar(userId, size, { presence = false } = {}) {
  const status = store.presence.get(userId) ?? 'offline';
  return html`<span class="avatar" .style=${`--size:${size}px;--avatar-bg:${avatarColor(userId)}`} aria-hidden="true"
    >${[...initials(nameOf(userId))].slice(0, size < 28 ? 1 : 2).join('')}${photo(userId, size)}${presence ? dot(userId, status, false) : nothing}</span>`;
}

/** Photo addresses that failed to load here: those people show their initials (a new photo has a
 * new address, so it is tried). @type {Set<string>} */
const broken = new Set();

/** @param {Event} e */
function onBroken(e) {
  const img = /** @type {HTMLImageElement} */ (e.currentTarget);
  broken.add(img.getAttribute('src') ?? '');
  img.hidden = true;
}

/**
 * A person's photo, drawn over the initials of the avatar it is put in (which show if it fails),
 * or nothing when they have none. Decorative: their name is beside it.
 * @param {string} userId @param {number} size px, to pick the small or the large copy
 */
export function photo(userId, size) {
  const src = avatarSrc(store.users.get(userId)?.avatar_url, size);
  if (!src || broken.has(src)) return nothing;
  return html`<img class="avatar__photo" src=${src} alt="" width=${size} height=${size} decoding="async" draggable="false" @error=${onBroken}>`;
}

/** A presence dot with its meaning for screen readers. @param {string} userId */
export function presenceDot(userId) {
  return dot(userId, store.presence.get(userId) ?? 'offline', true);
}

const moon = html`<svg viewBox="0 0 12 12" aria-hidden="true"><path d="M7.6 1.2a5 5 0 1 0 3.2 7.4A4 4 0 0 1 7.6 1.2Z"/></svg>`;

/** The dot, or a moon while notifications are paused. @param {string} userId @param {string} status @param {boolean} labelled */
function dot(userId, status, labelled) {
  const dnd = dndActive(store.users.get(userId), Date.now());
  const label = dnd ? `${status}, notifications paused` : status;
  return html`<span class="presence presence--${status}${dnd ? ' presence--dnd' : ''}" role=${labelled ? 'img' : nothing}
    aria-label=${labelled ? label : nothing} title=${dnd ? 'Notifications paused' : nothing}>${dnd ? moon : nothing}</span>`;
}

/** The status emoji beside a name (its words as tooltip and for screen readers), or nothing.
 * @param {string} userId */
export function statusEmoji(userId) {
  const s = activeStatus(store.users.get(userId), Date.now());
  if (!s) return nothing;
  let emoji = s.emoji;
  if (mayHaveShortcode(emoji)) {
    const table = emojiTable();
    if (table) emoji = emojify(emoji, table);
    else loadEmoji().then(() => changed('all'), () => {});
  }
  const label = s.text || 'Status';
  return html`<span class="status-emoji" role="img" aria-label="Status: ${label}" title=${label}>${emoji}</span>`;
}
