// @ts-check
/** Light, dark or the system's: chosen here, remembered per browser, applied before first
 * paint by theme.js. */

const ORDER = ['system', 'light', 'dark'];

export function toggleTheme() {
  const current = localStorage.getItem('ocomms-theme') ?? 'system';
  const next = ORDER[(ORDER.indexOf(current) + 1) % ORDER.length];
  localStorage.setItem('ocomms-theme', next);
  apply(next);
}

/** @param {string} choice */
export function apply(choice) {
  const dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  document.documentElement.dataset.themeChoice = choice;
}
