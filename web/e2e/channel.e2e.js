// The channel pane in real Chromium: keyed rendering, a bounded window over 5,000 messages, a
// keyboard-only walk, sends that fail and are delivered once, the length limit, drafts, the
// permalink route, emoji shortcodes, the connection banner and loading skeletons; any native
// dialog fails the step. Dee, the user here, signs up through the API.
import assert from 'node:assert/strict';
import { join } from 'node:path';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  /** A step that also fails if a native dialog opened or the page threw. */
  const check = (name, fn) => step(`channel: ${name}`, async () => {
    await fn();
    assert.deepEqual(dialogs, [], 'no native dialog opened');
    assert.deepEqual(errors, [], 'no uncaught error in the page');
  });

  let token = '';
  /** The API as Dee, from Node (bulk work stays out of the page). */
  const api = async (method, path, body) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return r.status === 204 ? null : r.json();
  };
  let wid = '', general = '', second = '', history = '';
  const composer = () => page.locator('.composer__input');
  const lastMessage = () => page.locator('.message[data-id]').last();
  const open = async (cid) => {
    await page.goto(`${base}/w/${wid}/c/${cid}`);
    await page.locator('.message[data-id], .intro').first().waitFor({ timeout: WAIT });
  };
  const postFromNode = (cid, content) => api('POST', `/channels/${cid}/messages`, { content });

  await check('Dee signs up; a message node survives the arrival of a new one (keyed rendering)', async () => {
    await page.goto(base);
    token = await page.evaluate(async () => {
      const r = await fetch('/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'dee@example.com', password: 'correct horse battery', name: 'Dee Park' }) });
      return (await r.json()).token;
    });
    ({ workspace: { id: wid } } = await api('POST', '/workspaces', { name: 'Pane' }));
    const { channels } = await api('GET', `/workspaces/${wid}/channels`);
    general = channels.find((c) => c.name === 'general').id;
    second = (await api('POST', `/workspaces/${wid}/channels`, { name: 'second', kind: 'public' })).channel.id;
    history = (await api('POST', `/workspaces/${wid}/channels`, { name: 'history', kind: 'private', topic: 'Five thousand messages' })).channel.id;
    await open(general);
    await page.locator('.intro', { hasText: 'This is the very beginning of #general' }).waitFor({ timeout: WAIT });
    await postFromNode(general, 'First, to keep a handle on');
    const first = page.locator('.message', { hasText: 'First, to keep a handle on' });
    await first.waitFor({ timeout: WAIT });
    const handle = await first.elementHandle();
    await postFromNode(general, 'Second, arriving later');
    await page.locator('.message', { hasText: 'Second, arriving later' }).waitFor({ timeout: WAIT });
    assert.equal(await handle.evaluate((el) => el.isConnected), true, 'the first node is still in the page');
    assert.equal(await handle.evaluate((el) => el === document.querySelector(`[data-id="${el.dataset.id}"]`)), true);
    assert.match(await first.getAttribute('data-seq'), /^\d+$/);
    // Grouped: the second message by the same author within 5 minutes has no head of its own.
    assert.equal(await page.locator('.message', { hasText: 'Second, arriving later' }).locator('.message__author').count(), 0);
    assert.equal(await first.locator('.message__avatar').textContent(), 'DP');
  });

  await check('a keyboard-only walk: focus a message, edit it, delete it', async () => {
    await composer().focus();
    await page.keyboard.type('Walk with me');
    await page.keyboard.press('Enter');
    await page.locator('.message[data-id]', { hasText: 'Walk with me' }).waitFor({ timeout: WAIT });
    await page.keyboard.press('Shift+Tab');
    const focused = () => page.evaluate(() => document.activeElement?.closest('.message')?.textContent?.trim() ?? document.activeElement?.className);
    assert.match(await focused(), /Walk with me/);
    assert.equal(await page.locator('.message:focus .message__actions').isVisible(), true, 'the toolbar shows on focus');
    await page.keyboard.press('ArrowUp');
    assert.match(await focused(), /Second, arriving later/);
    await page.keyboard.press('ArrowDown');
    assert.match(await focused(), /Walk with me/);
    await page.keyboard.press('e');
    assert.equal(await composer().inputValue(), 'Walk with me');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Walked with you');
    await page.keyboard.press('Enter');
    const edited = page.locator('.message[data-id]', { hasText: 'Walked with you' });
    await edited.getByText('(edited)').waitFor({ timeout: WAIT });
    assert.match(await focused(), /Walked with you/, 'focus returns to the edited message');
    const id = await edited.getAttribute('data-id');
    await page.keyboard.press('Delete');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor({ timeout: WAIT });
    for (let i = 0; i < 6; i++) {
      if (await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Delete')) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.locator(`.message[data-id="${id}"] .message__deleted`).waitFor({ timeout: WAIT });
  });

  await check('a failed send shows under your name with the reason, survives a reload, and is delivered once', async () => {
    const blockSends = (route) => (route.request().method() === 'POST' ? route.abort() : route.continue());
    await page.route('**/api/v1/channels/*/messages', blockSends);
    await composer().fill('Sent while the server is away');
    await composer().press('Enter');
    const failed = page.locator('.message--failed', { hasText: 'Sent while the server is away' });
    await failed.waitFor({ timeout: WAIT });
    await failed.getByText('Not sent: The server cannot be reached.').waitFor({ timeout: WAIT });
    await failed.getByRole('button', { name: 'Retry' }).waitFor();
    await failed.getByRole('button', { name: 'Delete' }).waitFor();
    // Under Dee's name: its own head, or the group above it is Dee's.
    const author = await failed.evaluate((el) => {
      for (let row = el; row; row = row.previousElementSibling) {
        const name = row.querySelector('.message__author');
        if (name) return name.textContent;
      }
      return null;
    });
    assert.equal(author, 'Dee Park');
    await page.reload();
    await page.locator('.message--failed', { hasText: 'Sent while the server is away' }).waitFor({ timeout: WAIT });
    await page.unroute('**/api/v1/channels/*/messages', blockSends);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await page.locator('.message[data-id]', { hasText: 'Sent while the server is away' }).waitFor({ timeout: WAIT });
    await page.locator('.message--failed, .message--pending').waitFor({ state: 'detached', timeout: WAIT });
    // A second failure is retried by the socket reconnecting, with the same key: still once.
    await page.route('**/api/v1/channels/*/messages', blockSends);
    await composer().fill('Retried on reconnect');
    await composer().press('Enter');
    await page.locator('.message--failed', { hasText: 'Retried on reconnect' }).waitFor({ timeout: WAIT });
    await page.unroute('**/api/v1/channels/*/messages', blockSends);
    await page.evaluate(() => window.__ocomms.socket.drop());
    await page.locator('.message[data-id]', { hasText: 'Retried on reconnect' }).waitFor({ timeout: WAIT });
    await page.waitForTimeout(500);
    const { messages } = await api('GET', `/channels/${general}/messages?limit=50`);
    assert.equal(messages.filter((m) => m.content === 'Sent while the server is away').length, 1);
    assert.equal(messages.filter((m) => m.content === 'Retried on reconnect').length, 1);
    assert.equal(await page.locator('.message', { hasText: 'Sent while the server is away' }).count(), 1);
    assert.equal(await page.locator('.message', { hasText: 'Retried on reconnect' }).count(), 1);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ocomms-outbox')).length), 0, 'the outbox is empty');
  });

  await check('a message over 40,000 characters is refused with the reason', async () => {
    await composer().fill('x'.repeat(40_001));
    await page.locator('.composer__counter--over', { hasText: '40,001 / 40,000' }).waitFor({ timeout: WAIT });
    await composer().press('Enter');
    await page.locator('.composer__note', { hasText: 'the limit is 40,000' }).waitFor({ timeout: WAIT });
    assert.equal(await page.locator('.message--pending, .message--failed').count(), 0);
    assert.equal((await composer().inputValue()).length, 40_001, 'what was typed is kept');
    await composer().fill('');
    await page.locator('.composer__note').waitFor({ state: 'hidden', timeout: WAIT });
  });

  await check('drafts survive a channel switch and a reload', async () => {
    await composer().fill('half a thought');
    await page.locator('.sidebar').getByText('second', { exact: false }).first().click();
    await page.waitForURL((url) => url.pathname.endsWith(`/c/${second}`), { timeout: WAIT });
    assert.equal(await composer().inputValue(), '');
    await composer().fill('another draft');
    await page.locator('.sidebar').getByText('general', { exact: false }).first().click();
    await page.waitForURL((url) => url.pathname.endsWith(`/c/${general}`), { timeout: WAIT });
    assert.equal(await composer().inputValue(), 'half a thought');
    await page.reload();
    await composer().waitFor({ timeout: WAIT });
    await page.waitForFunction(() => document.querySelector('.composer__input')?.value === 'half a thought', null, { timeout: WAIT });
    await composer().fill('');
  });

  await check(':shortcode: emoji become emoji in the composer and in messages, not in code', async () => {
    await composer().focus();
    await page.keyboard.type('Party :tada:');
    await page.waitForFunction(() => document.querySelector('.composer__input')?.value === 'Party 🎉', null, { timeout: WAIT });
    await page.keyboard.type(' now');
    await page.keyboard.press('Enter');
    await page.locator('.message__body', { hasText: 'Party 🎉 now' }).waitFor({ timeout: WAIT });
    await postFromNode(general, 'Launch :rocket: but `:rocket:` stays');
    const launched = page.locator('.message__body', { hasText: 'Launch 🚀 but' });
    await launched.waitFor({ timeout: WAIT });
    assert.equal(await launched.locator('code').textContent(), ':rocket:');
  });

  await check('a loading channel shows skeleton rows, never a blank pane', async () => {
    const slow = async (route) => { await new Promise((r) => setTimeout(r, 800)); await route.continue(); };
    await page.route(`**/api/v1/channels/${second}/messages?*`, slow);
    await page.locator('.sidebar').getByText('second', { exact: false }).first().click();
    await page.locator('.skeleton').first().waitFor({ timeout: WAIT });
    await page.screenshot({ path: join(shots, 'pane-loading.png') });
    await page.locator('.intro', { hasText: 'This is the very beginning of #second' }).waitFor({ timeout: WAIT });
    await page.locator('.intro__meta', { hasText: /^Dee Park created this channel on / }).waitFor({ timeout: WAIT });
    assert.equal(await page.locator('.skeleton').count(), 0);
    await page.unroute(`**/api/v1/channels/${second}/messages?*`, slow);
  });

  await check('5,000 messages scroll back with a bounded number of message nodes and no jumps', async () => {
    const started = Date.now();
    for (let i = 0; i < 5000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => postFromNode(history, `History ${i + k}${(i + k) % 7 === 0 ? '\n\nwith a second paragraph' : ''}`)));
    }
    console.log(`  (5,000 messages created in ${Date.now() - started} ms)`);
    await open(history);
    await page.locator('.message', { hasText: 'History 4999' }).waitFor({ timeout: WAIT });
    const scroller = page.locator('.messages__scroll');
    let most = 0;
    let worstJump = 0;
    for (let round = 0; round < 400; round++) {
      const probe = await scroller.evaluate((el) => {
        const first = /** @type {HTMLElement} */ (el.querySelector('.message[data-id]'));
        el.scrollTop = 0;
        // Where it sits once scrolled to the top; after the prepend it must sit there still.
        return { id: first.dataset.id, seq: Number(first.dataset.seq), top: first.getBoundingClientRect().top - el.getBoundingClientRect().top };
      });
      if (await page.locator('.intro').count()) break;
      // Wait for older messages to be rendered above the one that was first.
      await page.waitForFunction((seq) => Number(document.querySelector('.message[data-id]')?.dataset.seq) < seq, probe.seq, { timeout: WAIT });
      const after = await scroller.evaluate((el, id) => {
        const same = el.querySelector(`[data-id="${id}"]`);
        return { nodes: el.querySelectorAll('.message').length, top: same ? same.getBoundingClientRect().top - el.getBoundingClientRect().top : null };
      }, probe.id);
      most = Math.max(most, after.nodes);
      assert.ok(after.nodes <= 200, `at most 200 message nodes (had ${after.nodes})`);
      assert.notEqual(after.top, null, 'the message that was at the top is still rendered');
      worstJump = Math.max(worstJump, Math.abs(after.top - probe.top));
      assert.ok(Math.abs(after.top - probe.top) <= 4, `no jump when older messages are prepended (moved ${after.top - probe.top}px)`);
    }
    await page.locator('.intro', { hasText: 'This is the very beginning of' }).waitFor({ timeout: WAIT });
    await page.locator('.intro', { hasText: 'Five thousand messages' }).waitFor({ timeout: WAIT });
    await page.locator('.message__body p', { hasText: /^History 0$/ }).waitFor({ timeout: WAIT });
    assert.ok(most > 100, 'the window did fill');
    console.log(`  (at most ${most} message nodes while scrolling back through 5,000; ${worstJump}px jump)`);
  });

  await check('copy link gives a permalink that opens the channel at the message, highlighted', async () => {
    const { messages } = await api('GET', `/channels/${history}/messages?limit=1&before_seq=1500`);
    const target = messages[0];
    await page.goto(`${base}/w/${wid}/c/${history}/m/${target.id}`);
    const row = page.locator(`.message--highlight[data-id="${target.id}"]`);
    await row.waitFor({ timeout: WAIT * 3 });
    assert.equal(await row.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const s = /** @type {HTMLElement} */ (el.closest('.messages__scroll')).getBoundingClientRect();
      return r.top >= s.top && r.bottom <= s.bottom;
    }), true, 'the message is on screen');
    assert.equal(await page.locator('.message').count() <= 200, true);
    await row.hover();
    await row.getByRole('button', { name: 'Copy link' }).click();
    await page.locator('.channel__status', { hasText: 'Link copied' }).waitFor({ timeout: WAIT });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${base}/w/${wid}/c/${history}/m/${target.id}`);
    // The "More actions" menu holds the same actions (touch has only this button).
    await row.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: /Copy link/ }).waitFor({ timeout: WAIT });
    await page.keyboard.press('Escape');
  });

  await check('the connection banner shows the next retry, "Reconnect now", then "Connected"', async () => {
    await open(general);
    await page.evaluate(() => { Math.random = () => 0.95; const s = window.__ocomms.socket; s.attempt = 4; s.drop(); });
    const banner = page.locator('.banner--down');
    await banner.getByText(/Reconnecting in \d+ s…/).waitFor({ timeout: WAIT });
    await page.screenshot({ path: join(shots, 'pane-reconnecting.png') });
    await banner.getByRole('button', { name: 'Reconnect now' }).click();
    await page.locator('.banner--ok', { hasText: 'Connected' }).waitFor({ timeout: WAIT });
    await page.locator('.banner').waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('screenshots: channel pane at desktop light and dark, and on a phone', async () => {
    await postFromNode(general, [
      'Markdown, as it renders: **bold**, _italic_, `code`, and a link https://example.com/' + 'a-very-long-unbroken-path-segment'.repeat(6),
      '', '> A quote has a bar', '', '| Plan | Owner |', '|---|---|', '| Ship | Dee |', '',
      '```', 'const answer = 42; // a long code line that scrolls sideways rather than wrapping across the pane, ' + 'x'.repeat(80), '```',
    ].join('\n'));
    await page.locator('.message__body table').waitFor({ timeout: WAIT });
    // A mention is by the name folded: lower case, without spaces.
    await postFromNode(general, 'A mention of @deepark shows as a pill');
    await page.locator('.message__body .mention--me').waitFor({ timeout: WAIT });
    await page.route('**/api/v1/channels/*/messages', (r) => (r.request().method() === 'POST' ? r.abort() : r.continue()));
    await composer().fill('This one could not be sent');
    await composer().press('Enter');
    await page.locator('.message--failed').waitFor({ timeout: WAIT });
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await page.locator('.message', { hasText: 'A quote has a bar' }).hover();
      await page.screenshot({ path: join(shots, `pane-desktop-${theme}.png`) });
    }
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    await phone.context().addCookies(await context.cookies());
    await phone.goto(`${base}/w/${wid}/c/${general}`);
    await phone.locator('.message__body table').waitFor({ timeout: WAIT });
    for (const theme of ['light', 'dark']) {
      await phone.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await phone.screenshot({ path: join(shots, `pane-phone-${theme}.png`) });
    }
    // Touch: a tap selects a message and shows its "⋯", which opens the same actions.
    const quote = phone.locator('.message', { hasText: 'A quote has a bar' });
    await quote.locator('.message__body blockquote').tap();
    await quote.getByRole('button', { name: 'More actions' }).tap();
    await phone.getByRole('menuitem', { name: /Delete message/ }).waitFor({ timeout: WAIT });
    await phone.screenshot({ path: join(shots, 'pane-phone-menu.png') });
    await phone.keyboard.press('Escape');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'nothing runs off the phone screen');
    await phone.context().close();
    await page.unrouteAll();
    await page.locator('.message--failed').getByRole('button', { name: 'Delete' }).click();
    await page.locator('.message--failed').waitFor({ state: 'detached', timeout: WAIT });
  });

  await context.close();
}
