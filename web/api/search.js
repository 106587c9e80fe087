// @ts-check
/** One search against `GET /workspaces/{wid}/search`: its first page (with the notes and files
 * that match), then "Load more" through `next_cursor`; a newer search or sort makes an older
 * answer arriving late harmless. */
import { get, ApiError } from './http.js';
import { appendResults, searchQueryString, errorText } from '../state/search.js';

/** How many messages a page asks for. */
export const PAGE = 20;

/**
 * @typedef {import('../state/search.js').Result} Result
 * @typedef {import('../state/search.js').Sort} Sort
 * @typedef {{results: Result[], notes: any[], files: any[], nextCursor: string | null, loading: boolean,
 *   loadingMore: boolean, loaded: boolean, error: string, moreError: string}} SearchState
 */

/**
 * A search of workspace `wid` for `q`, told of each change through `onChange`.
 * @param {string} wid @param {string} q @param {Sort} sort @param {(s: SearchState) => void} onChange
 */
export function createSearch(wid, q, sort, onChange) {
  /** @type {SearchState} */
  const state = { results: [], notes: [], files: [], nextCursor: null, loading: false, loadingMore: false, loaded: false, error: '', moreError: '' };
  let generation = 0;
  const tell = () => onChange(state);

  /** @param {unknown} e */
  const words = (e) => (e instanceof ApiError ? errorText(e) : 'The search failed. Try again.');

  /** The first page (again, e.g. after "Try again"). */
  async function load() {
    const mine = ++generation;
    Object.assign(state, { loading: true, error: '', moreError: '' });
    tell();
    try {
      const page = await get(`/workspaces/${wid}/search?${searchQueryString({ q, sort, limit: PAGE })}`);
      if (mine !== generation) return;
      Object.assign(state, { results: page.results ?? [], notes: page.notes ?? [], files: page.files ?? [], nextCursor: page.next_cursor ?? null });
    } catch (e) {
      if (mine !== generation) return;
      Object.assign(state, { results: [], notes: [], files: [], nextCursor: null, error: words(e) });
    }
    Object.assign(state, { loading: false, loaded: true });
    tell();
  }

  /** The page after the last one, for "Load more". */
  async function more() {
    if (!state.nextCursor || state.loadingMore || state.loading) return;
    const mine = generation;
    Object.assign(state, { loadingMore: true, moreError: '' });
    tell();
    try {
      const page = await get(`/workspaces/${wid}/search?${searchQueryString({ q, sort, cursor: state.nextCursor, limit: PAGE })}`);
      if (mine !== generation) return;
      state.results = appendResults(state.results, page.results ?? []);
      state.nextCursor = page.next_cursor ?? null;
    } catch (e) {
      if (mine !== generation) return;
      state.moreError = `More results could not be loaded. ${words(e)}`;
    }
    state.loadingMore = false;
    tell();
  }

  /** Forgets any answer still on its way. */
  const cancel = () => { generation += 1; };

  return { state, load, more, cancel };
}
