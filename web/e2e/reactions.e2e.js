// @ts-check
// Reactions in real Chromium, two people in one channel: Ana reacts through the emoji picker
// (search, Enter) and Ben sees the chip live; Ben's click adds his (counted once, however the
// socket's event and the click race), who reacted shows on hover and on keyboard focus, Ben takes
// his back; the picker remembers what was used, moves with the arrow keys, closes on Esc and on a
// click outside; a refusal (the 50-emoji cap) is written under the message. Screenshots of the
// chips and the open picker, desktop and phone, light and dark. Any native dialog or page error
// fails the step.
import assert from 'node:assert/strict';
import { join } from 'node:path';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  /** @type {Record<string, string>} */
  const tokens = {};
  /** The API as one of them, from Node. @param {string} who @param {string} method @param {string} path @param {unknown} [body] */
  const api = async (who, method, path, body) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
  /** @type {string[]} */
  const problems = [];
  /** @param {string} name */
  const person = async (name) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('dialog', (d) => { problems.push(`${name}: native ${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => problems.push(`${name}: ${e}`));
    await page.goto(base);
    tokens[name] = await page.evaluate(async (name) => {
      const r = await fetch('/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${name.toLowerCase()}.reacts@example.com`, password: 'correct horse battery', name }) });
      return (await r.json()).token;
    }, name);
    return page;
  };
  const check = (/** @type {string} */ name, /** @type {() => Promise<void>} */ fn) => step(`reactions: ${name}`, async () => {
    await fn();
    assert.deepEqual(problems, [], 'no native dialog, no uncaught error');
  });

  /** @type {import('playwright-core').Page} */ let ana;
  /** @type {import('playwright-core').Page} */ let ben;
  let wid = '', cid = '', mid = '';
  const row = (/** @type {import('playwright-core').Page} */ page, text = 'Ship it') => page.locator('.message[data-id]', { hasText: text });
  const chip = (/** @type {import('playwright-core').Page} */ page, emoji = '🎉', text = 'Ship it') =>
    row(page, text).locator('.reaction:not(.reaction--add)', { hasText: emoji });
  const picker = (/** @type {import('playwright-core').Page} */ page) => page.getByRole('dialog', { name: 'Add reaction' });
  const search = (/** @type {import('playwright-core').Page} */ page) => page.getByRole('combobox', { name: 'Search emoji' });
  /** The chip's count and whether it is pressed. */
  const state = async (/** @type {import('playwright-core').Locator} */ c) => ({
    count: (await c.locator('.reaction__count').textContent())?.trim(), pressed: await c.getAttribute('aria-pressed'),
  });
  /** Waits for an element's animations (a fade-in) to end. @param {import('playwright-core').Locator} el */
  const settled = (el) => el.evaluate((node) => Promise.all(node.getAnimations().map((a) => a.finished)));
  const countIs = (/** @type {import('playwright-core').Locator} */ c, /** @type {string} */ n) =>
    c.locator('.reaction__count', { hasText: new RegExp(`^${n}$`) }).waitFor({ timeout: WAIT });

  await check('Ana and Ben are in one channel with a message of Ana\'s', async () => {
    ana = await person('Ana');
    ben = await person('Ben');
    ({ workspace: { id: wid } } = await api('Ana', 'POST', '/workspaces', { name: 'Reactions' }));
    cid = (await api('Ana', 'GET', `/workspaces/${wid}/channels`)).channels.find((/** @type {any} */ c) => c.name === 'general').id;
    const { invite } = await api('Ana', 'POST', `/workspaces/${wid}/invites`, {});
    await api('Ben', 'POST', `/invites/${invite.code}/accept`);
    ({ message: { id: mid } } = await api('Ana', 'POST', `/channels/${cid}/messages`, { content: 'Ship it! The release is **out**.' }));
    for (const page of [ana, ben]) {
      await page.goto(`${base}/w/${wid}/c/${cid}`);
      await row(page).waitFor({ timeout: WAIT });
    }
    assert.equal(await row(ana).locator('.reactions').count(), 0, 'no reactions yet, no chips');
  });

  await check('Ana reacts through the picker: search "tada", Enter; Ben sees the chip live', async () => {
    await row(ana).hover();
    const button = row(ana).locator('.message__action[aria-label="Add reaction"]');
    await button.click();
    await picker(ana).waitFor({ timeout: WAIT });
    assert.equal(await search(ana).evaluate((el) => el === document.activeElement), true, 'the search box has the focus');
    await picker(ana).locator('.emoji-picker__cell').first().waitFor({ timeout: WAIT });
    const box = await picker(ana).boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= 1280 && box.y + box.height <= 800, 'inside the window');
    await search(ana).fill('tada');
    assert.equal(await picker(ana).locator('.emoji-picker__cell[aria-selected="true"]').textContent(), '🎉', 'the best match is active');
    assert.equal(await picker(ana).locator('.emoji-picker__preview-name').textContent(), ':tada:');
    await search(ana).press('Enter');
    await picker(ana).waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await button.evaluate((el) => el === document.activeElement), true, 'the focus is back on the button');
    await countIs(chip(ana), '1');
    assert.deepEqual(await state(chip(ana)), { count: '1', pressed: 'true' });
    assert.equal(await chip(ana).getAttribute('aria-label'), 'You reacted with :tada:');
    await countIs(chip(ben), '1');
    assert.deepEqual(await state(chip(ben)), { count: '1', pressed: 'false' });
    assert.equal(await chip(ben).getAttribute('aria-label'), 'Ana reacted with :tada:');
  });

  await check('Ben clicks the chip: 2, his pressed, counted once on both sides', async () => {
    await chip(ben).click();
    assert.deepEqual(await state(chip(ben)), { count: '2', pressed: 'true' }, 'at once');
    await countIs(chip(ana), '2');
    // Once Ben's client has applied the server's event of his click, it has changed nothing.
    const { latest_seq: latest } = await api('Ben', 'GET', `/channels/${cid}/events?after=0&limit=1`);
    await ben.waitForFunction(([cid, seq]) => /** @type {any} */ (window).__ocomms.store.logs.get(cid)?.lastSeq >= seq,
      /** @type {[string, number]} */ ([cid, latest]), { timeout: WAIT });
    assert.deepEqual(await state(chip(ben)), { count: '2', pressed: 'true' });
    assert.equal(await row(ben).locator('.reaction:not(.reaction--add)').count(), 1, 'one chip');
    assert.equal(await chip(ben).getAttribute('aria-label'), 'You and Ana reacted with :tada:');
    assert.equal(await chip(ana).getAttribute('aria-label'), 'You and Ben reacted with :tada:');
  });

  await check('who reacted shows on hover and on keyboard focus', async () => {
    await chip(ana).hover();
    const tip = ana.locator('.tooltip');
    await tip.waitFor({ timeout: WAIT });
    assert.equal(await tip.locator('.tooltip__text').textContent(), 'You and Ben reacted with :tada:');
    assert.equal(await tip.locator('.tooltip__emoji').textContent(), '🎉');
    await ana.mouse.move(5, 5);
    await tip.waitFor({ state: 'detached', timeout: WAIT });
    // Keyboard only: the message row, then Tab to its first chip.
    await ben.mouse.move(5, 5);
    await row(ben).focus();
    await ben.keyboard.press('Tab');
    assert.equal(await chip(ben).evaluate((el) => el === document.activeElement), true, 'Tab reaches the chip');
    await ben.locator('.tooltip', { hasText: 'You and Ana reacted with :tada:' }).waitFor({ timeout: WAIT });
  });

  await check('Ben takes his back with the keyboard: 1 again, on both sides', async () => {
    await ben.keyboard.press('Enter');
    await countIs(chip(ben), '1');
    assert.deepEqual(await state(chip(ben)), { count: '1', pressed: 'false' });
    await countIs(chip(ana), '1');
    assert.equal(await chip(ana).getAttribute('aria-label'), 'You reacted with :tada:');
    // The tip follows the chip it is shown for.
    await ben.locator('.tooltip', { hasText: 'Ana reacted with :tada:' }).waitFor({ timeout: WAIT });
  });

  await check('the picker opens from the "⋯" menu with the recently used first; arrows move, Esc returns the focus', async () => {
    await row(ana).hover();
    const more = row(ana).locator('.message__action--more');
    await more.click();
    await ana.getByRole('menuitem', { name: 'Add reaction' }).click();
    await picker(ana).waitFor({ timeout: WAIT });
    const first = picker(ana).locator('.emoji-picker__section').first();
    assert.equal(await first.getAttribute('aria-label'), 'Recently used');
    assert.equal(await first.locator('.emoji-picker__cell').first().textContent(), '🎉', 'tada comes first');
    assert.equal(await picker(ana).locator('.emoji-picker__cell[aria-selected="true"]').textContent(), '🎉');
    await ana.keyboard.press('ArrowDown');
    const active = picker(ana).locator('.emoji-picker__cell[aria-selected="true"]');
    assert.equal(await active.textContent(), '😀', 'down: the first row of Smileys');
    await ana.keyboard.press('ArrowRight');
    assert.equal(await active.textContent(), '😃');
    assert.equal(await search(ana).getAttribute('aria-activedescendant'), await active.getAttribute('id'));
    await ana.keyboard.press('ArrowUp');
    assert.equal(await active.textContent(), '🎉');
    await ana.getByRole('button', { name: 'Flags' }).click();
    await ana.waitForFunction(() => document.querySelector('.emoji-picker__tab[aria-pressed="true"]')?.getAttribute('aria-label') === 'Flags');
    const offset = await picker(ana).evaluate((el) => {
      const grid = /** @type {HTMLElement} */ (el.querySelector('.emoji-picker__grid'));
      return /** @type {HTMLElement} */ (el.querySelector('.emoji-picker__section[data-section="flags"]')).getBoundingClientRect().top - grid.getBoundingClientRect().top;
    });
    assert.ok(Math.abs(offset) < 2, `the Flags section starts at the top of the grid (${offset} px off)`);
    assert.equal(await active.textContent(), '🏁', 'its first emoji is active');
    await ana.keyboard.press('Escape');
    await picker(ana).waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await more.evaluate((el) => el === document.activeElement), true, 'the focus is back on "⋯"');
    assert.deepEqual(await state(chip(ana)), { count: '1', pressed: 'true' }, 'Esc picked nothing');
    // From the keyboard: r on a focused message opens it; Tab reaches the category bar.
    await row(ana).focus();
    await ana.keyboard.press('r');
    await picker(ana).waitFor({ timeout: WAIT });
    await ana.keyboard.press('Tab');
    assert.equal(await ana.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Recently used');
    await ana.keyboard.press('ArrowRight');
    assert.equal(await ana.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Smileys');
    await ana.keyboard.press('Escape');
    await picker(ana).waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('the "add" chip opens it too; a click outside closes it; a search that finds nothing says so', async () => {
    await row(ana).hover();
    await row(ana).locator('.reaction--add').click();
    await picker(ana).waitFor({ timeout: WAIT });
    await search(ana).fill('no such emoji anywhere');
    await picker(ana).getByText('No emoji match “no such emoji anywhere”.').waitFor({ timeout: WAIT });
    await ana.mouse.click(640, 60);
    await picker(ana).waitFor({ state: 'detached', timeout: WAIT });
    // And a pick with the mouse: a second emoji, after the first.
    await row(ana).hover();
    await row(ana).locator('.reaction--add').click();
    await search(ana).fill('rocket');
    await picker(ana).locator('.emoji-picker__cell', { hasText: '🚀' }).click();
    await countIs(chip(ana, '🚀'), '1');
    await countIs(chip(ben, '🚀'), '1');
    assert.deepEqual(await row(ben).locator('.reaction__emoji').allTextContents(), ['🎉', '🚀']);
  });

  await check('a refusal (50 different emoji at most) is written under the message, and the chip goes', async () => {
    const { message } = await api('Ben', 'POST', `/channels/${cid}/messages`, { content: 'Everything at once' });
    const { categories } = await import('../vendor/gemoji/picker.js');
    const fifty = categories['Smileys & Emotion'].split('\n').slice(0, 50).map((line) => line.split(' ')[0]);
    for (const emoji of fifty) await api('Ben', 'PUT', `/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`);
    await row(ana, 'Everything at once').locator('.reaction:not(.reaction--add)').nth(49).waitFor({ timeout: WAIT });
    await row(ana, 'Everything at once').locator('.reaction--add').click();
    await search(ana).fill('tada');
    await search(ana).press('Enter');
    await row(ana, 'Everything at once').getByRole('alert').filter({ hasText: 'The reaction was not added: a message carries at most 50 different reactions.' })
      .waitFor({ timeout: WAIT });
    assert.equal(await chip(ana, '🎉', 'Everything at once').count(), 0, 'the optimistic chip is taken back');
    await api('Ben', 'DELETE', `/messages/${message.id}`);
    await row(ana, 'Everything at once').waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('screenshots: chips and the open picker, desktop and phone, light and dark', async () => {
    // More people and emoji, for a realistic picture.
    await chip(ben).click();
    await countIs(chip(ana), '2');
    await api('Ben', 'PUT', `/messages/${mid}/reactions/${encodeURIComponent('👍')}`);
    await countIs(chip(ana, '👍'), '1');
    for (const theme of ['light', 'dark']) {
      for (const page of [ana]) await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await ana.mouse.move(5, 5);
      await chip(ana).hover();
      await ana.locator('.tooltip').waitFor({ timeout: WAIT });
      await settled(ana.locator('.tooltip'));
      await ana.screenshot({ path: join(shots, `reactions-${theme}.png`) });
      await row(ana).locator('.message__action[aria-label="Add reaction"]').click();
      await picker(ana).locator('.emoji-picker__cell').first().waitFor({ timeout: WAIT });
      await settled(picker(ana));
      await ana.screenshot({ path: join(shots, `emoji-picker-${theme}.png`) });
      await ana.keyboard.press('Escape');
    }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    phone.on('pageerror', (e) => problems.push(`phone: ${e}`));
    await phone.goto(base);
    await phone.evaluate(async () => {
      await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ben.reacts@example.com', password: 'correct horse battery' }) });
    });
    await phone.goto(`${base}/w/${wid}/c/${cid}`);
    await chip(phone).waitFor({ timeout: WAIT });
    for (const theme of ['light', 'dark']) {
      await phone.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await phone.screenshot({ path: join(shots, `reactions-phone-${theme}.png`) });
      await row(phone).locator('.reaction--add').tap();
      await picker(phone).locator('.emoji-picker__cell').first().waitFor({ timeout: WAIT });
      await settled(picker(phone));
      const box = await picker(phone).boundingBox();
      assert.deepEqual(box && [box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 390, 844], 'a full-screen sheet');
      await phone.screenshot({ path: join(shots, `emoji-picker-phone-${theme}.png`) });
      await phone.getByRole('button', { name: 'Close' }).tap();
      await picker(phone).waitFor({ state: 'detached', timeout: WAIT });
    }
    await context.close();
  });

  await ana?.context().close();
  await ben?.context().close();
}
