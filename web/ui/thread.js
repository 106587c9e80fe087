// @ts-check
/** The thread panel beside the channel (on a phone, a full screen): the root, its replies live,
 * who is typing a reply, a composer of its own with "Also send to #channel", follow/unfollow.
 * Opening it marks the thread read; replies that arrive while it is in view are read too. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { h } from './dom.js';
import { store, subscribe, nameOf, channelLabel } from '../state/store.js';
import { rows } from '../state/rows.js';
import { active, describe } from '../state/typing.js';
import { repliesLabel } from '../state/threads.js';
import { mayHaveShortcode } from '../state/emoji.js';
import { messageRows, isAdmin } from './messages.js';
import { mountComposer } from './composer.js';
import { mountMessageActions } from './message-actions.js';
import { emojiTable, loadEmoji } from './emoji.js';
import * as chat from '../api/chat.js';

/**
 * @param {HTMLElement} root the panel host
 * @param {string} cid @param {string} rootId
 * @param {{close: () => void, sendFrame: (frame: object) => void, focusComposer?: boolean}} opts
 * @returns {() => void} teardown
 */
export function mountThread(root, cid, rootId, { close, sendFrame, focusComposer = true }) {
  const channel = store.channels.get(cid);
  const me = store.me?.id ?? '';
  const label = channel ? channelLabel(channel) : 'the channel';
  const list = h('ol', { class: 'messages thread__messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Replies' });
  const scroller = h('div', { class: 'messages__scroll thread__scroll' }, list);
  const typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
  const status = h('p', { class: 'channel__status', role: 'status' });
  const also = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', class: 'thread__also-box' }));
  const alsoLabel = h('label', { class: 'thread__also' }, also, ` Also send to ${label}`);
  const composer = mountComposer({
    cid, label: 'reply…', draftKey: `${cid}/${rootId}`,
    send: (text, files) => { chat.send(cid, text, undefined, { rootId, alsoToChannel: also.checked }, files); also.checked = false; toBottom(); },
    save: async (id, text) => { await chat.edit(id, text); },
    typing: () => sendFrame({ type: 'typing', channel_id: cid, thread_root_id: rootId }),
    editLast: () => [...(store.thread?.replies ?? [])].reverse().find((m) => m.author_id === me && !m.deleted),
    done: (id) => { if (id) focusRow(id); },
  });
  composer.input.setAttribute('aria-label', 'Reply in thread');
  composer.input.setAttribute('placeholder', 'Reply…');
  composer.form.classList.add('thread__composer');
  composer.form.append(alsoLabel);
  const head = h('header', { class: 'panel__header' });
  const section = h('section', { class: 'panel thread', 'aria-label': 'Thread' }, head, scroller, typingLine, status, composer.form);
  root.replaceChildren(section);
  composer.acceptDrops(section, 'Drop files to reply in the thread');
  // Replying is for members of a live channel, as posting is (a public channel's reader sees the thread).
  const mayReply = () => { const c = store.channels.get(cid); return Boolean(c?.is_member && !c.archived); };
  composer.form.hidden = !mayReply();

  let focusId = '';
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };
  /** @param {string} id */
  const focusRow = (id) => {
    const el = /** @type {HTMLElement | null} */ (list.querySelector(`.message[data-id="${id}"]`));
    if (el) { focusId = id; el.focus(); }
  };
  const find = (/** @type {string} */ id) => {
    const t = store.thread;
    return t?.root?.id === id ? t.root : t?.replies.find((m) => m.id === id);
  };
  const tell = (/** @type {string} */ text) => { status.textContent = text; setTimeout(() => { if (status.textContent === text) status.textContent = ''; }, 2500); };
  const actions = mountMessageActions(list, {
    cid, me, find, edit: (m) => composer.startEdit(m), focusRow,
    move: (row, step) => {
      const all = /** @type {HTMLElement[]} */ ([...list.querySelectorAll('.message[data-id]')]);
      const next = all[all.indexOf(row) + step];
      if (next) { focusId = next.dataset.id ?? ''; next.focus(); next.scrollIntoView({ block: 'nearest' }); } else if (step > 0) composer.focus();
    },
    leave: () => composer.focus(), tell, fail: (text) => composer.say(text),
  });

  const drawHead = () => {
    const following = store.following.has(rootId);
    render(html`<h2 class="panel__title">Thread <span class="panel__sub">${label}</span></h2>
      <button type="button" class="button button--small thread__follow" aria-pressed=${String(following)}
        @click=${() => chat.follow(rootId, !following).catch((/** @type {any} */ e) => tell(`Not changed: ${e.message}.`))}>
        ${following ? 'Following' : 'Follow'}</button>
      <button type="button" class="icon-button" aria-label="Close thread" @click=${close}>×</button>`, head);
  };

  const draw = () => {
    const t = store.thread;
    if (!t || t.rootId !== rootId) return;
    const stick = nearBottom();
    const emoji = emojiTable();
    const all = t.root ? [t.root, ...t.replies] : t.replies;
    if (!emoji && all.some((m) => mayHaveShortcode(m.html))) loadEmoji().then(() => draw(), () => {});
    if (!list.contains(document.activeElement)) focusId = all.at(-1)?.id ?? '';
    const ctx = {
      me, admin: isAdmin(), focusId, highlightId: '', emoji,
      edit: (/** @type {any} */ m) => composer.startEdit(m), remove: actions.remove, copyLink: actions.copyLink, more: actions.more,
      save: actions.save, pin: channel?.is_member && !channel.archived ? actions.pin : undefined,
      react: channel?.is_member && !channel.archived ? actions.react : undefined,
      addReaction: channel?.is_member && !channel.archived ? actions.addReaction : undefined,
      retry: (/** @type {any} */ p) => chat.send(cid, p.content, p.clientId, { rootId, alsoToChannel: p.alsoToChannel ?? false }),
      discard: (/** @type {any} */ p) => chat.discard(cid, p.clientId),
    };
    const count = t.root?.reply_count ?? t.replies.length;
    render(html`
      ${t.root ? messageRows(rows([t.root], [], { readMarker: Infinity, me }).filter((r) => r.kind !== 'day'), ctx)
        : html`<li class="skeleton" aria-hidden="true"><span class="skeleton__avatar"></span><span class="skeleton__lines">
            <span class="skeleton__line skeleton__line--short"></span><span class="skeleton__line skeleton__line--1"></span></span></li>`}
      <li class="thread__divider" role="separator"><span>${t.loaded ? repliesLabel(count) : 'Loading replies…'}</span></li>
      ${messageRows(rows(t.replies, t.pending, { readMarker: Infinity, me }).filter((r) => r.kind !== 'day'), ctx)}`, list);
    if (stick) toBottom();
    if (t.loaded && document.visibilityState === 'visible') chat.readThread();
  };
  const drawTyping = () => {
    const ids = active(store.threadTyping.get(rootId) ?? new Map(), Date.now()).filter((id) => id !== me);
    typingLine.textContent = describe(ids.map(nameOf));
  };

  drawHead();
  draw();
  chat.openThread(cid, rootId).then(() => { draw(); toBottom(); }, () => { status.textContent = 'This thread could not be loaded.'; });
  const unsubscribe = subscribe((what) => {
    if (what === 'thread' || what === 'all' || what === 'messages') draw();
    if (what === 'threads') drawHead();
    if (what === 'channels') composer.form.hidden = !mayReply();
    if (what === 'typing') drawTyping();
  });
  const typingTimer = setInterval(drawTyping, 1000);
  const onVisible = () => draw();
  document.addEventListener('visibilitychange', onVisible);
  const onEsc = (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape' && !e.defaultPrevented && section.contains(/** @type {Node} */ (e.target)) && !document.querySelector('dialog[open], .popmenu')) close();
  };
  document.addEventListener('keydown', onEsc);
  if (focusComposer) composer.focus();
  return () => {
    unsubscribe();
    actions.teardown();
    composer.teardown();
    clearInterval(typingTimer);
    document.removeEventListener('visibilitychange', onVisible);
    document.removeEventListener('keydown', onEsc);
    render(nothing, list);
    root.replaceChildren();
    chat.closeThread();
  };
}
