// End-to-end in real Chromium (Debian's, driven by playwright-core): two people sign up, make a
// workspace, invite, chat live both ways, see typing and presence, unread badges, edits and
// deletes, a theme that survives reload, a cut socket that catches up without duplicates, and an
// invite link that asks before joining, also right after logging in on it.
// Takes screenshots (into $OCOMMS_SCREENSHOTS, e.g. docs/screenshots to refresh the README's, else
// a temporary folder) and prints the client's load figures.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const binary = process.env.OCOMMS_BIN ?? join(repo, 'target', 'debug', 'ocomms');
const shots = process.env.OCOMMS_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'ocomms-shots-'));
mkdirSync(shots, { recursive: true });
const WAIT = 10_000;

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const base = `http://127.0.0.1:${port}`;
// OCOMMS_E2E_DATABASE_URL=postgres://… runs the server on PostgreSQL (CI runs the suite on both).
const database = process.env.OCOMMS_E2E_DATABASE_URL ? ['--database-url', process.env.OCOMMS_E2E_DATABASE_URL] : [];
// OCOMMS_E2E_WEB_DIR=web serves the client from disk (edits show without rebuilding the binary);
// a relative path is taken from the repository's root, wherever the runner is started.
const webDir = process.env.OCOMMS_E2E_WEB_DIR ? ['--web-dir', resolve(repo, process.env.OCOMMS_E2E_WEB_DIR)] : [];
const server = spawn(binary, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', mkdtempSync(join(tmpdir(), 'ocomms-e2e-')), '--log', 'warn', '--signups-per-ip-per-hour', '0', ...database, ...webDir],
  { stdio: ['ignore', 'inherit', 'inherit'] });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let passed = 0;
let failed = 0;
let skipped = 0;
// OCOMMS_E2E_ONLY=<part of a module's file name> runs only the matching scenario modules (a
// developer's loop; CI never sets it, and the count of skipped steps is printed).
const only = process.env.OCOMMS_E2E_ONLY ?? '';
let inModules = false;
/** Runs one named step; the suite stops at the first failure. */
async function step(name, fn) {
  if (only && !inModules) { skipped += 1; return; }
  const started = Date.now();
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`not ok - ${name}\n${e.stack}`);
    throw e;
  }
}

try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const ana = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const ben = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const figures = {};

  await step('a first visit shows the log-in page and logs no console error', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(base);
    await page.getByRole('heading', { name: 'Log in to OComms' }).waitFor({ timeout: WAIT });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  await step('Ana signs up and creates a workspace', async () => {
    await ana.goto(base);
    await ana.getByRole('button', { name: 'Create an account' }).waitFor({ timeout: WAIT });
    // Bytes on the wire for the app itself (compressed, headers excluded), from Resource Timing.
    figures.cold_load_bytes_transferred = await ana.evaluate(() => performance.getEntries()
      .filter((e) => 'transferSize' in e && !e.name.includes('/api/'))
      .reduce((sum, e) => sum + /** @type {PerformanceResourceTiming} */ (e).transferSize, 0));
    await ana.getByRole('button', { name: 'Create an account' }).click();
    await ana.getByLabel('Name').fill('Ana');
    await ana.getByLabel('Email').fill('ana@example.com');
    await ana.getByLabel('Password').fill('correct horse battery');
    await ana.getByRole('button', { name: 'Create account' }).click();
    await ana.getByLabel('Workspace name').fill('Acme');
    await ana.getByRole('button', { name: 'Create workspace' }).click();
    await ana.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
  });

  let inviteLink = '';
  await step('Ana makes an invite link; Ben signs up through it', async () => {
    await ana.locator('.sidebar__workspace').click();
    await ana.getByRole('menuitem', { name: 'Invite people' }).click();
    inviteLink = await ana.locator('.dialog__copy').inputValue();
    assert.match(inviteLink, /\/invite\/[0-9a-f]+$/);
    await ana.getByRole('button', { name: 'Done' }).click();
    await ben.goto(inviteLink);
    await ben.getByRole('heading', { name: 'Create an account to join Acme' }).waitFor({ timeout: WAIT });
    await ben.getByLabel('Name').fill('Ben');
    await ben.getByLabel('Email').fill('ben@example.com');
    await ben.getByLabel('Password').fill('correct horse battery');
    await ben.getByRole('button', { name: 'Create account' }).click();
    await ben.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
  });

  await step('messages travel live both ways, with typing and presence', async () => {
    await ben.getByLabel('Message # general').fill('Hello Ana!');
    await ana.locator('.typing', { hasText: 'Ben is typing…' }).waitFor({ timeout: WAIT });
    await ben.getByLabel('Message # general').press('Enter');
    await ana.locator('.message__body', { hasText: 'Hello Ana!' }).waitFor({ timeout: WAIT });
    await ana.getByLabel('Message # general').fill('Hi **Ben**');
    await ana.getByLabel('Message # general').press('Enter');
    await ben.locator('.message__body strong', { hasText: 'Ben' }).waitFor({ timeout: WAIT });
    await ana.getByRole('button', { name: '2 members' }).waitFor({ timeout: WAIT });
    await ana.getByRole('button', { name: 'New message' }).click();
    await ana.getByRole('combobox', { name: 'To: type a name' }).fill('Ben');
    await ana.getByRole('combobox', { name: 'To: type a name' }).press('Enter');
    await ana.getByRole('button', { name: 'Go' }).click();
    await ana.getByRole('heading', { name: 'Ben' }).waitFor({ timeout: WAIT });
    await ana.locator('.nav__item', { hasText: 'Ben' }).locator('.presence--online').waitFor({ timeout: WAIT });
  });

  await step('an unread badge appears and clears, in the title too', async () => {
    await ben.getByLabel('Message # general').fill('Are you there?');
    await ben.getByLabel('Message # general').press('Enter');
    await ana.locator('.nav__item--unread', { hasText: 'general' }).waitFor({ timeout: WAIT });
    assert.match(await ana.title(), /^\(1\) OComms$/);
    await ana.locator('.nav__item', { hasText: 'general' }).click();
    await ana.locator('.nav__item--unread').waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await ana.title(), 'OComms');
  });

  await step("edits and deletes show on the other side", async () => {
    const input = ana.getByLabel('Message # general');
    await input.click();
    await input.press('ArrowUp');
    await input.fill('Hi **Ben**, welcome');
    await input.press('Enter');
    await ben.locator('.message__body', { hasText: 'Hi Ben, welcome' }).waitFor({ timeout: WAIT });
    await ben.locator('.message', { hasText: 'welcome' }).getByText('(edited)').waitFor({ timeout: WAIT });
    const mine = ana.locator('.message', { hasText: 'welcome' });
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete message' }).click();
    await ana.locator('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await ben.locator('.message__deleted').waitFor({ timeout: WAIT });
  });

  await step('a second workspace appears in the switcher, and switching back works', async () => {
    await ana.locator('.sidebar__workspace').click();
    await ana.getByRole('menuitem', { name: 'New workspace…' }).click();
    await ana.getByLabel('Name').fill('Side project');
    await ana.getByRole('button', { name: 'Create', exact: true }).click();
    await ana.locator('.sidebar__workspace', { hasText: 'Side project' }).waitFor({ timeout: WAIT });
    await ana.locator('.message').first().waitFor({ state: 'detached', timeout: WAIT });
    await ana.locator('.sidebar__workspace').click();
    await ana.getByRole('menuitemradio', { name: 'Side project' }).waitFor({ timeout: WAIT });
    assert.equal(await ana.getByRole('menuitemradio', { name: 'Side project' }).getAttribute('aria-checked'), 'true');
    await ana.getByRole('menuitemradio', { name: 'Acme' }).click();
    await ana.locator('.message__body', { hasText: 'Hello Ana!' }).waitFor({ timeout: WAIT });
  });

  await step('the theme choice persists across a reload', async () => {
    const before = await ben.evaluate(() => document.documentElement.dataset.theme);
    await ben.locator('.sidebar__me').click();
    await ben.getByRole('menuitemradio', { name: 'Dark' }).click();
    const chosen = await ben.evaluate(() => document.documentElement.dataset.themeChoice);
    assert.equal(chosen, 'dark');
    await ben.reload();
    await ben.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
    assert.equal(await ben.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.notEqual(before, undefined);
  });

  await step('a cut socket catches up after reconnecting, without duplicates', async () => {
    await ben.evaluate(() => { const s = window.__ocomms.socket; s.stop(); });
    await ben.locator('.connection', { hasText: 'Reconnecting…' }).waitFor({ timeout: WAIT });
    for (const text of ['While you were away 1', 'While you were away 2']) {
      await ana.getByLabel('Message # general').fill(text);
      await ana.getByLabel('Message # general').press('Enter');
      await ana.locator('.message__body', { hasText: text }).waitFor({ timeout: WAIT });
    }
    await ben.evaluate(() => window.__ocomms.socket.connect());
    await ben.locator('.message__body', { hasText: 'While you were away 2' }).waitFor({ timeout: WAIT });
    assert.equal(await ben.locator('.message__body', { hasText: 'While you were away 1' }).count(), 1);
    assert.equal(await ben.locator('.message__body', { hasText: 'Hello Ana!' }).count(), 1);
  });

  await step('screenshots: light, dark, mobile', async () => {
    await ana.evaluate(() => { localStorage.setItem('ocomms-theme', 'light'); });
    await ana.reload();
    await ana.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
    await ana.screenshot({ path: join(shots, 'channel-light.png') });
    await ben.screenshot({ path: join(shots, 'channel-dark.png') });
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 780 }, isMobile: true })).newPage();
    await phone.goto(`${base}/`);
    await phone.screenshot({ path: join(shots, 'login-mobile.png') });
    await phone.getByLabel('Email').fill('ben@example.com');
    await phone.getByLabel('Password').fill('correct horse battery');
    await phone.getByRole('button', { name: 'Log in' }).click();
    // On a phone the channel list is home; a channel slides in when opened.
    await phone.locator('.nav__item', { hasText: 'general' }).click();
    await phone.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: join(shots, 'channel-mobile.png') });
    await phone.getByRole('button', { name: 'Back to channels' }).click();
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: join(shots, 'drawer-mobile.png') });
  });

  await step('logging out ends the session and returns to the log-in page', async () => {
    const phone = browser.contexts()[2].pages()[0];
    await phone.locator('.sidebar__me').click();
    await phone.getByRole('menuitem', { name: 'Log out' }).click();
    await phone.getByRole('button', { name: 'Log in' }).waitFor({ timeout: WAIT });
    const status = await phone.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(status, 401);
  });

  await step('figures: first channel rendered, 1,000 messages rendered', async () => {
    const started = Date.now();
    await ana.reload();
    await ana.locator('.message').first().waitFor({ timeout: WAIT });
    figures.navigation_to_first_channel_ms = Date.now() - started;
    const cid = new URL(ana.url()).pathname.split('/')[4];
    await ana.evaluate(async (cid) => {
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => fetch(`/api/v1/channels/${cid}/messages`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content: `Message number ${i + k} with **some** text` }) })));
      }
    }, cid);
    const t0 = Date.now();
    await ana.reload();
    await ana.locator('.message').nth(40).waitFor({ timeout: WAIT });
    figures.channel_with_1000_messages_ms = Date.now() - t0;
    console.log(`figures: ${JSON.stringify(figures)}`);
  });

  await step('an invite link asks first: "Not now" joins nothing, "Join" lands in the workspace', async () => {
    // Ben is in Acme only; Ana invites him to her other workspace, Side project.
    const { id: sideId, code } = await ana.evaluate(async () => {
      const { workspaces } = await (await fetch('/api/v1/workspaces')).json();
      const side = workspaces.find((w) => w.name === 'Side project');
      const answer = await fetch(`/api/v1/workspaces/${side.id}/invites`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { id: side.id, code: (await answer.json()).invite.code };
    });
    const link = `${base}/invite/${code}`;
    const workspacesOfBen = () => ben.evaluate(async () =>
      (await (await fetch('/api/v1/workspaces')).json()).workspaces.map((w) => w.name));
    const alerts = [];
    const onAlert = (d) => { alerts.push(d.message()); d.dismiss(); };
    ben.on('dialog', onAlert);

    await ben.goto(link);
    await ben.getByRole('heading', { name: 'Join Side project?' }).waitFor({ timeout: WAIT });
    await ben.getByText('You were invited to join the workspace Side project as a member.').waitFor({ timeout: WAIT });
    await ben.getByRole('button', { name: 'Not now' }).click();
    await ben.locator('.sidebar__workspace', { hasText: 'Acme' }).waitFor({ timeout: WAIT });
    assert.doesNotMatch(new URL(ben.url()).pathname, /^\/invite\//);
    assert.deepEqual(await workspacesOfBen(), ['Acme']);

    await ben.goto(link);
    await ben.getByRole('button', { name: 'Join Side project' }).click();
    await ben.waitForURL((url) => url.pathname.startsWith(`/w/${sideId}/c/`), { timeout: WAIT });
    await ben.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
    await ben.locator('.sidebar__workspace', { hasText: 'Side project' }).waitFor({ timeout: WAIT });
    assert.deepEqual((await workspacesOfBen()).sort(), ['Acme', 'Side project']);

    // A member opening the link again is taken there without a question.
    await ben.goto(link);
    await ben.waitForURL((url) => url.pathname.startsWith(`/w/${sideId}/c/`), { timeout: WAIT });
    await ben.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
    assert.equal(await ben.locator('dialog').count(), 0);
    ben.off('dialog', onAlert);
    assert.deepEqual(alerts, []);
  });

  await step('an unknown invite link says it is not valid, and leads back to the app', async () => {
    await ben.goto(`${base}/invite/not-a-real-code`);
    await ben.getByRole('heading', { name: 'This invite link is not valid' }).waitFor({ timeout: WAIT });
    await ben.getByRole('button', { name: 'Back to OComms' }).click();
    await ben.waitForURL((url) => url.pathname.startsWith('/w/'), { timeout: WAIT });
    await ben.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
  });

  await step('logged out, an unknown invite link says so before any form', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/invite/not-a-real-code`);
    await page.getByRole('heading', { name: 'This invite link is not valid' }).waitFor({ timeout: WAIT });
    assert.equal(await page.getByLabel('Password').count(), 0, 'no sign-up form for a dead link');
    await page.getByRole('button', { name: 'Back to OComms' }).click();
    await page.getByRole('heading', { name: 'Log in to OComms' }).waitFor({ timeout: WAIT });
    assert.equal(new URL(page.url()).pathname, '/');
    await page.context().close();
  });

  await step('logging in on an invite link asks before joining, then "Join" lands in the workspace', async () => {
    // Cy has an account and no workspace; logged out, she opens an invite to Acme.
    const signup = await (await browser.newContext()).newPage();
    await signup.goto(base);
    await signup.getByRole('button', { name: 'Create an account' }).click();
    await signup.getByLabel('Name').fill('Cy');
    await signup.getByLabel('Email').fill('cy@example.com');
    await signup.getByLabel('Password').fill('correct horse battery');
    await signup.getByRole('button', { name: 'Create account' }).click();
    await signup.getByLabel('Workspace name').waitFor({ timeout: WAIT });
    await signup.context().close();
    const { id: acmeId, code } = await ana.evaluate(async () => {
      const { workspaces } = await (await fetch('/api/v1/workspaces')).json();
      const acme = workspaces.find((w) => w.name === 'Acme');
      const answer = await fetch(`/api/v1/workspaces/${acme.id}/invites`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { id: acme.id, code: (await answer.json()).invite.code };
    });
    const cy = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const workspacesOfCy = () => cy.evaluate(async () =>
      (await (await fetch('/api/v1/workspaces')).json()).workspaces.map((w) => w.name));
    await cy.goto(`${base}/invite/${code}`);
    await cy.getByRole('button', { name: 'I have an account' }).click();
    await cy.getByText('Once you are logged in, you will be asked whether to join it.').waitFor({ timeout: WAIT });
    await cy.getByLabel('Email').fill('cy@example.com');
    await cy.getByLabel('Password').fill('correct horse battery');
    await cy.getByRole('button', { name: 'Log in' }).click();
    await cy.getByRole('heading', { name: 'Join Acme?' }).waitFor({ timeout: WAIT });
    assert.equal(new URL(cy.url()).pathname, `/invite/${code}`);
    assert.deepEqual(await workspacesOfCy(), []);
    await cy.getByRole('button', { name: 'Join Acme' }).click();
    await cy.waitForURL((url) => url.pathname.startsWith(`/w/${acmeId}/c/`), { timeout: WAIT });
    await cy.getByRole('heading', { name: '# general' }).waitFor({ timeout: WAIT });
    assert.deepEqual(await workspacesOfCy(), ['Acme']);
    await cy.context().close();
  });
  // Scenario modules beside this file (`*.e2e.js`), each exporting
  // `run({ browser, base, step, shots, WAIT })`, run after the steps above, in name order.
  const { readdirSync } = await import('node:fs');
  inModules = true;
  for (const file of readdirSync(here).filter((f) => f.endsWith('.e2e.js') && f.includes(only)).sort()) {
    const scenarios = await import(join(here, file));
    await scenarios.run({ browser, base, step, shots, WAIT });
  }
} finally {
  await browser.close();
  server.kill();
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped (OCOMMS_E2E_ONLY=${only})` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
}
