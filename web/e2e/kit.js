// What the two-browser scenario modules share: pages that record native dialogs and page errors,
// steps that fail on either, sign-up and the API from Node, log-in with the session cookie, and
// screenshots in both themes. Not a scenario itself (its name does not end in `.e2e.js`).
import assert from 'node:assert/strict';
import { join } from 'node:path';

export const PASSWORD = 'correct horse battery';

/**
 * @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string}} ctx
 * @param {string} prefix names the scenario's steps (`threads: …`)
 */
export function kit({ browser, base, step, shots }, prefix) {
  /** @type {string[]} */ const dialogs = [];
  /** @type {string[]} */ const errors = [];
  /** A page in a context of its own. @param {object} [options] */
  const newPage = async (options = { viewport: { width: 1280, height: 800 } }) => {
    const page = await (await browser.newContext(options)).newPage();
    page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => errors.push(String(e)));
    return page;
  };
  /** A step that also fails if a native dialog opened or a page threw. @param {string} name @param {() => Promise<void>} fn */
  const check = (name, fn) => step(`${prefix}: ${name}`, async () => {
    await fn();
    assert.deepEqual(dialogs, [], 'no native dialog opened');
    assert.deepEqual(errors, [], 'no uncaught error in the page');
  });
  /** @param {string} email @param {string} name @returns {Promise<string>} the token */
  const signup = async (email, name) => {
    const r = await fetch(`${base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, name }) });
    return (await r.json()).token;
  };
  /** The API as someone, from Node. @param {string} token @param {string} method @param {string} path @param {unknown} [body] */
  const api = async (token, method, path, body) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
  /** Logs in with the session cookie (the log-in form has its own tests), then opens `path`.
   * @param {import('playwright-core').Page} page @param {string} email @param {string} path */
  const logIn = async (page, email, path) => {
    await page.goto(base);
    await page.evaluate(async ([e, p]) => {
      await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: e, password: p }) });
    }, [email, PASSWORD]);
    await page.goto(`${base}${path}`);
  };
  /** The page in the light and the dark theme, into the screenshots folder.
   * @param {import('playwright-core').Page} page @param {string} name */
  const shoot = async (page, name) => {
    // A conversation slides in on a phone: the picture waits for it to arrive.
    await page.waitForFunction(() => { const m = document.querySelector('.main'); return !m || getComputedStyle(m).transform === 'none'; });
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await page.screenshot({ path: join(shots, `${name}-${theme}.png`) });
    }
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  };
  return { newPage, check, signup, api, logIn, shoot };
}
