// @ts-check
/** Text colours meet WCAG AA (4.5:1) against their backgrounds, in both themes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const css = readFileSync(new URL('../css/tokens.css', import.meta.url), 'utf8');

/** The custom properties of the first rule whose selector contains `selector`. @param {string} selector */
function tokens(selector) {
  const rule = css.split('}').find((r) => r.split('{')[0].includes(selector)) ?? '';
  return Object.fromEntries([...rule.matchAll(/(--[\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1], m[2]]));
}

/** @param {string} hex */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** @param {string} a @param {string} b */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const pairs = [
  ['--fg', '--bg'], ['--fg-muted', '--bg'], ['--fg', '--bg-soft'], ['--accent', '--bg'], ['--accent-fg', '--accent'],
  ['--danger', '--bg'], ['--sidebar-fg', '--sidebar-bg'], ['--sidebar-fg-strong', '--sidebar-active'],
  ['--fg', '--mention-bg'], ['--new-line', '--bg'],
  ['--fg', '--bg-raised'], ['--fg-muted', '--bg-raised'], ['--fg-muted', '--bg-hover'], ['--fg', '--bg-hover'],
  ['--sidebar-fg', '--sidebar-hover'], ['--sidebar-fg-strong', '--sidebar-hover'], ['--sidebar-fg-dim', '--sidebar-bg'],
  ['--badge-fg', '--badge-bg'], ['--danger', '--bg-raised'], ['--success', '--bg-raised'], ['--fg-muted', '--bg-soft'],
];

for (const theme of ['light', 'dark']) {
  test(`${theme} theme text is AA contrast`, () => {
    const light = tokens(':root');
    const t = theme === 'light' ? light : { ...light, ...tokens('[data-theme="dark"]') };
    for (const [fg, bg] of pairs) {
      const ratio = contrast(t[fg], t[bg]);
      assert.ok(ratio >= 4.5, `${theme}: ${fg} ${t[fg]} on ${bg} ${t[bg]} is ${ratio.toFixed(2)}:1`);
    }
  });
}
