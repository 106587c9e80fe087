// @ts-check
/** The emoji picker's data and logic: the categories, search by name and tags, the recently used
 * list (per user, in storage), and moving through the grid with the arrow keys. No DOM here. */

/**
 * @typedef {{emoji: string, name: string, words: string[], category: string}} Entry `name` is the
 *   first shortcode; `words` its other names and tags, the search words
 * @typedef {{id: string, label: string, icon: string, items: Entry[]}} Section
 * @typedef {{getItem: (key: string) => string | null, setItem: (key: string, value: string) => void}} Storage
 */

/** In the order of the category bar; `source` is gemoji's name for the category. */
export const CATEGORIES = [
  { id: 'smileys', label: 'Smileys', source: 'Smileys & Emotion', icon: '😀' },
  { id: 'people', label: 'People', source: 'People & Body', icon: '👋' },
  { id: 'nature', label: 'Animals & Nature', source: 'Animals & Nature', icon: '🐻' },
  { id: 'food', label: 'Food', source: 'Food & Drink', icon: '🍔' },
  { id: 'travel', label: 'Travel', source: 'Travel & Places', icon: '🚗' },
  { id: 'activities', label: 'Activities', source: 'Activities', icon: '⚽' },
  { id: 'objects', label: 'Objects', source: 'Objects', icon: '💡' },
  { id: 'symbols', label: 'Symbols', source: 'Symbols', icon: '🔣' },
  { id: 'flags', label: 'Flags', source: 'Flags', icon: '🏁' },
];
export const RECENT = { id: 'recent', label: 'Recently used', icon: '🕘' };
/** Emoji kept in the recently used list. */
export const RECENT_MAX = 18;

/**
 * The generated data (vendor/gemoji/picker.js: per category, lines "emoji name words…") as entries.
 * @param {Record<string, string>} data @returns {Entry[]}
 */
export function parse(data) {
  /** @type {Entry[]} */
  const entries = [];
  for (const c of CATEGORIES) {
    for (const line of (data[c.source] ?? '').split('\n')) {
      const [emoji, name, ...words] = line.split(' ');
      if (emoji && name) entries.push({ emoji, name, words, category: c.id });
    }
  }
  return entries;
}

/** The entries by emoji, for names of reactions and the recent list. @param {Entry[]} entries */
export const byEmoji = (entries) => new Map(entries.map((e) => [e.emoji, e]));

/**
 * How well an entry matches: 0 its name is the query, 1 its name starts with it, 2 each word of the
 * query starts a part of the name, 3 is one of its words, 4 starts one; -1 no match.
 * @param {Entry} entry @param {string} q the query, normalized @param {string[]} tokens its words
 */
function score(entry, q, tokens) {
  if (entry.name === q) return 0;
  if (entry.name.startsWith(q)) return 1;
  const parts = entry.name.split(/[_-]/);
  let worst = 0;
  for (const t of tokens) {
    let best = -1;
    if (parts.some((p) => p.startsWith(t))) best = 2;
    else if (entry.words.includes(t)) best = 3;
    else if (entry.words.some((w) => w.startsWith(t) || w.split(/[_-]/).some((p) => p.startsWith(t)))) best = 4;
    else if (t.length > 2 && entry.name.includes(t)) best = 5;
    if (best < 0) return -1;
    worst = Math.max(worst, best);
  }
  return worst;
}

/** A typed query as the data spells names: lower case, no colons, words by spaces or `_`. @param {string} query */
export function normalize(query) {
  return query.trim().toLowerCase().replace(/^:+|:+$/g, '').trim();
}

/**
 * The entries matching a query, best first (ties in the picker's order).
 * @param {Entry[]} entries @param {string} query @param {number} [limit] @returns {Entry[]}
 */
export function search(entries, query, limit = 200) {
  const q = normalize(query).replace(/\s+/g, '_');
  if (!q) return [];
  const tokens = q.split('_').filter(Boolean);
  return entries
    .map((e, i) => ({ e, i, s: score(e, q, tokens) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.e);
}

/**
 * What the picker shows without a query: the recently used (when any), then every category.
 * @param {Entry[]} entries @param {string[]} recent emoji, most recent first @returns {Section[]}
 */
export function sections(entries, recent) {
  const known = byEmoji(entries);
  const used = recent.map((e) => known.get(e)).filter((e) => e !== undefined);
  const all = CATEGORIES.map((c) => ({ id: c.id, label: c.label, icon: c.icon, items: entries.filter((e) => e.category === c.id) }));
  return used.length ? [{ ...RECENT, items: used }, ...all] : all;
}

/**
 * The grid's rows: each section starts a row; an item's index counts through all sections.
 * @param {Section[]} list @param {number} columns @returns {number[][]}
 */
export function gridRows(list, columns) {
  /** @type {number[][]} */
  const rows = [];
  let index = 0;
  for (const s of list) {
    for (let i = 0; i < s.items.length; i += columns) {
      rows.push(s.items.slice(i, i + columns).map((_, k) => index + i + k));
    }
    index += s.items.length;
  }
  return rows;
}

/**
 * Where an arrow key moves the active item: left and right through the items, up and down to the
 * row above or below (the nearest column, as rows may be short). Other keys: null.
 * @param {number[][]} rows @param {number} index @param {string} key @returns {number | null}
 */
export function move(rows, index, key) {
  const r = rows.findIndex((row) => row.includes(index));
  if (r < 0) return rows.length ? rows[0][0] : null;
  const c = rows[r].indexOf(index);
  const last = rows[rows.length - 1];
  const at = (/** @type {number} */ row) => rows[row][Math.min(c, rows[row].length - 1)];
  switch (key) {
    case 'ArrowRight': return Math.min(index + 1, last[last.length - 1]);
    case 'ArrowLeft': return Math.max(index - 1, 0);
    case 'ArrowDown': return r + 1 < rows.length ? at(r + 1) : index;
    case 'ArrowUp': return r > 0 ? at(r - 1) : index;
    case 'PageDown': return at(Math.min(r + 5, rows.length - 1));
    case 'PageUp': return at(Math.max(r - 5, 0));
    default: return null;
  }
}

const recentKey = (/** @type {string} */ userId) => `ocomms-emoji-recent:${userId}`;

/** The user's recently used emoji, most recent first. @param {Storage} storage @param {string} userId @returns {string[]} */
export function loadRecent(storage, userId) {
  try {
    const list = JSON.parse(storage.getItem(recentKey(userId)) ?? '[]');
    return Array.isArray(list) ? list.filter((e) => typeof e === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

/** The list after using `emoji`: it moves to the front, once, and the list stays capped.
 * @param {string[]} list @param {string} emoji @returns {string[]} */
export function used(list, emoji) {
  return [emoji, ...list.filter((e) => e !== emoji)].slice(0, RECENT_MAX);
}

/** @param {Storage} storage @param {string} userId @param {string[]} list */
export function saveRecent(storage, userId, list) {
  try { storage.setItem(recentKey(userId), JSON.stringify(list)); } catch { /* full or blocked: the list is a convenience */ }
}
