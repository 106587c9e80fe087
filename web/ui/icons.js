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
};

/** @param {string} name */
export const icon = (name) => html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">${paths[name]}</svg>`;
