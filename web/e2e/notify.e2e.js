// @ts-check
// Notifications and mentions in real Chromium: Ana mentions Ben through the composer's
// autocomplete; the message shows the pill with Ben's name; Ben, with notifications granted and
// his page hidden, gets a mention badge and a browser notification whose click opens the
// message; a channel Ben mutes through its "Notifications…" dialog notifies nobody and only
// badges the mention; @channel in a channel over the warning size asks first. Notification is
// wrapped in Ben's page to record what would show. Any native dialog or page error fails a step.
import assert from 'node:assert/strict';
import { join } from 'node:path';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const password = 'correct horse battery';
  const dialogs = [];
  const errors = [];
  /** @param {import('playwright-core').BrowserContext} context */
  const watch = async (context) => {
    const page = await context.newPage();
    page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => errors.push(String(e)));
    return page;
  };
  const check = (name, fn) => step(`notify: ${name}`, async () => {
    await fn();
    assert.deepEqual(dialogs, [], 'no native dialog opened');
    assert.deepEqual(errors, [], 'no uncaught error in a page');
  });
  const api = async (token, method, path, body) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
  /** Signs up in the page (its cookie is the session), answers the token. @param {import('playwright-core').Page} page */
  const signup = async (page, email, name) => {
    await page.goto(base);
    return page.evaluate(async ([email, name, password]) => {
      const r = await fetch('/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name }) });
      return (await r.json()).token;
    }, [email, name, password]);
  };

  const anaContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const benContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await benContext.grantPermissions(['notifications'], { origin: base });
  // What Ben's page would show: every Notification made is recorded, and can be clicked.
  await benContext.addInitScript(() => {
    const Real = window.Notification;
    /** @type {any[]} */ const made = [];
    class Recorded {
      static get permission() { return Real ? Real.permission : 'granted'; }
      static requestPermission() { return Real ? Real.requestPermission() : Promise.resolve('granted'); }
      /** @param {string} title @param {NotificationOptions} options */
      constructor(title, options = {}) {
        this.title = title; this.body = options.body; this.tag = options.tag; this.icon = options.icon;
        /** @type {((e: any) => void) | null} */ this.onclick = null;
        this.closed = false;
        made.push(this);
      }
      close() { this.closed = true; }
    }
    /** @type {any} */ (window).Notification = Recorded;
    /** @type {any} */ (window).__notifications = () => made.map(({ title, body, tag, icon, closed }) => ({ title, body, tag, icon, closed }));
    /** @type {any} */ (window).__clickNotification = (/** @type {number} */ i) => made[i].onclick?.({ target: made[i] });
  });
  const ana = await watch(anaContext);
  const ben = await watch(benContext);
  const notes = () => ben.evaluate(() => /** @type {any} */ (window).__notifications());
  /** Hides Ben's tab (as if he switched to another one). */
  const hideBen = () => ben.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const showBen = () => ben.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const row = (page, name) => page.locator('.nav__item', { has: page.locator('.nav__label', { hasText: new RegExp(`^${name}$`) }) });

  let wid = '', general = '', quiet = '', anaToken = '', benToken = '';
  const composer = (page) => page.locator('.composer__input');

  await check('two people; Ben is offered notifications, never asked on load', async () => {
    anaToken = await signup(ana, 'ana.notify@example.com', 'Ana Lead');
    benToken = await signup(ben, 'ben.notify@example.com', 'Ben Kim');
    wid = (await api(anaToken, 'POST', '/workspaces', { name: 'Notify Co' })).workspace.id;
    const { invite } = await api(anaToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(benToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(anaToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((c) => c.name === 'general').id;
    quiet = (await api(anaToken, 'POST', `/workspaces/${wid}/channels`, { name: 'quiet', kind: 'public' })).channel.id;
    await api(benToken, 'POST', `/channels/${quiet}/join`);
    await ana.goto(`${base}/w/${wid}/c/${general}`);
    await ana.getByRole('heading', { level: 1, name: '# general' }).waitFor({ timeout: WAIT });
    // Ana's browser has not been asked: the bar offers notifications; dismissing it is remembered.
    const bar = ana.getByRole('region', { name: 'Notifications' });
    await bar.getByText('Get notified of DMs and mentions').waitFor({ timeout: WAIT });
    await bar.getByRole('button', { name: 'Turn on' }).waitFor();
    await ana.locator('.sidebar').screenshot({ path: join(shots, 'notify-bar.png') });
    await bar.getByRole('button', { name: 'Not now' }).click();
    await bar.waitFor({ state: 'detached', timeout: WAIT });
    await ana.reload();
    await ana.getByRole('heading', { level: 1, name: '# general' }).waitFor({ timeout: WAIT });
    assert.equal(await bar.count(), 0, 'dismissed for good');
    // Ben's browser already allows them: no bar; the user menu shows the switch on.
    await ben.goto(`${base}/w/${wid}/c/${quiet}`);
    await ben.getByRole('heading', { level: 1, name: '# quiet' }).waitFor({ timeout: WAIT });
    assert.equal(await ben.getByRole('region', { name: 'Notifications' }).count(), 0);
    await ben.locator('.sidebar__me').click();
    const item = ben.getByRole('menuitemradio', { name: 'Desktop notifications' });
    await item.waitFor({ timeout: WAIT });
    assert.equal(await item.getAttribute('aria-checked'), 'true');
    await ben.screenshot({ path: join(shots, 'notify-user-menu.png') });
    await ben.keyboard.press('Escape');
  });

  await check('Ana mentions Ben through the autocomplete: "@be", Enter picks, the pill shows his name', async () => {
    await composer(ana).focus();
    await ana.keyboard.type('@');
    const list = ana.getByRole('listbox', { name: 'People and groups' });
    await list.waitFor({ timeout: WAIT });
    await ana.screenshot({ path: join(shots, 'notify-autocomplete-light.png') });
    await ana.evaluate(() => { document.documentElement.dataset.theme = 'dark'; });
    await ana.screenshot({ path: join(shots, 'notify-autocomplete-dark.png') });
    await ana.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
    await ana.keyboard.type('be');
    await list.getByRole('option').nth(1).waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await composer(ana).getAttribute('role'), 'combobox');
    assert.equal(await composer(ana).getAttribute('aria-expanded'), 'true');
    const first = list.getByRole('option').first();
    assert.match(await first.textContent() ?? '', /Ben Kim\s*@benkim/);
    assert.equal(await first.getAttribute('aria-selected'), 'true');
    assert.equal(await composer(ana).getAttribute('aria-activedescendant'), await first.getAttribute('id'));
    await hideBen();
    await ana.keyboard.press('Enter');
    await list.waitFor({ state: 'detached', timeout: WAIT }).catch(() => list.waitFor({ state: 'hidden', timeout: WAIT }));
    assert.equal(await composer(ana).inputValue(), '@benkim ', 'Enter picked, it did not send');
    assert.equal(await composer(ana).getAttribute('aria-expanded'), 'false');
    await ana.keyboard.type('can you review the notes?');
    await ana.keyboard.press('Enter');
    const sent = ana.locator('.message[data-id]', { hasText: 'can you review the notes?' });
    await sent.waitFor({ timeout: WAIT });
    await sent.locator('.mention', { hasText: '@Ben Kim' }).waitFor({ timeout: WAIT });
  });

  await check('Ben, away in another tab, gets a mention badge and a notification that opens the message', async () => {
    const badge = row(ben, 'general').locator('.badge');
    await badge.waitFor({ timeout: WAIT });
    assert.equal(await badge.textContent(), '1');
    assert.equal(await badge.getAttribute('aria-label'), '1 mention');
    await ben.waitForFunction(() => /** @type {any} */ (window).__notifications().length > 0, null, { timeout: WAIT });
    const [note] = await notes();
    assert.equal(note.title, 'Ana Lead in #general');
    assert.equal(note.body, '@Ben Kim can you review the notes?', 'plain text, never markup');
    assert.equal(note.icon, '/icon-192.png');
    const mid = await ana.locator('.message[data-id]', { hasText: 'can you review the notes?' }).getAttribute('data-id');
    assert.equal(note.tag, mid, 'tagged with the message id');
    await showBen();
    await ben.evaluate(() => /** @type {any} */ (window).__clickNotification(0));
    await ben.waitForURL(new RegExp(`/c/${general}`), { timeout: WAIT });
    await ben.locator(`.message--highlight[data-id="${mid}"]`).waitFor({ timeout: WAIT });
    assert.equal((await notes())[0].closed, true, 'the clicked notification closes');
    await badge.waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('Ben mutes #quiet in its Notifications dialog: a mention there badges but never notifies', async () => {
    await row(ben, 'quiet').click();
    await ben.getByRole('heading', { level: 1, name: '# quiet' }).waitFor({ timeout: WAIT });
    await ben.getByRole('button', { name: 'Channel menu' }).click();
    await ben.getByRole('menuitem', { name: 'Notifications…' }).click();
    const dialog = ben.getByRole('dialog', { name: 'Notifications for #quiet' });
    await dialog.waitFor({ timeout: WAIT });
    assert.equal(await dialog.getByRole('radio', { name: /^Default/ }).isChecked(), true, 'it follows the workspace default');
    await dialog.getByRole('radio', { name: /^All new messages/ }).check();
    await dialog.getByRole('checkbox', { name: /^Mute channel/ }).check();
    await ben.screenshot({ path: join(shots, 'notify-prefs-light.png') });
    await ben.evaluate(() => { document.documentElement.dataset.theme = 'dark'; });
    await ben.screenshot({ path: join(shots, 'notify-prefs-dark.png') });
    await ben.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    const muted = row(ben, 'quiet');
    await ben.waitForFunction(() => document.querySelector('.nav__item--muted') !== null, null, { timeout: WAIT });
    assert.match(await muted.getAttribute('class') ?? '', /nav__item--muted/);
    assert.equal(await muted.locator('.muted-icon').count(), 1, 'the muted mark shows');
    const saved = await api(benToken, 'GET', `/channels/${quiet}/notifications`);
    assert.equal(saved.notifications.muted, true, 'the server has it');
    // Ben is elsewhere and his tab is hidden: only a loud channel would notify now.
    await row(ben, 'general').click();
    await ben.getByRole('heading', { level: 1, name: '# general' }).waitFor({ timeout: WAIT });
    await hideBen();
    const before = (await notes()).length;
    await api(anaToken, 'POST', `/channels/${quiet}/messages`, { content: '@benkim this one is muted' });
    await api(anaToken, 'POST', `/channels/${quiet}/messages`, { content: 'and so is this' });
    await muted.locator('.badge', { hasText: '1' }).waitFor({ timeout: WAIT });
    assert.doesNotMatch(await muted.getAttribute('class') ?? '', /nav__item--unread/, 'a muted channel is not bold');
    await ben.locator('.sidebar').screenshot({ path: join(shots, 'notify-muted-sidebar.png') });
    // The control: a mention in a loud channel right after still notifies (and the title counts it).
    await api(anaToken, 'POST', `/channels/${general}/messages`, { content: 'back here, @benkim' });
    await ben.waitForFunction((n) => /** @type {any} */ (window).__notifications().length > n, before, { timeout: WAIT });
    const fresh = (await notes()).slice(before);
    assert.deepEqual(fresh.map((n) => n.body), ['back here, @Ben Kim'], 'nothing from #quiet');
    assert.match(await ben.title(), /^\(2\) /, 'the title counts the mention in #quiet and the new message in #general, not the muted rest');
    await showBen();
  });

  await check('a workspace default of "All new messages" makes a plain message in a default channel notify', async () => {
    await ben.locator('.sidebar__me').click();
    await ben.getByRole('menuitem', { name: 'Notification preferences…' }).click();
    const dialog = ben.getByRole('dialog', { name: 'Notification preferences' });
    await dialog.waitFor({ timeout: WAIT });
    assert.equal(await dialog.getByRole('radio', { name: /^Mentions only/ }).isChecked(), true, 'the server’s default');
    await dialog.getByText('Desktop notifications are on in this browser.').waitFor();
    await dialog.getByRole('radio', { name: /^All new messages/ }).check();
    await ben.screenshot({ path: join(shots, 'notify-workspace-prefs.png') });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal((await api(benToken, 'GET', `/workspaces/${wid}/notifications`)).notifications.level, 'all');
    await hideBen();
    const before = (await notes()).length;
    await api(anaToken, 'POST', `/channels/${general}/messages`, { content: 'plain news, no mention' });
    await ben.waitForFunction((n) => /** @type {any} */ (window).__notifications().length > n, before, { timeout: WAIT });
    assert.deepEqual((await notes()).slice(before).map((n) => [n.title, n.body]), [['Ana Lead in #general', 'plain news, no mention']]);
    await showBen();
  });

  await check('@channel in a channel over the warning size asks first; Cancel keeps the text', async () => {
    // The warning size comes from the server's session settings; here it is 1, so two members is big.
    await ana.route('**/api/v1/auth/session', async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      await route.fulfill({ response, json: { ...json, settings: { ...(json.settings ?? {}), broadcast_warn_members: 1 } } });
    });
    await ana.reload();
    await ana.getByRole('heading', { level: 1, name: '# general' }).waitFor({ timeout: WAIT });
    await composer(ana).focus();
    await ana.keyboard.type('@chan');
    const option = ana.getByRole('option', { name: /@channel/ });
    await option.waitFor({ timeout: WAIT });
    assert.match(await option.textContent() ?? '', /Notify everyone in this channel/);
    await ana.keyboard.press('Tab');
    await ana.keyboard.type('standup in five');
    assert.equal(await composer(ana).inputValue(), '@channel standup in five');
    await ana.keyboard.press('Enter');
    const ask = ana.getByRole('dialog', { name: 'Notify 1 person?' });
    await ask.waitFor({ timeout: WAIT });
    await ask.getByText('This will notify 1 person in #general').waitFor();
    await ana.screenshot({ path: join(shots, 'notify-broadcast.png') });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await composer(ana).inputValue(), '@channel standup in five', 'nothing sent, the text is kept');
    await composer(ana).press('Enter');
    await ask.getByRole('button', { name: 'Send anyway' }).click();
    await ana.locator('.message[data-id]', { hasText: 'standup in five' }).locator('.mention--broadcast').waitFor({ timeout: WAIT });
    assert.equal(await composer(ana).inputValue(), '');
    await ana.unroute('**/api/v1/auth/session');
  });

  await check('# offers channels; Esc closes the list and Enter then sends', async () => {
    await composer(ana).focus();
    await ana.keyboard.type('see #qu');
    const list = ana.getByRole('listbox', { name: 'Channels' });
    await list.getByRole('option', { name: /quiet/ }).waitFor({ timeout: WAIT });
    await ana.keyboard.press('Enter');
    assert.equal(await composer(ana).inputValue(), 'see #quiet ');
    await ana.keyboard.type('and @an');
    await ana.getByRole('listbox', { name: 'People and groups' }).waitFor({ timeout: WAIT });
    await ana.keyboard.press('Escape');
    await ana.getByRole('listbox').waitFor({ state: 'detached', timeout: WAIT }).catch(() => {});
    assert.equal(await composer(ana).getAttribute('aria-expanded'), 'false');
    await ana.keyboard.press('Enter');
    await ana.locator('.message[data-id]', { hasText: 'see #quiet and @an' }).waitFor({ timeout: WAIT });
  });

  await check('phone: the autocomplete and the preferences dialog, light and dark', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await watch(phone);
    await page.goto(base);
    await page.evaluate(async ([password]) => {
      await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana.notify@example.com', password }) });
    }, [password]);
    await page.goto(`${base}/w/${wid}/c/${general}`);
    await page.getByRole('heading', { level: 1, name: '# general' }).waitFor({ timeout: WAIT });
    await composer(page).focus();
    await page.keyboard.type('@');
    await page.getByRole('listbox', { name: 'People and groups' }).waitFor({ timeout: WAIT });
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await page.screenshot({ path: join(shots, `notify-autocomplete-phone-${theme}.png`) });
    }
    await page.keyboard.press('Escape');
    await composer(page).fill('');
    await page.getByRole('button', { name: 'Channel menu' }).click();
    await page.getByRole('menuitem', { name: 'Notifications…' }).click();
    await page.getByRole('dialog', { name: 'Notifications for #general' }).waitFor({ timeout: WAIT });
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await page.screenshot({ path: join(shots, `notify-prefs-phone-${theme}.png`) });
    }
    await page.keyboard.press('Escape');
    await phone.close();
  });

  await anaContext.close();
  await benContext.close();
}
