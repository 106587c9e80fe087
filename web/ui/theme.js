// @ts-check
/** Light, dark or the system's: chosen in the user menu, remembered per browser, applied before
 * first paint by theme.js. */

/** @returns {'system' | 'light' | 'dark'} */
export function themeChoice() {
  const stored = localStorage.getItem('ocomms-theme');
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Remembers and applies a choice. @param {string} choice */
export function setTheme(choice) {
  localStorage.setItem('ocomms-theme', choice);
  apply(choice);
}

/** @param {string} choice */
export function apply(choice) {
  const dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  document.documentElement.dataset.themeChoice = choice;
}

// "System" follows the system while the page is open.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => apply(themeChoice()));
