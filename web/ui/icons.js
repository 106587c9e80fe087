// @ts-check
/** The message pane's icons, inline SVG drawn with currentColor (16 px, 1.75 px strokes). */
import { svg, html } from '../vendor/lit-html/lit-html.js';

/** @type {Record<string, import('../vendor/lit-html/lit-html.js').SVGTemplateResult>} */
const paths = {
  link: svg`<path d="M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 013.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 014.5 9l1-1"/>`,
  edit: svg`<path d="M10.5 3l2.5 2.5L6 12.5H3.5V10z"/>`,
  trash: svg`<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.5 8.5h6l.5-8.5"/>`,
  more: svg`<circle cx="4" cy="8" r=".9"/><circle cx="8" cy="8" r=".9"/><circle cx="12" cy="8" r=".9"/>`,
  clock: svg`<circle cx="8" cy="8" r="5.5"/><path d="M8 5v3l2 1.5"/>`,
  alert: svg`<circle cx="8" cy="8" r="5.5"/><path d="M8 5v3.5M8 10.8v.2"/>`,
  lock: svg`<rect x="3.5" y="7" width="9" height="6.5" rx="1.5"/><path d="M5.5 7V5a2.5 2.5 0 015 0v2"/>`,
  send: svg`<path d="M2.5 8L13.5 2.5 10 13.5 7.5 8.5z"/><path d="M7.5 8.5l6-6"/>`,
  reaction: svg`<path d="M13.4 8.6A5.5 5.5 0 117.4 2.6"/><path d="M5.5 9.5a3 3 0 005 0M6 6.5v.01M10 6.5v.01M12.5 1.5v4M10.5 3.5h4"/>`,
  bookmark: svg`<path d="M4.5 2.5h7v11L8 10.5l-3.5 3z"/>`,
  bookmarkFilled: svg`<path d="M4.5 2.5h7v11L8 10.5l-3.5 3z" fill="currentColor"/>`,
  pin: svg`<path d="M6 2.5h4M7 2.5v4L4.5 9h7L9 6.5v-4M8 9v4.5"/>`,
  threads: svg`<path d="M2.5 3.5h8v5.5h-4l-2.5 2v-2h-1.5z"/><path d="M10.5 6h3v5.5H12v2l-2.5-2H7"/>`,
  at: svg`<circle cx="8" cy="8" r="2.5"/><path d="M10.5 8v1a2 2 0 004 0V8a6.5 6.5 0 10-2.5 5.1"/>`,
  history: svg`<path d="M2.5 8a5.5 5.5 0 101.6-3.9L2.5 5.7"/><path d="M2.5 2.5v3.2h3.2M8 5v3l2 1.5"/>`,
};

/** @param {string} name */
export const icon = (name) => html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">${paths[name]}</svg>`;
