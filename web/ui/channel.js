// @ts-check
/** The open channel: header, connection banner, the windowed message list, typing line and
 * composer. The list renders keyed by message id through lit-html; the window (state/window.js)
 * keeps a bounded slice in the DOM and the scroll position anchored while it moves. */
import { html, render, nothing } from '../vendor/lit-html/lit-html.js';
import { h, fill } from './dom.js';
import { store, subscribe, logOf, setLog, nameOf, channelLabel } from '../state/store.js';
import { cap } from '../state/messages.js';
import { active, describe } from '../state/typing.js';
import { rows } from '../state/rows.js';
import * as win from '../state/window.js';
import { mayHaveShortcode } from '../state/emoji.js';
import { messageRows, skeleton, intro, isAdmin } from './messages.js';
import { mountComposer } from './composer.js';
import { mountBanner } from './banner.js';
import { emojiTable, loadEmoji } from './emoji.js';
import { mountMessageActions } from './message-actions.js';
import { get } from '../api/http.js';
import * as chat from '../api/chat.js';

/** The page's address when the client started: a permalink (`/w/…/c/…/m/<mid>`) is honoured once. */
let startPath = location.pathname;
/** The mounted channel's way to jump to a message. @type {((mid: string) => Promise<void>) | null} */
let jump = null;

/** Scrolls the mounted channel to message `mid` and highlights it (the permalink route: call it
 * right after mountChannel). @param {string} mid */
export function focusMessage(mid) {
  return jump ? jump(mid) : Promise.resolve();
}

/**
 * Mounts the channel view in `root`; returns its teardown.
 * @param {HTMLElement} root @param {string} cid @param {(frame: object) => void} sendFrame
 * @param {{openThread?: (rootId: string) => void}} [opts] `openThread`: opens a thread beside the channel
 * @returns {() => void}
 */
export function mountChannel(root, cid, sendFrame, { openThread } = {}) {
  const channel = store.channels.get(cid);
  if (!channel) return () => {};
  chat.restoreOutbox(cid);
  const readMarker = channel.last_read_seq;
  const me = store.me?.id ?? '';
  const title = h('h2', { class: 'channel__name' });
  const topic = h('p', { class: 'channel__topic' });
  const members = h('span', { class: 'channel__members' });
  const banner = h('div', { class: 'channel__banner' });
  const list = h('ol', { class: 'messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Messages' });
  const scroller = h('div', { class: 'messages__scroll' }, list);
  const latest = h('button', { class: 'button jump', hidden: true, onclick: () => toLatest() }, 'Jump to latest ↓');
  const typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
  const status = h('p', { class: 'channel__status', role: 'status' });
  const joinBar = h('div', { class: 'composer composer--join' },
    h('button', { class: 'button button--primary', onclick: () => chat.join(cid) }, `Join ${channelLabel(channel)}`));
  const composer = mountComposer({
    cid, label: channelLabel(channel),
    send: (text, files) => { chat.send(cid, text, undefined, undefined, files); toLatest(); },
    save: async (id, text) => { await chat.edit(id, text); },
    typing: () => sendFrame({ type: 'typing', channel_id: cid }),
    editLast: () => [...logOf(cid).messages].reverse().find((m) => m.author_id === me && !m.deleted),
    done: (id) => { if (id && restoreFocusTo === id) { restoreFocusTo = ''; focusRow(id); } },
  });

  let view = win.latest([]);
  let loaded = false;
  let loadingOlder = false;
  /** While true the log is not trimmed (a permalink is loading history). */
  let holding = false;
  let focusId = '';
  let highlightId = '';
  let restoreFocusTo = '';

  const header = () => {
    const c = store.channels.get(cid);
    if (!c) return;
    title.textContent = channelLabel(c);
    topic.textContent = c.archived ? 'Archived: read-only' : c.topic;
    const count = store.memberCounts.get(cid);
    members.textContent = count === undefined ? '' : `${count} member${count === 1 ? '' : 's'}`;
    const member = c.is_member && !c.archived;
    composer.form.hidden = !member;
    joinBar.hidden = member || c.archived || c.kind !== 'public';
  };
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const seqsOf = () => logOf(cid).messages.map((m) => m.seq);

  /** The first message row at least partly in view, and how far its top is from the viewport's. */
  const anchor = () => {
    const top = scroller.getBoundingClientRect().top;
    for (const el of /** @type {NodeListOf<HTMLElement>} */ (list.querySelectorAll('.message[data-id]'))) {
      const r = el.getBoundingClientRect();
      if (r.bottom > top) return { id: el.dataset.id ?? '', offset: r.top - top };
    }
    return null;
  };

  const draw = () => {
    const log = logOf(cid);
    const stick = nearBottom() && view.end === null;
    // A long stay at the bottom keeps memory small: only the newest messages stay loaded.
    if (stick && !holding && !loadingOlder && log.messages.length > chat.MAX_MESSAGES) {
      setLog(cid, cap(log, chat.MAX_MESSAGES));
      return;
    }
    const held = stick ? null : anchor();
    const seqs = log.messages.map((m) => m.seq);
    const [from, to] = win.range(seqs, view);
    const atNewest = to === seqs.length;
    const slice = log.messages.slice(from, to);
    // Tab lands on the newest message, unless one is focused now.
    if (!list.contains(document.activeElement) || !slice.some((m) => m.id === focusId)) focusId = slice[slice.length - 1]?.id ?? '';
    const emoji = emojiTable();
    if (!emoji && slice.some((m) => mayHaveShortcode(m.html))) loadEmoji().then(() => draw());
    const c = store.channels.get(cid) ?? channel;
    const showIntro = loaded && from === 0 && !log.hasOlder;
    render(html`${showIntro ? intro(c, channelLabel(c)) : nothing}
      ${!loaded && !log.messages.length ? skeleton() : nothing}
      ${messageRows(rows(slice, atNewest ? log.pending : [], { before: log.messages[from - 1], readMarker, me }), {
        me, admin: isAdmin(), focusId, highlightId, emoji,
        edit: startEdit, remove: actions.remove, copyLink: actions.copyLink, more: actions.more, retry: (p) => chat.send(cid, p.content, p.clientId),
        save: actions.save, pin: c.is_member && !c.archived ? actions.pin : undefined, openThread,
        react: c.is_member && !c.archived ? actions.react : undefined, addReaction: c.is_member && !c.archived ? actions.addReaction : undefined,
        discard: (p) => chat.discard(cid, p.clientId),
      })}`, list);
    if (stick) scroller.scrollTop = scroller.scrollHeight;
    else if (held) {
      const el = list.querySelector(`[data-id="${held.id}"]`);
      if (el) scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - held.offset;
    }
    if (!stick && !atNewest) latest.hidden = false;
    markSeen();
  };
  const markSeen = () => {
    const c = store.channels.get(cid);
    if (c && document.visibilityState === 'visible' && nearBottom() && view.end === null) chat.read(cid, c.last_seq);
  };
  const drawTyping = () => {
    const ids = active(store.typing.get(cid) ?? new Map(), Date.now()).filter((id) => id !== me);
    typingLine.textContent = describe(ids.map(nameOf));
  };
  /** Draws a moved window: the rows it brings in are history, not news for the live region. */
  const drawMoved = () => {
    list.setAttribute('aria-busy', 'true');
    draw();
    requestAnimationFrame(() => list.removeAttribute('aria-busy'));
  };
  function toLatest() {
    view = win.latest(seqsOf());
    draw();
    scroller.scrollTop = scroller.scrollHeight;
    latest.hidden = true;
  }

  const onScroll = async () => {
    const seqs = seqsOf();
    const edges = win.edges(seqs, view);
    if (nearBottom()) {
      if (!edges.atNewest) { view = win.newer(seqs, view); drawMoved(); return; }
      if (view.end === null) { latest.hidden = true; markSeen(); }
    }
    if (scroller.scrollTop > 400) return;
    if (!edges.atOldest) { view = win.older(seqs, view); drawMoved(); return; }
    if (!loadingOlder && logOf(cid).hasOlder && loaded) {
      loadingOlder = true;
      // Fix the window's newer edge first, so the log is not trimmed under the reader.
      const [, to] = win.range(seqs, view);
      if (to > 0 && !nearBottom()) view = { ...view, end: seqs[to - 1] };
      await chat.loadMessages(cid, true, 100).catch(() => {});
      loadingOlder = false;
      view = win.older(seqsOf(), view);
      drawMoved();
    }
  };
  scroller.addEventListener('scroll', onScroll);

  /** @param {string} id */
  function focusRow(id) {
    const el = /** @type {HTMLElement | null} */ (list.querySelector(`.message[data-id="${id}"]`));
    if (!el) return;
    focusId = id;
    el.focus();
    draw();
  }
  list.addEventListener('focusin', (e) => {
    const row = /** @type {HTMLElement} */ (e.target).closest?.('.message[data-id]');
    const id = row instanceof HTMLElement ? row.dataset.id ?? '' : '';
    if (id && id !== focusId) { focusId = id; draw(); }
  });
  /** Arrow keys: the message above or below; past the top, older history; past the bottom, the composer.
   * @param {HTMLElement} row @param {-1 | 1} step */
  const move = (row, step) => {
    const all = /** @type {HTMLElement[]} */ ([...list.querySelectorAll('.message[data-id]')]);
    const next = all[all.indexOf(row) + step];
    if (next) { focusId = next.dataset.id ?? ''; next.focus(); next.scrollIntoView({ block: 'nearest' }); draw(); }
    else if (step < 0) { scroller.scrollTop = 0; onScroll(); }
    else composer.focus();
  };
  /** @param {import('../state/messages.js').Message} m */
  function startEdit(m) {
    restoreFocusTo = m.id;
    composer.startEdit(m);
  }
  const tell = (/** @type {string} */ text) => { status.textContent = text; setTimeout(() => { if (status.textContent === text) status.textContent = ''; }, 2500); };
  const actions = mountMessageActions(list, {
    cid, me, find: (id) => logOf(cid).messages.find((m) => m.id === id), edit: startEdit, focusRow, move,
    leave: () => composer.focus(), tell, fail: (text) => composer.say(text), openThread,
  });

  /** Loads history back to `mid` if need be, then shows it in the middle, highlighted. @param {string} mid */
  async function jumpTo(mid) {
    holding = true;
    try {
      let found = logOf(cid).messages.find((m) => m.id === mid);
      if (!found) {
        const { message } = await get(`/messages/${mid}`);
        if (message.channel_id !== cid) return;
        for (let pages = 0; !logOf(cid).messages.some((m) => m.id === mid) && logOf(cid).hasOlder && pages < 100; pages++) {
          view = { start: logOf(cid).messages[0]?.seq ?? 0, end: logOf(cid).messages.at(-1)?.seq ?? null };
          await chat.loadMessages(cid, true, 200);
        }
        found = logOf(cid).messages.find((m) => m.id === mid);
        if (!found) return;
      }
      view = win.around(seqsOf(), found.seq);
      highlightId = mid;
      drawMoved();
      const el = /** @type {HTMLElement | null} */ (list.querySelector(`[data-id="${mid}"]`));
      el?.scrollIntoView({ block: 'center' });
      focusId = mid;
      draw();
      el?.focus({ preventScroll: true });
      setTimeout(() => { if (highlightId === mid) { highlightId = ''; draw(); } }, 6000);
    } catch {
      status.textContent = 'That message could not be found.';
    } finally {
      holding = false;
    }
  }

  // The app may mount the header itself (ui/header.js) beside this pane; else it is drawn here.
  const ownHeader = !root.parentElement?.querySelector(':scope > .pane-header');
  fill(root,
    ...(ownHeader ? [h('header', { class: 'channel__header' }, h('div', null, title, topic), members)] : []),
    banner, scroller, latest, typingLine, status, composer.form, joinBar);
  composer.acceptDrops(root, `Drop files to ${channel.kind === 'dm' ? 'send to' : 'upload to'} ${channelLabel(channel).replace(/^# /, '#')}`);
  header();
  const unmountBanner = mountBanner(banner);
  draw();
  const unsubscribe = subscribe((what) => {
    // While older history loads, drawing waits: the page's arrival and the window's growth are
    // one draw, so the first row keeps its place.
    if ((what === 'messages' || what === 'all') && !loadingOlder) draw();
    if (what === 'channels' || what === 'all') header();
    if (what === 'typing') drawTyping();
  });
  const typingTimer = setInterval(drawTyping, 1000);
  const onVisible = () => markSeen();
  document.addEventListener('visibilitychange', onVisible);
  const permalink = startPath.match(/^\/w\/[^/]+\/c\/([^/]+)\/m\/([^/]+)/);
  startPath = '';
  const firstPage = chat.loadMessages(cid).then(() => {
    loaded = true;
    view = win.latest(seqsOf());
    draw();
    scroller.scrollTop = scroller.scrollHeight;
  }, () => { loaded = true; draw(); });
  jump = (mid) => firstPage.then(() => jumpTo(mid));
  if (permalink && permalink[1] === cid) focusMessage(permalink[2]);
  if (ownHeader) chat.loadMemberCount(cid).then(header, () => {});
  composer.focus();
  return () => {
    jump = null;
    unsubscribe();
    unmountBanner();
    actions.teardown();
    composer.teardown();
    clearInterval(typingTimer);
    scroller.removeEventListener('scroll', onScroll);
    document.removeEventListener('visibilitychange', onVisible);
    render(nothing, list);
  };
}
