// @ts-check
/** The connection banner under the channel header: while the socket is down, when it will try
 * again and a "Reconnect now" button; back up, a brief "Connected". */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { store, subscribe } from '../state/store.js';
import * as socket from '../api/socket.js';

/** How long "Connected" stays after a reconnect. */
const CONNECTED_MS = 2500;

/** @param {HTMLElement} el @returns {() => void} teardown */
export function mountBanner(el) {
  let wasDown = false;
  let connectedUntil = 0;
  const draw = () => {
    const state = store.connection;
    const now = Date.now();
    if (state === 'open') {
      if (wasDown) { wasDown = false; connectedUntil = now + CONNECTED_MS; }
      render(now < connectedUntil
        ? html`<div class="banner banner--ok" role="status">Connected</div>` : nothing, el);
      return;
    }
    // A first connection after loading is not news; a lost one is.
    if (!wasDown && !socket.current?.lastFrame) { render(nothing, el); return; }
    wasDown = true;
    const due = socket.current?.nextRetryAt ?? 0;
    const seconds = Math.max(1, Math.ceil((due - now) / 1000));
    const text = state === 'closed' && due > now ? `Reconnecting in ${seconds} s…` : state === 'connecting' ? 'Reconnecting…' : 'Disconnected.';
    render(html`<div class="banner banner--down" role="status">
      <span class="banner__text">${text}</span>
      ${state === 'connecting' ? nothing
        : html`<button type="button" class="banner__button" @click=${() => socket.current?.reconnectNow()}>Reconnect now</button>`}
    </div>`, el);
  };
  const unsubscribe = subscribe((what) => { if (what === 'connection' || what === 'all') draw(); });
  const timer = setInterval(draw, 500);
  draw();
  return () => { unsubscribe(); clearInterval(timer); render(nothing, el); };
}
