// @ts-check
/** Search: the query box's text read as filter chips and words, what to suggest for the word at
 * the caret (operators, their values, people, channels), the query once a suggestion is picked or
 * a chip removed, result pages joined for "Load more", and the search's address. The server reads
 * `q` itself; this only mirrors its syntax for the box. No DOM here. */
import { fuzzyScore } from './fuzzy.js';

/**
 * @typedef {'from' | 'in' | 'has' | 'is' | 'before' | 'after' | 'on'} Operator
 * @typedef {{operator: Operator, value: string, raw: string, start: number, end: number, problem: string | null}} Chip
 *   `raw` the token as typed (`from:@ana`), `start`/`end` where it is in the query; `problem`
 *   what is wrong with its value, in words (the server would answer 400)
 * @typedef {{kind: 'word' | 'phrase' | 'exclude', value: string, raw: string, start: number, end: number}} Term
 * @typedef {{chips: Chip[], terms: Term[]}} Parsed
 * @typedef {{text: string, start: number, end: number}} Token the whitespace-delimited word at the caret
 * @typedef {{kind: 'operator' | 'value' | 'person' | 'channel', id: string, label: string, detail: string,
 *   insert: string, section: string, userId?: string, channelId?: string, private?: boolean}} Suggestion
 *   `insert` replaces the token at the caret; `section` groups the list ("Filters", "People", …)
 * @typedef {{id: string, name: string, handle?: string}} Person
 * @typedef {{id: string, name: string, kind: string, is_member?: boolean, archived?: boolean}} ChannelLike
 * @typedef {'relevance' | 'date'} Sort
 */

/** Each operator, what it does, and the values it takes (null: free, checked otherwise). */
export const OPERATORS = /** @type {{operator: Operator, detail: string, values: string[] | null}[]} */ ([
  { operator: 'from', detail: 'Messages from a person', values: null },
  { operator: 'in', detail: 'Messages in a channel', values: null },
  { operator: 'has', detail: 'With a file or a link', values: ['file', 'link'] },
  { operator: 'is', detail: 'Messages in threads, or pinned', values: ['thread', 'pinned'] },
  { operator: 'before', detail: 'Before a date', values: null },
  { operator: 'after', detail: 'After a date', values: null },
  { operator: 'on', detail: 'On a date', values: null },
]);

const VALUE_DETAIL = /** @type {Record<string, string>} */ ({
  'has:file': 'Messages with a file', 'has:link': 'Messages with a link',
  'is:thread': 'Messages in threads', 'is:pinned': 'Pinned messages',
});

const DATED = new Set(['before', 'after', 'on']);
const OPERATOR = /^(from|in|has|is|before|after|on):(.*)$/is;

/** Most suggestions per section. */
export const MAX_PER_SECTION = 5;

/** A query's tokens with their places: words, `"quoted phrases"` (a missing closing quote runs
 * to the end), each maybe led by `-`. @param {string} q */
export function tokens(q) {
  /** @type {{raw: string, start: number, end: number}[]} */
  const out = [];
  const re = /-?"[^"]*(?:"|$)|[^\s"]+(?:"[^"]*(?:"|$))?/gu;
  for (const m of q.matchAll(re)) out.push({ raw: m[0], start: /** @type {number} */ (m.index), end: /** @type {number} */ (m.index) + m[0].length });
  return out;
}

/** Whether `YYYY-MM-DD` is a real date. @param {string} s */
export function isDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** What is wrong with an operator's value, or null. @param {Operator} operator @param {string} value */
function problemOf(operator, value) {
  if (!value) return `Add a value after ${operator}:`;
  const spec = OPERATORS.find((o) => o.operator === operator);
  if (spec?.values && !spec.values.includes(value.toLowerCase())) return `${operator}: takes ${spec.values.join(' or ')}`;
  if (DATED.has(operator) && !isDate(value)) return `${operator}: takes a date like 2026-03-31`;
  return null;
}

/** The query read as chips (operators) and terms (words, phrases, exclusions). @param {string} q @returns {Parsed} */
export function parseQuery(q) {
  /** @type {Chip[]} */ const chips = [];
  /** @type {Term[]} */ const terms = [];
  for (const t of tokens(q)) {
    const op = OPERATOR.exec(t.raw);
    if (op) {
      const operator = /** @type {Operator} */ (op[1].toLowerCase());
      let value = op[2].replace(/^"|"$/g, '');
      if (operator === 'from') value = value.replace(/^@/, '');
      if (operator === 'in') value = value.replace(/^#/, '');
      chips.push({ operator, value, raw: t.raw, start: t.start, end: t.end, problem: problemOf(operator, value) });
      continue;
    }
    const exclude = t.raw.startsWith('-') && t.raw.length > 1;
    const body = exclude ? t.raw.slice(1) : t.raw;
    const quoted = body.startsWith('"');
    const value = quoted ? body.replace(/^"|"$/g, '').trim() : body;
    if (!value || /^[-*]+$/.test(value)) continue;
    terms.push({ kind: exclude ? 'exclude' : quoted ? 'phrase' : 'word', value, raw: t.raw, start: t.start, end: t.end });
  }
  return { chips, terms };
}

/** Whether the query asks for anything (the server refuses an empty one). @param {string} q */
export const isSearchable = (q) => { const p = parseQuery(q); return p.terms.length > 0 || p.chips.length > 0; };

/** The first problem of the query's chips, in words, or null. @param {string} q */
export function queryProblem(q) {
  return parseQuery(q).chips.find((c) => c.problem)?.problem ?? null;
}

/** The query without one of its chips or terms, spaces tidied. @param {string} q @param {{start: number, end: number}} part */
export function withoutPart(q, part) {
  return `${q.slice(0, part.start)} ${q.slice(part.end)}`.replace(/\s+/g, ' ').trim();
}

/** The words the query searches for (no operators, no exclusions), for matching names. @param {string} q */
export function freeText(q) {
  return parseQuery(q).terms.filter((t) => t.kind !== 'exclude').map((t) => t.value).join(' ');
}

/**
 * A chip in words, its names resolved: "From: Ana Lead", "In: #general", "Has: a file".
 * @param {Chip} chip
 * @param {{person?: (handle: string) => string | undefined, channel?: (name: string) => string | undefined}} [names]
 */
export function chipLabel(chip, names = {}) {
  const v = chip.value;
  switch (chip.operator) {
    case 'from': return v.toLowerCase() === 'me' ? 'From: you' : `From: ${names.person?.(v) ?? `@${v}`}`;
    case 'in': return `In: ${names.channel?.(v) ?? `#${v}`}`;
    case 'has': return v.toLowerCase() === 'file' ? 'Has a file' : v.toLowerCase() === 'link' ? 'Has a link' : `Has: ${v}`;
    case 'is': return v.toLowerCase() === 'thread' ? 'In threads' : v.toLowerCase() === 'pinned' ? 'Pinned' : `Is: ${v}`;
    case 'before': return `Before ${v}`;
    case 'after': return `After ${v}`;
    case 'on': return `On ${v}`;
  }
}

/** The token the caret is in or right after (empty text between spaces). @param {string} q @param {number} caret @returns {Token} */
export function tokenAt(q, caret) {
  for (const t of tokens(q)) if (t.start <= caret && caret <= t.end) return { text: t.raw, start: t.start, end: t.end };
  return { text: '', start: caret, end: caret };
}

/** `YYYY-MM-DD` of a local day. @param {Date} d */
export function isoDay(d) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * What to suggest for the token at the caret:
 * - `from:` / `from:@an`: people by name or handle (and `from:me`);
 * - `in:` / `in:#de`: channels;
 * - `has:`, `is:`: their values; `before:`/`after:`/`on:`: today, yesterday, a week ago;
 * - a word that starts an operator's name (`ha`): that operator;
 * - any other word: people and channels whose names match (picking one makes it a filter).
 * `select` says whether the first suggestion is chosen at once (Enter completes an operator's
 * value; after a plain word Enter searches).
 * @param {string} q @param {number} caret
 * @param {{people: Person[], channels: Iterable<ChannelLike>, me?: string, now?: Date}} from
 * @returns {{token: Token, suggestions: Suggestion[], select: boolean}}
 */
export function suggest(q, caret, { people, channels, me = '', now = new Date() }) {
  const token = tokenAt(q, caret);
  const text = token.text;
  /** @type {Suggestion[]} */ const out = [];
  const op = OPERATOR.exec(text);
  if (op) {
    const operator = op[1].toLowerCase();
    const value = op[2];
    if (operator === 'from') {
      const query = value.replace(/^@/, '');
      if ('me'.startsWith(query.toLowerCase()) && me) out.push({ kind: 'value', id: 'from:me', label: 'from:me', detail: 'Messages you sent', insert: 'from:me', section: 'Filters', userId: me });
      out.push(...personOptions(query, people, (p) => `from:@${p.handle ?? p.name}`));
    } else if (operator === 'in') {
      out.push(...channelOptions(value.replace(/^#/, ''), channels, (c) => `in:#${c.name}`));
    } else if (DATED.has(operator)) {
      const day = (/** @type {number} */ back) => { const d = new Date(now); d.setDate(d.getDate() - back); return isoDay(d); };
      for (const [label, back] of /** @type {[string, number][]} */ ([['Today', 0], ['Yesterday', 1], ['A week ago', 7], ['A month ago', 30]])) {
        const v = day(back);
        if (v.startsWith(value)) out.push({ kind: 'value', id: `${operator}:${v}`, label: `${operator}:${v}`, detail: label, insert: `${operator}:${v}`, section: 'Dates' });
      }
    } else {
      const spec = OPERATORS.find((o) => o.operator === operator);
      for (const v of spec?.values ?? []) {
        if (!v.startsWith(value.toLowerCase())) continue;
        const insert = `${operator}:${v}`;
        out.push({ kind: 'value', id: insert, label: insert, detail: VALUE_DETAIL[insert] ?? '', insert, section: 'Filters' });
      }
    }
    // A value typed in full needs no completing: Enter searches.
    return { token, suggestions: out, select: out.length > 0 && !out.some((s) => s.insert.toLowerCase() === text.toLowerCase()) };
  }
  if (!text || text.startsWith('"') || text.startsWith('-')) {
    if (!q.trim()) for (const o of OPERATORS) out.push(operatorOption(o));
    return { token, suggestions: out, select: false };
  }
  const lower = text.toLowerCase();
  for (const o of OPERATORS) if (o.operator.startsWith(lower)) out.push(operatorOption(o));
  const word = text.replace(/^[@#]/, '');
  if (!text.startsWith('#')) out.push(...personOptions(word, people, (p) => `from:@${p.handle ?? p.name}`, true));
  if (!text.startsWith('@')) out.push(...channelOptions(word, channels, (c) => `in:#${c.name}`, true));
  return { token, suggestions: out, select: false };
}

/** @param {typeof OPERATORS[number]} o @returns {Suggestion} */
const operatorOption = (o) => ({ kind: 'operator', id: `op:${o.operator}`, label: `${o.operator}:`, detail: o.detail, insert: `${o.operator}:${o.operator === 'from' ? '@' : o.operator === 'in' ? '#' : ''}`, section: 'Filters' });

/** @param {string} query @param {string[]} texts */
function best(query, texts) {
  let top = null;
  for (const t of texts) {
    const s = t ? fuzzyScore(query, t) : null;
    if (s !== null && (top === null || s > top)) top = s;
  }
  return top;
}

/** People whose name or handle match, best first. A plain word asks for a prefix of a word of
 * the name (no scattered letters), so "deploy" does not list everyone with d, e, p… in order.
 * @param {string} query @param {Person[]} people @param {(p: Person) => string} insert @param {boolean} [strict] */
function personOptions(query, people, insert, strict = false) {
  const scored = [];
  for (const p of people) {
    if (strict && !startsAWord(query, [p.name, p.handle ?? ''])) continue;
    const score = best(query, [p.name, p.handle ?? '']);
    if (score !== null) scored.push({ p, score });
  }
  scored.sort((a, b) => b.score - a.score || a.p.name.localeCompare(b.p.name));
  return scored.slice(0, MAX_PER_SECTION).map(({ p }) => /** @type {Suggestion} */ ({
    kind: 'person', id: `person:${p.id}`, label: p.name, detail: p.handle ? `@${p.handle}` : '', insert: insert(p), section: 'People', userId: p.id,
  }));
}

/** Channels (not DMs) one may read whose names match: one's own first, archived last.
 * @param {string} query @param {Iterable<ChannelLike>} channels @param {(c: ChannelLike) => string} insert @param {boolean} [strict] */
function channelOptions(query, channels, insert, strict = false) {
  const scored = [];
  for (const c of channels) {
    if (c.kind === 'dm' || (strict && !startsAWord(query, [c.name]))) continue;
    const score = fuzzyScore(query, c.name);
    if (score !== null) scored.push({ c, score: score + (c.is_member ? 50 : 0) - (c.archived ? 100 : 0) });
  }
  scored.sort((a, b) => b.score - a.score || a.c.name.localeCompare(b.c.name));
  return scored.slice(0, MAX_PER_SECTION).map(({ c }) => /** @type {Suggestion} */ ({
    kind: 'channel', id: `channel:${c.id}`, label: c.name, detail: c.archived ? 'Archived' : c.is_member ? '' : 'Not a member',
    insert: insert(c), section: 'Channels', channelId: c.id, private: c.kind === 'private',
  }));
}

/** Whether some word of a text starts with the query. @param {string} query @param {string[]} texts */
function startsAWord(query, texts) {
  const q = query.toLowerCase();
  return q.length > 0 && texts.some((t) => t.toLowerCase().split(/[\s_.-]+/).some((w) => w.startsWith(q)) || t.toLowerCase().startsWith(q));
}

/**
 * The query once a suggestion replaced the token at the caret, and where the caret goes: after a
 * finished filter a space follows; after an operator (`from:@`) the caret waits for its value.
 * @param {string} q @param {Token} token @param {string} insert @returns {{value: string, caret: number}}
 */
export function applySuggestion(q, token, insert) {
  const open = /[:@#]$/.test(insert);
  const after = q.slice(token.end);
  const glue = open ? '' : after.startsWith(' ') ? '' : ' ';
  const value = q.slice(0, token.start) + insert + glue + after;
  return { value, caret: token.start + insert.length + (open ? 0 : 1) };
}

/** The people and channels whose names match the query's words (the whole text, then each word
 * of two letters or more), for the results' "People" and "Channels" sections; none for a query of
 * filters only. @param {string} q @param {Person[]} people @param {Iterable<ChannelLike>} channels
 * @returns {{people: Suggestion[], channels: Suggestion[]}} */
export function nameMatches(q, people, channels) {
  const whole = freeText(q);
  if (!whole) return { people: [], channels: [] };
  const words = [whole, ...whole.split(/\s+/).filter((w) => w.length >= 2 && w !== whole)];
  const all = [...channels];
  /** @param {Suggestion[][]} lists */
  const union = (lists) => {
    const seen = new Set();
    return lists.flat().filter((s) => !seen.has(s.id) && seen.add(s.id)).slice(0, MAX_PER_SECTION);
  };
  return {
    people: union(words.map((w) => personOptions(w, people, (p) => `from:@${p.handle ?? p.name}`, true))),
    channels: union(words.map((w) => channelOptions(w.replace(/\s+/g, '-'), all, (c) => `in:#${c.name}`, true))),
  };
}

/** The next active index in a list of `n` for a key (ArrowDown/ArrowUp, wrapping; -1 is "none").
 * @param {number} active @param {number} n @param {1 | -1} step */
export function moveActive(active, n, step) {
  if (n === 0) return -1;
  if (active === -1) return step === 1 ? 0 : n - 1;
  return (active + step + n) % n;
}

/**
 * @typedef {{message: import('./messages.js').Message, channel_id: string, snippet_html: string}} Result
 * @typedef {{results: Result[], next_cursor: string | null, notes?: any[], files?: any[]}} Page
 */

/** Result pages joined: each message once, in the server's order. @param {Result[]} held @param {Result[]} page */
export function appendResults(held, page) {
  const seen = new Set(held.map((r) => r.message.id));
  return [...held, ...page.filter((r) => !seen.has(r.message.id))];
}

/** The request's query string. @param {{q: string, sort?: Sort, cursor?: string | null, limit?: number}} p */
export function searchQueryString({ q, sort = 'relevance', cursor = null, limit }) {
  const params = new URLSearchParams({ q });
  if (sort !== 'relevance') params.set('sort', sort);
  if (cursor) params.set('cursor', cursor);
  if (limit) params.set('limit', String(limit));
  return params.toString();
}

/** The search's address in the client: `/w/{wid}/search?q=…` (`&sort=date` for newest first).
 * @param {string} wid @param {{q: string, sort?: Sort}} s */
export function searchPath(wid, { q, sort = 'relevance' }) {
  const params = new URLSearchParams({ q });
  if (sort === 'date') params.set('sort', 'date');
  return `/w/${wid}/search?${params}`;
}

/** The search an address holds (`location.search`); an unknown sort is relevance.
 * @param {string} search @returns {{q: string, sort: Sort}} */
export function parseSearchUrl(search) {
  const params = new URLSearchParams(search);
  return { q: params.get('q') ?? '', sort: params.get('sort') === 'date' ? 'date' : 'relevance' };
}

/** A snippet's text without its marks (the server escapes the rest). @param {string} snippet */
export function snippetText(snippet) {
  const entities = /** @type {Record<string, string>} */ ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" });
  return snippet.replace(/<\/?mark>/g, '').replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => entities[e]);
}

/** What an error answer means for the person searching. @param {{status: number, message: string, field?: string}} e */
export function errorText(e) {
  if (e.status === 0) return 'The server cannot be reached. Check your connection and try again.';
  if (e.status === 400) {
    const why = e.message.replace(/^q:\s*/, '').replace(/[.\s]*$/, '');
    return `That search could not be read: ${why}. Check the filters (dates look like 2026-03-31; has: takes file or link; is: takes thread or pinned).`;
  }
  if (e.status === 404) return 'Search is not available on this server yet.';
  if (e.status === 429) return 'Too many searches at once. Wait a moment and try again.';
  return `The search failed: ${e.message}. Try again.`;
}
