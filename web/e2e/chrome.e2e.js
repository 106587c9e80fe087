// The chrome around the channel pane: sidebar, workspace and user menus, channel header, members
// panel, pickers (Ctrl/Cmd+K, browse, new DM), inline errors, the phone layout. Gil owns the
// workspace "Chrome Co"; Hal and Ivy join it through the API. Any native dialog fails the run.
import assert from 'node:assert/strict';
import { join } from 'node:path';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const password = 'correct horse battery';
  const dialogs = [];
  const errors = [];
  /** A page that records native dialogs and console errors. @param {object} [options] */
  const newPage = async (options = { viewport: { width: 1280, height: 800 } }) => {
    const context = await browser.newContext(options);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(String(e)));
    return page;
  };
  const check = (name, fn) => step(`chrome: ${name}`, async () => {
    await fn();
    assert.deepEqual(dialogs, [], 'no native dialog opened');
  });
  /** @param {string} email @param {string} name */
  const signup = async (email, name) => {
    const r = await fetch(`${base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name }) });
    return (await r.json()).token;
  };
  const api = async (token, method, path, body) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return r.status === 204 ? null : r.json();
  };
  /** Logs in through the form. @param {import('playwright-core').Page} page @param {string} email */
  const logIn = async (page, email) => {
    await page.goto(base);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  const heading = (page, name) => page.getByRole('heading', { level: 1, name }).waitFor({ timeout: WAIT });

  const gil = await newPage();
  const hal = await newPage();
  let wid = '', gilToken = '', halToken = '', ivyToken = '';

  await check('wrong password says so; a logged-in load logs no console error', async () => {
    gilToken = await signup('gil@example.com', 'Gil Owner');
    halToken = await signup('hal@example.com', 'Hal Jordan');
    ivyToken = await signup('ivy@example.com', 'Ivy Chen');
    wid = (await api(gilToken, 'POST', '/workspaces', { name: 'Chrome Co' })).workspace.id;
    for (const token of [halToken, ivyToken]) {
      const { invite } = await api(gilToken, 'POST', `/workspaces/${wid}/invites`, {});
      await api(token, 'POST', `/invites/${invite.code}/accept`);
    }
    await gil.goto(base);
    await gil.getByLabel('Email').fill('gil@example.com');
    await gil.getByLabel('Password').fill('not the password');
    await gil.getByRole('button', { name: 'Log in' }).click();
    await gil.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor({ timeout: WAIT });
    await gil.screenshot({ path: join(shots, 'chrome-login-error.png') });
    await gil.getByLabel('Password').fill(password);
    await gil.getByRole('button', { name: 'Log in' }).click();
    await heading(gil, '# general');
    await logIn(hal, 'hal@example.com');
    await heading(hal, '# general');
    errors.length = 0;
    await gil.reload();
    await heading(gil, '# general');
    await gil.locator('.sidebar__me', { hasText: 'Gil Owner' }).waitFor({ timeout: WAIT });
    await gil.waitForTimeout(300);
    assert.deepEqual(errors, [], 'no console error on a logged-in load');
  });

  await check('workspace menu: an invite link with a copy button and its expiry', async () => {
    await gil.locator('.sidebar__workspace', { hasText: 'Chrome Co' }).click();
    await gil.getByRole('menu', { name: 'Workspace' }).waitFor({ timeout: WAIT });
    await gil.getByRole('menuitem', { name: 'Invite people' }).click();
    const dialog = gil.getByRole('dialog', { name: 'Invite people to Chrome Co' });
    assert.match(await dialog.locator('.dialog__copy').inputValue(), /\/invite\/[0-9a-f]+$/);
    await dialog.getByText('Expires in 7 days').waitFor({ timeout: WAIT });
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByText('Copied').waitFor({ timeout: WAIT });
    assert.match(await gil.evaluate(() => navigator.clipboard.readText()), /\/invite\/[0-9a-f]+$/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('user menu: theme system / light / dark, the current one marked and kept', async () => {
    const themeItem = (name) => gil.getByRole('menuitemradio', { name });
    await gil.locator('.sidebar__me').click();
    assert.equal(await themeItem('System').getAttribute('aria-checked'), 'true');
    assert.equal(await themeItem('Dark').getAttribute('aria-checked'), 'false');
    await themeItem('Dark').click();
    assert.equal(await gil.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await gil.reload();
    await heading(gil, '# general');
    assert.equal(await gil.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await gil.locator('.sidebar__me').click();
    assert.equal(await themeItem('Dark').getAttribute('aria-checked'), 'true');
    await gil.keyboard.press('Escape');
    await gil.getByRole('menu').waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('user menu: a status text, seen by others', async () => {
    await gil.locator('.sidebar__me').click();
    await gil.getByRole('menuitem', { name: 'Set a status' }).click();
    const dialog = gil.getByRole('dialog', { name: 'Set a status' });
    await dialog.getByLabel('Status').fill('Planning Q3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await gil.locator('.sidebar__me-status', { hasText: 'Planning Q3' }).waitFor({ timeout: WAIT });
    // Hal's client hears user.updated: the members panel shows the new status.
    await hal.getByRole('button', { name: /members?$/ }).click();
    await hal.locator('.member', { hasText: 'Gil Owner' }).getByText(/Planning Q3/).waitFor({ timeout: WAIT });
    // A new display name shows everywhere at once, here and for others; an empty one is refused inline.
    await gil.locator('.sidebar__me').click();
    await gil.getByRole('menuitem', { name: 'Profile' }).click();
    const profile = gil.getByRole('dialog', { name: 'Your profile' });
    await profile.getByLabel('Display name').fill('  ');
    await profile.getByRole('button', { name: 'Save' }).click();
    await profile.getByText('Your name cannot be empty').waitFor({ timeout: WAIT });
    await profile.getByLabel('Display name').fill('Gil Boss');
    await profile.getByRole('button', { name: 'Save' }).click();
    await gil.locator('.sidebar__me-name', { hasText: 'Gil Boss' }).waitFor({ timeout: WAIT });
    await hal.locator('.member', { hasText: 'Gil Boss' }).waitFor({ timeout: WAIT });
    await api(gilToken, 'PATCH', '/me', { name: 'Gil Owner' });
    await gil.locator('.sidebar__me-name', { hasText: 'Gil Owner' }).waitFor({ timeout: WAIT });
    await hal.getByRole('button', { name: 'Close members' }).click();
  });

  await check('a role change shows live (member.updated), mine included', async () => {
    const halId = (await api(halToken, 'GET', '/me')).user.id;
    await hal.getByRole('button', { name: /members?$/ }).click();
    const me = hal.locator('.member', { hasText: 'Hal Jordan (you)' });
    await me.getByText('Active', { exact: true }).waitFor({ timeout: WAIT });
    await api(gilToken, 'PATCH', `/workspaces/${wid}/members/${halId}`, { role: 'admin' });
    await me.getByText('Active · Workspace admin').waitFor({ timeout: WAIT });
    assert.equal(await hal.evaluate((w) => window.__ocomms.store.workspaces.find((x) => x.id === w).role, wid), 'admin');
    // Removal is from one channel, never from the default one: none is offered here.
    assert.equal(await hal.getByRole('button', { name: 'Remove Ivy Chen from the channel' }).count(), 0);
    await hal.getByRole('button', { name: 'Close members' }).click();
  });

  await check('sidebar: a new DM row with avatar and unread count; the other rows are not rebuilt', async () => {
    const general = await gil.locator('.nav__item', { hasText: 'general' }).elementHandle();
    const gilId = (await api(gilToken, 'GET', '/me')).user.id;
    const { channel } = await api(halToken, 'POST', `/workspaces/${wid}/dms`, { user_ids: [gilId] });
    await api(halToken, 'POST', `/channels/${channel.id}/messages`, { content: 'Got a minute for the roadmap?' });
    await api(halToken, 'POST', `/channels/${channel.id}/messages`, { content: 'No rush.' });
    const row = gil.locator('.nav__item', { hasText: 'Hal Jordan' });
    await row.locator('.badge', { hasText: '2' }).waitFor({ timeout: WAIT });
    await row.locator('.avatar', { hasText: 'H' }).waitFor({ timeout: WAIT });
    await row.locator('.presence--online').waitFor({ timeout: WAIT });
    assert.equal(await general.evaluate((el) => el.isConnected), true, 'the general row is the same node');
    await gil.screenshot({ path: join(shots, 'chrome-desktop-dark.png') });
  });

  await check('new channel "Leads Team": the error inline, the dialog kept open with the name', async () => {
    await gil.getByRole('button', { name: 'Create a channel' }).click();
    const dialog = gil.getByRole('dialog', { name: 'Create a channel' });
    await dialog.getByLabel('Name').fill('Leads Team');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByText('Use lower-case letters, digits, - and _').waitFor({ timeout: WAIT });
    assert.equal(await dialog.getByLabel('Name').inputValue(), 'Leads Team');
    assert.equal(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    // The server's refusal shows the same way: a name that is taken.
    await dialog.getByLabel('Name').fill('general');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.locator('.field__error, .dialog__error').filter({ hasText: /./ }).first().waitFor({ timeout: WAIT });
    assert.equal(await dialog.getByLabel('Name').inputValue(), 'general');
    await gil.screenshot({ path: join(shots, 'chrome-new-channel-error.png') });
    await dialog.getByLabel('Name').fill('leads-team');
    await dialog.getByLabel('Visibility').selectOption('private');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    await heading(gil, 'leads-team');
    await gil.locator('.nav__item', { hasText: 'leads-team' }).locator('.lock').waitFor({ timeout: WAIT });
  });

  await check('topic edited in place: Enter saves, Esc cancels', async () => {
    await gil.getByRole('button', { name: /Edit topic/ }).click();
    const input = gil.getByRole('textbox', { name: 'Topic' });
    await input.fill('Quarterly plans');
    await input.press('Enter');
    await gil.locator('.pane-header__topic', { hasText: 'Quarterly plans' }).waitFor({ timeout: WAIT });
    await gil.getByRole('button', { name: /Edit topic/ }).click();
    await input.fill('Not this');
    await input.press('Escape');
    await gil.locator('button.pane-header__topic', { hasText: 'Quarterly plans' }).waitFor({ timeout: WAIT });
    const { channels } = await api(gilToken, 'GET', `/workspaces/${wid}/channels`);
    assert.equal(channels.find((c) => c.name === 'leads-team').topic, 'Quarterly plans');
    // A refusal shows under the topic, with the typed text kept for another try.
    await gil.route('**/api/v1/channels/*', (route) => (route.request().method() === 'PATCH'
      ? route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'forbidden', message: 'This channel is archived' } }) })
      : route.fallback()));
    await gil.getByRole('button', { name: /Edit topic/ }).click();
    await input.fill('Refused topic');
    await input.press('Enter');
    await gil.getByRole('alert').filter({ hasText: 'This channel is archived' }).waitFor({ timeout: WAIT });
    assert.equal(await input.inputValue(), 'Refused topic');
    await gil.unroute('**/api/v1/channels/*');
    await input.press('Escape');
    await gil.locator('button.pane-header__topic', { hasText: 'Quarterly plans' }).waitFor({ timeout: WAIT });
  });

  await check('members panel: presence and role; add people to a private channel', async () => {
    await gil.getByRole('button', { name: '1 member' }).click();
    const panel = gil.getByRole('region', { name: /Members of/ });
    await panel.locator('.member', { hasText: 'Gil Owner (you)' }).getByText(/Active · Workspace owner/).waitFor({ timeout: WAIT });
    await panel.getByRole('button', { name: 'Add people' }).click();
    await panel.getByRole('combobox', { name: 'Add people: type a name' }).fill('ivy');
    await panel.getByRole('option', { name: /Ivy Chen/ }).waitFor({ timeout: WAIT });
    await panel.getByRole('combobox', { name: 'Add people: type a name' }).press('Enter');
    await panel.locator('.member', { hasText: 'Ivy Chen' }).getByText('Offline').waitFor({ timeout: WAIT });
    await panel.getByRole('combobox', { name: 'Add people: type a name' }).fill('hal');
    await panel.getByRole('option', { name: /Hal Jordan/ }).click();
    await panel.locator('.member', { hasText: 'Hal Jordan' }).getByText('Active').waitFor({ timeout: WAIT });
    await gil.getByRole('button', { name: '3 members' }).waitFor({ timeout: WAIT });
    const cid = new URL(gil.url()).pathname.split('/')[4];
    const { members } = await api(ivyToken, 'GET', `/channels/${cid}/members`);
    assert.deepEqual(members.map((u) => u.name).sort(), ['Gil Owner', 'Hal Jordan', 'Ivy Chen']);
    await hal.locator('.nav__item', { hasText: 'leads-team' }).waitFor({ timeout: WAIT });
    // An admin takes someone out of this channel (they stay in the workspace); the channel
    // leaves their sidebar at once.
    await panel.getByRole('button', { name: 'Remove Hal Jordan from the channel' }).click();
    await gil.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await gil.getByRole('button', { name: '2 members' }).waitFor({ timeout: WAIT });
    await hal.locator('.nav__item', { hasText: 'leads-team' }).waitFor({ state: 'detached', timeout: WAIT });
    const halId = (await api(halToken, 'GET', '/me')).user.id;
    await api(gilToken, 'POST', `/channels/${cid}/members`, { user_id: halId });
    await hal.locator('.nav__item', { hasText: 'leads-team' }).waitFor({ timeout: WAIT });
    await gil.screenshot({ path: join(shots, 'chrome-members-panel.png') });
    await gil.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('channel menu: archive, unarchive, leave', async () => {
    const menu = async (item) => {
      await gil.getByRole('button', { name: 'Channel menu' }).click();
      await gil.getByRole('menuitem', { name: item }).click();
    };
    await menu('Archive channel');
    await gil.getByRole('dialog', { name: 'Archive leads-team?' }).getByRole('button', { name: 'Archive' }).click();
    await gil.locator('.pane-header__topic', { hasText: 'Archived: read-only' }).waitFor({ timeout: WAIT });
    await gil.locator('.nav__item--archived', { hasText: 'leads-team' }).waitFor({ timeout: WAIT });
    await menu('Unarchive channel');
    await gil.locator('.nav__item--archived').waitFor({ state: 'detached', timeout: WAIT });
    await menu('Copy link');
    assert.match(await gil.evaluate(() => navigator.clipboard.readText()), /\/w\/[^/]+\/c\/[^/]+$/);
    await menu('Leave channel');
    await gil.getByRole('dialog', { name: 'Leave leads-team?' }).getByRole('button', { name: 'Leave' }).click();
    await heading(gil, '# general');
    await gil.locator('.nav__item', { hasText: 'leads-team' }).waitFor({ state: 'detached', timeout: WAIT });
    await gil.getByRole('button', { name: 'Channel menu' }).click();
    assert.equal(await gil.getByRole('menuitem', { name: /Leave/ }).count(), 0, 'general cannot be left');
    await gil.keyboard.press('Escape');
  });

  await check('Ctrl+K: a fuzzy switch to a channel and to a DM, keyboard only', async () => {
    await api(halToken, 'POST', `/workspaces/${wid}/channels`, { name: 'design-reviews', kind: 'public', topic: 'Pixels and pull requests' });
    await gil.keyboard.press('Control+k');
    const box = gil.getByRole('combobox', { name: 'Find a channel or person' });
    await box.waitFor({ timeout: WAIT });
    await gil.keyboard.type('dsgnrv');
    await gil.getByRole('option', { name: /design-reviews/ }).waitFor({ timeout: WAIT });
    await gil.screenshot({ path: join(shots, 'chrome-quick-switcher.png') });
    await gil.keyboard.press('Enter');
    await heading(gil, '# design-reviews');
    await gil.keyboard.press('Control+k');
    await gil.keyboard.type('iv');
    const ivy = gil.getByRole('option', { name: /Ivy Chen/ });
    await ivy.waitFor({ timeout: WAIT });
    assert.equal(await ivy.getAttribute('aria-selected'), 'true');
    await gil.keyboard.press('ArrowDown');
    await gil.keyboard.press('ArrowUp');
    await gil.keyboard.press('Enter');
    await heading(gil, 'Ivy Chen');
    await gil.locator('.nav__item', { hasText: 'Ivy Chen' }).waitFor({ timeout: WAIT });
    await gil.keyboard.press('Control+k');
    await box.waitFor({ timeout: WAIT });
    await gil.keyboard.press('Escape');
    await box.waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('browse channels: search, topic, member count, join', async () => {
    await api(halToken, 'POST', `/workspaces/${wid}/channels`, { name: 'random', kind: 'public', topic: 'Water cooler' });
    await gil.locator('.sidebar__workspace').click();
    await gil.getByRole('menuitem', { name: 'Browse channels' }).click();
    const search = gil.getByRole('combobox', { name: 'Search channels' });
    await search.fill('water');
    const option = gil.getByRole('option', { name: /random/ });
    await option.getByText('1 member · Water cooler').waitFor({ timeout: WAIT });
    await option.getByText('Join').waitFor({ timeout: WAIT });
    await search.press('Enter');
    await heading(gil, '# random');
    await gil.locator('.nav__item', { hasText: 'random' }).waitFor({ timeout: WAIT });
    await gil.getByRole('button', { name: '2 members' }).waitFor({ timeout: WAIT });
  });

  await check('new group DM by typing names', async () => {
    await gil.getByRole('button', { name: 'New message' }).click();
    const to = gil.getByRole('combobox', { name: 'To: type a name' });
    await to.fill('hal');
    await to.press('Enter');
    await to.fill('iv');
    await to.press('Enter');
    const chips = gil.getByRole('list', { name: 'To' });
    await chips.getByText('Hal Jordan').waitFor({ timeout: WAIT });
    await chips.getByText('Ivy Chen').waitFor({ timeout: WAIT });
    await to.press('Backspace');
    await chips.getByText('Ivy Chen').waitFor({ state: 'detached', timeout: WAIT });
    await to.fill('ivy c');
    await to.press('Enter');
    await gil.getByRole('button', { name: 'Go' }).click();
    await heading(gil, 'Hal Jordan, Ivy Chen');
    await gil.locator('.nav__item', { hasText: 'Hal Jordan, Ivy Chen' }).locator('.nav__count', { hasText: '2' }).waitFor({ timeout: WAIT });
  });

  await check('screenshots: desktop light', async () => {
    await gil.locator('.sidebar__me').click();
    await gil.getByRole('menuitemradio', { name: 'Light' }).click();
    await gil.locator('.nav__item', { hasText: 'general' }).click();
    await heading(gil, '# general');
    await gil.waitForTimeout(300);
    await gil.screenshot({ path: join(shots, 'chrome-desktop-light.png') });
  });

  await check('phone: the channel list is home; a channel slides in; back returns; menus and panels close on Esc and outside tap', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(base);
    await phone.screenshot({ path: join(shots, 'chrome-login-phone.png') });
    await logIn(phone, 'gil@example.com');
    const general = phone.locator('.nav__item', { hasText: 'general' });
    await general.waitFor({ timeout: WAIT });
    assert.equal(await phone.locator('.main').isVisible(), false, 'no conversation over the list');
    const box = await general.boundingBox();
    assert.ok(box && box.height >= 44, `a row is a 44 px touch target (${box?.height})`);
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: join(shots, 'chrome-phone-list.png') });
    await general.tap();
    await heading(phone, '# general');
    await phone.waitForTimeout(300);
    assert.equal(await phone.locator('.main').isVisible(), true);
    await phone.screenshot({ path: join(shots, 'chrome-phone-channel.png') });
    // The members panel is a full screen; Esc closes it.
    await phone.getByRole('button', { name: /members?$/ }).tap();
    await phone.getByRole('region', { name: /Members of/ }).waitFor({ timeout: WAIT });
    await phone.keyboard.press('Escape');
    await phone.getByRole('region', { name: /Members of/ }).waitFor({ state: 'detached', timeout: WAIT });
    await phone.getByRole('button', { name: 'Back to channels' }).tap();
    await phone.waitForTimeout(300);
    assert.equal(await phone.locator('.main').isVisible(), false, 'back on the list');
    assert.doesNotMatch(new URL(phone.url()).pathname, /\/c\//);
    // A swipe to the right from the left edge goes back too.
    await general.tap();
    await heading(phone, '# general');
    await phone.waitForTimeout(300);
    const cdp = await phone.context().newCDPSession(phone);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: 10, y: 400 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 90, y: 404 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 200, y: 408 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await phone.waitForTimeout(600);
    assert.equal(await phone.locator('.main').isVisible(), false, 'swiped back to the list, nothing else opened');
    // A menu closes on an outside tap, and on Esc.
    await phone.locator('.sidebar__me').tap();
    await phone.getByRole('menu', { name: 'You' }).waitFor({ timeout: WAIT });
    // The tap lands on a row (the first, above where the menu opens): it closes the menu and does nothing else.
    const row = await phone.locator('.nav__views .nav__item').first().boundingBox();
    await phone.touchscreen.tap(row.x + row.width / 2, row.y + row.height / 2);
    await phone.getByRole('menu').waitFor({ state: 'detached', timeout: WAIT });
    await phone.waitForTimeout(300);
    assert.equal(await phone.locator('.main').isVisible(), false, 'the closing tap opened nothing');
    await phone.locator('.sidebar__workspace').tap();
    await phone.getByRole('menu', { name: 'Workspace' }).waitFor({ timeout: WAIT });
    await phone.keyboard.press('Escape');
    await phone.getByRole('menu').waitFor({ state: 'detached', timeout: WAIT });
    // Grown to a desktop's width, the list gets a conversation beside it.
    await phone.setViewportSize({ width: 1024, height: 768 });
    await heading(phone, '# general');
    await phone.context().close();
  });

  await check('loading: the page starts as the shape of the app; the sidebar shows skeleton rows until the workspace loads', async () => {
    const html = await (await fetch(`${base}/`)).text();
    assert.match(html, /class="boot"/);
    assert.doesNotMatch(html, /<p class="fatal">Loading OComms/);
    let release = () => {};
    const held = new Promise((r) => { release = r; });
    await gil.route('**/api/v1/workspaces/*/channels', async (route) => { await held; await route.fallback(); });
    await gil.reload();
    await gil.locator('.nav-skeleton__row').first().waitFor({ timeout: WAIT });
    await gil.screenshot({ path: join(shots, 'chrome-sidebar-loading.png') });
    release();
    await gil.locator('.nav__item', { hasText: 'general' }).waitFor({ timeout: WAIT });
    assert.equal(await gil.locator('.nav-skeleton__row').count(), 0);
    await gil.unroute('**/api/v1/workspaces/*/channels');
  });

  await check('log out, and a logged-out load logs no console error', async () => {
    await gil.locator('.sidebar__me').click();
    await gil.getByRole('menuitem', { name: 'Log out' }).click();
    await gil.getByRole('button', { name: 'Log in' }).waitFor({ timeout: WAIT });
    errors.length = 0;
    await gil.reload();
    await gil.getByRole('button', { name: 'Log in' }).waitFor({ timeout: WAIT });
    await gil.waitForTimeout(300);
    assert.deepEqual(errors, [], 'no console error on a logged-out load');
    await gil.context().close();
    await hal.context().close();
  });
}
