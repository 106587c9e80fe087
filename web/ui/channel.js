// @ts-check
/** The open channel: header, messages, typing line, composer. */
import { h, fill } from './dom.js';
import { store, subscribe, logOf, setLog, nameOf, channelLabel } from '../state/store.js';
import { cap } from '../state/messages.js';
import { active, describe } from '../state/typing.js';
import { renderMessages } from './messages.js';
import * as chat from '../api/chat.js';

/**
 * Mounts the channel view in `root`; returns its teardown.
 * @param {HTMLElement} root @param {string} cid @param {(frame: object) => void} sendFrame
 * @returns {() => void}
 */
export function mountChannel(root, cid, sendFrame) {
  const channel = store.channels.get(cid);
  if (!channel) return () => {};
  const readMarker = channel.last_read_seq;
  const title = h('h2', { class: 'channel__name' });
  const topic = h('p', { class: 'channel__topic' });
  const members = h('span', { class: 'channel__members' });
  const list = h('ol', { class: 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const scroller = h('div', { class: 'messages__scroll' }, list);
  const latest = h('button', { class: 'button jump', hidden: true, onclick: () => toBottom() }, 'Jump to latest ↓');
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const input = /** @type {HTMLTextAreaElement} */ (h('textarea', { class: 'composer__input', rows: 1,
    'aria-label': `Message ${channelLabel(channel)}`, placeholder: `Message ${channelLabel(channel)}` }));
  const joinBar = h('div', { class: 'composer composer--join' },
    h('button', { class: 'button button--primary', onclick: () => chat.join(cid) }, `Join ${channelLabel(channel)}`));
  const composer = h('form', { class: 'composer', onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); submit(); } }, input,
    h('button', { class: 'button button--primary', type: 'submit' }, 'Send'));
  /** @type {any} */ let editing = null;

  const header = () => {
    const c = store.channels.get(cid);
    if (!c) return;
    title.textContent = channelLabel(c);
    topic.textContent = c.archived ? 'Archived: read-only' : c.topic;
    const count = store.memberCounts.get(cid);
    members.textContent = count === undefined ? '' : `${count} member${count === 1 ? '' : 's'}`;
    const member = c.is_member && !c.archived;
    composer.hidden = !member;
    joinBar.hidden = member || c.archived || c.kind !== 'public';
  };
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; latest.hidden = true; };
  const draw = () => {
    const stick = nearBottom();
    const before = scroller.scrollHeight - scroller.scrollTop;
    // A long stay at the bottom keeps the DOM small: only the newest messages stay rendered.
    const log = logOf(cid);
    if (stick && log.messages.length > chat.MAX_MESSAGES) {
      setLog(cid, cap(log, chat.MAX_MESSAGES));
      return;
    }
    renderMessages(list, cid, readMarker, { onEdit: startEdit, onDelete: remove, onRetry: (p) => chat.send(cid, p.content, p.clientId) });
    if (stick) toBottom();
    else if (loadingOlder) scroller.scrollTop = scroller.scrollHeight - before;
    else latest.hidden = false;
    markSeen();
  };
  const markSeen = () => {
    const c = store.channels.get(cid);
    if (c && document.visibilityState === 'visible' && nearBottom()) chat.read(cid, c.last_seq);
  };
  const drawTyping = () => {
    const ids = active(store.typing.get(cid) ?? new Map(), Date.now()).filter((id) => id !== store.me?.id);
    typing.textContent = describe(ids.map(nameOf));
  };

  let loadingOlder = false;
  scroller.addEventListener('scroll', async () => {
    if (nearBottom()) { latest.hidden = true; markSeen(); }
    if (scroller.scrollTop < 200 && !loadingOlder && logOf(cid).hasOlder) {
      loadingOlder = true;
      await chat.loadMessages(cid, true).catch(() => {});
      loadingOlder = false;
    }
  });

  let lastTyping = 0;
  input.addEventListener('input', () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
    if (Date.now() - lastTyping > 2000 && input.value) {
      lastTyping = Date.now();
      sendFrame({ type: 'typing', channel_id: cid });
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    if (e.key === 'ArrowUp' && !input.value) {
      const mine = [...logOf(cid).messages].reverse().find((m) => m.author_id === store.me?.id && !m.deleted);
      if (mine) { e.preventDefault(); startEdit(mine); }
    }
    if (e.key === 'Escape' && editing) { editing = null; input.value = ''; composer.classList.remove('composer--editing'); }
  });

  function submit() {
    const content = input.value.trim();
    if (!content) return;
    input.value = '';
    input.style.height = 'auto';
    if (editing) {
      const id = editing.id;
      editing = null;
      composer.classList.remove('composer--editing');
      chat.edit(id, content).catch(() => alert('The edit was not saved.'));
    } else {
      chat.send(cid, content);
      toBottom();
    }
  }
  /** @param {any} m */
  function startEdit(m) {
    editing = m;
    input.value = m.content;
    composer.classList.add('composer--editing');
    input.focus();
  }
  /** @param {any} m */
  function remove(m) {
    if (confirm('Delete this message? This cannot be undone.')) chat.remove(m.id).catch(() => alert('Not deleted.'));
  }

  fill(root,
    h('header', { class: 'channel__header' }, h('div', null, title, topic), members),
    scroller, latest, typing, composer, joinBar);
  header();
  const unsubscribe = subscribe((what) => {
    if (what === 'messages' || what === 'all') draw();
    if (what === 'channels' || what === 'all') header();
    if (what === 'typing') drawTyping();
  });
  const typingTimer = setInterval(drawTyping, 1000);
  const onVisible = () => markSeen();
  document.addEventListener('visibilitychange', onVisible);
  chat.loadMessages(cid).then(draw, () => {});
  chat.loadMemberCount(cid).then(header, () => {});
  input.focus();
  return () => {
    unsubscribe();
    clearInterval(typingTimer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
