// @ts-check
/** A person as the chrome shows them: a rounded-square avatar (initials on their colour) with an
 * optional presence dot. Sizes and colours are set through the CSSOM (`.style`), which the page's
 * Content-Security-Policy allows, unlike style attributes. */
import { html, nothing } from '../vendor/lit-html/lit-html.js';
import { store, nameOf } from '../state/store.js';
import { avatarColor, initials } from '../state/avatar.js';

/** Small avatars (under 28 px) carry one initial, larger ones two.
 * @param {string} userId @param {number} size px @param {{presence?: boolean}} [opts] */
export function avatar(userId, size, { presence = false } = {}) {
  const status = store.presence.get(userId) ?? 'offline';
  return html`<span class="avatar" .style=${`--size:${size}px;--avatar-bg:${avatarColor(userId)}`} aria-hidden="true"
    >${[...initials(nameOf(userId))].slice(0, size < 28 ? 1 : 2).join('')}${presence ? html`<span class="presence presence--${status}"></span>` : nothing}</span>`;
}

/** A presence dot with its meaning for screen readers. @param {string} userId */
export function presenceDot(userId) {
  const status = store.presence.get(userId) ?? 'offline';
  return html`<span class="presence presence--${status}" role="img" aria-label=${status}></span>`;
}
