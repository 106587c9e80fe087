// Search in real Chromium: Ctrl/Cmd+F and `/` reach the header's box; `from:@` suggests people
// (arrows and Enter pick one); a word finds its message with the word highlighted, a prefix finds
// the longer word, a quoted phrase only the phrase; `in:#ops` shows as a removable chip; the sort
// and "Load more" work; a result opens its channel at the message, highlighted, and a reply opens
// its thread; a bad filter says what to try; someone who leaves a private channel no longer finds
// its messages; on a phone the search is a full screen. Ana owns "Quay"; Ben joins it.
import assert from 'node:assert/strict';
import { kit } from './kit.js';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const { newPage, check, signup, api, logIn, shoot } = kit({ browser, base, step, shots }, 'search');
  const box = (page) => page.locator('.pane-header .search-box__input');
  const results = (page) => page.locator('.search-result');
  const options = (page) => page.getByRole('listbox', { name: 'Search suggestions' }).getByRole('option');
  /** Types a query in the header's box and runs it; waits for the results view to settle. */
  const searchFor = async (page, q) => {
    await box(page).fill('');
    await box(page).focus();
    await page.keyboard.type(q);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.endsWith('/search') && new URL(url).searchParams.get('q') === q, { timeout: WAIT });
    await page.waitForFunction(() => document.querySelector('.search-view')?.getAttribute('aria-busy') === 'false', null, { timeout: WAIT });
  };

  const ben = await newPage();
  let anaToken = '', benToken = '', wid = '', general = '', ops = '', vault = '', fridayId = '';

  await check('Ana and Ben share channels with messages to find; Ctrl/Cmd+F and / focus the search box', async () => {
    anaToken = await signup('ana.search@example.com', 'Ana Search');
    benToken = await signup('ben.search@example.com', 'Ben Search');
    wid = (await api(anaToken, 'POST', '/workspaces', { name: 'Quay' })).workspace.id;
    const { invite } = await api(anaToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(benToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(anaToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((c) => c.name === 'general').id;
    ops = (await api(anaToken, 'POST', `/workspaces/${wid}/channels`, { name: 'ops', kind: 'public' })).channel.id;
    await api(benToken, 'POST', `/channels/${ops}/join`);
    vault = (await api(anaToken, 'POST', `/workspaces/${wid}/channels`, { name: 'vault', kind: 'private' })).channel.id;
    const benId = (await api(benToken, 'GET', '/me')).user.id;
    await api(anaToken, 'POST', `/channels/${vault}/members`, { user_id: benId });
    const say = async (token, cid, content, root) => (await api(token, 'POST', `/channels/${cid}/messages`, { content, ...(root ? { thread_root_id: root } : {}) })).message.id;
    fridayId = await say(anaToken, general, 'The deployment is scheduled for Friday');
    await say(benToken, general, 'Release notes are in the wiki');
    await say(anaToken, general, 'Some notes about the release party');
    const root = await say(anaToken, general, 'Who reviews the database migration?');
    await say(benToken, general, 'I will review it after lunch', root);
    await say(anaToken, ops, 'The ops deployment checklist is ready');
    await say(anaToken, vault, 'The vault code is kumquat');
    for (let i = 0; i < 22; i++) await say(anaToken, ops, `Status report ${i}: everything is teal`);
    await logIn(ben, 'ben.search@example.com', `/w/${wid}/c/${general}`);
    await ben.locator('.channel .message[data-id]', { hasText: 'scheduled for Friday' }).waitFor({ timeout: WAIT });
    await ben.keyboard.press(process.platform === 'darwin' ? 'Meta+f' : 'Control+f');
    assert.equal(await ben.evaluate(() => document.activeElement?.classList.contains('search-box__input')), true, 'Ctrl/Cmd+F focuses the box');
    await ben.keyboard.press('Escape');
    await ben.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await ben.keyboard.press('/');
    assert.equal(await ben.evaluate(() => document.activeElement?.classList.contains('search-box__input')), true, '/ focuses the box');
    assert.equal(await box(ben).inputValue(), '', 'the / is not typed into it');
  });

  await check('from:@ suggests people; arrows and Enter pick one', async () => {
    await ben.keyboard.type('from:@');
    await options(ben).first().waitFor({ timeout: WAIT });
    const labels = await options(ben).allTextContents();
    assert.ok(labels.some((l) => l.includes('Ana Search')) && labels.some((l) => l.includes('Ben Search')), `people are suggested: ${labels}`);
    assert.equal(await box(ben).getAttribute('aria-expanded'), 'true');
    const activeLabel = () => ben.evaluate(() => document.getElementById(document.activeElement?.getAttribute('aria-activedescendant') ?? '')?.textContent?.trim());
    const first = await activeLabel();
    await ben.keyboard.press('ArrowDown');
    assert.notEqual(await activeLabel(), first, 'ArrowDown moves the active option');
    await ben.keyboard.press('ArrowUp');
    assert.equal(await activeLabel(), first);
    await ben.keyboard.type('an');
    await ben.waitForFunction(() => document.querySelectorAll('.search-suggest__option').length === 1);
    await shoot(ben, 'search-suggestions');
    await ben.keyboard.press('Enter');
    assert.equal(await box(ben).inputValue(), 'from:@anasearch ');
    assert.equal(await box(ben).getAttribute('aria-expanded'), 'false', 'the finished filter closes the list');
    await ben.keyboard.press('Escape');
    assert.equal(await box(ben).inputValue(), '', 'Esc in a closed box clears it');
  });

  await check('a word finds its message, highlighted; a prefix finds the longer word; a phrase only itself', async () => {
    await searchFor(ben, 'scheduled');
    const hit = results(ben).filter({ hasText: 'scheduled for Friday' });
    await hit.waitFor({ timeout: WAIT });
    assert.equal(await hit.locator('mark').first().textContent(), 'scheduled');
    assert.match(await hit.locator('.view-item__where').textContent(), /general/);
    assert.match(await hit.locator('.message__author').textContent(), /Ana Search/);
    await searchFor(ben, 'depl');
    await results(ben).first().waitFor({ timeout: WAIT });
    const marks = await ben.locator('.search-result mark').allTextContents();
    assert.ok(marks.some((m) => /^deployment$/i.test(m)), `"depl" highlights deployment: ${marks}`);
    await shoot(ben, 'search-results');
    await searchFor(ben, '"release notes"');
    await results(ben).first().waitFor({ timeout: WAIT });
    const texts = await results(ben).locator('.search-result__snippet').allTextContents();
    assert.ok(texts.some((t) => t.includes('Release notes are in the wiki')), 'the phrase is found');
    assert.ok(!texts.some((t) => t.includes('notes about the release')), 'the same words out of order are not');
  });

  await check('in:#ops shows as a chip and keeps results in #ops; removing it widens the search', async () => {
    await searchFor(ben, 'deployment in:#ops');
    const chip = ben.locator('.search-chip', { hasText: 'In: #ops' });
    await chip.waitFor({ timeout: WAIT });
    await results(ben).first().waitFor({ timeout: WAIT });
    const where = await results(ben).locator('.view-item__where').allTextContents();
    assert.ok(where.length > 0 && where.every((w) => /ops/.test(w)), `only #ops: ${where}`);
    await chip.getByRole('button', { name: /Remove filter/ }).click();
    await ben.waitForURL((url) => new URL(url).searchParams.get('q') === 'deployment', { timeout: WAIT });
    await results(ben).filter({ hasText: 'scheduled for Friday' }).waitFor({ timeout: WAIT });
  });

  await check('Newest sorts by date; Load more fetches the next page', async () => {
    await searchFor(ben, 'teal');
    await ben.getByRole('button', { name: 'Newest' }).click();
    await ben.waitForURL((url) => new URL(url).searchParams.get('sort') === 'date', { timeout: WAIT });
    await ben.waitForFunction(() => document.querySelectorAll('.search-result').length === 20, null, { timeout: WAIT });
    assert.equal(await ben.getByRole('button', { name: 'Newest' }).getAttribute('aria-pressed'), 'true');
    assert.match(await results(ben).first().textContent(), /Status report 21/, 'the newest first');
    await ben.getByRole('button', { name: 'Load more' }).click();
    await ben.waitForFunction(() => document.querySelectorAll('.search-result').length === 22, null, { timeout: WAIT });
    assert.equal(await ben.getByRole('button', { name: 'Load more' }).count(), 0, 'nothing more to load');
  });

  await check('a result opens its channel at the message, highlighted; a reply opens its thread', async () => {
    await searchFor(ben, 'Friday');
    await results(ben).filter({ hasText: 'scheduled for Friday' }).click();
    await ben.waitForURL(`${base}/w/${wid}/c/${general}`, { timeout: WAIT });
    await ben.locator(`.channel .message--highlight[data-id="${fridayId}"]`).waitFor({ timeout: WAIT });
    await searchFor(ben, 'lunch');
    const reply = results(ben).filter({ hasText: 'after lunch' });
    await reply.focus();
    await ben.keyboard.press('Enter');
    const panel = ben.getByRole('region', { name: 'Thread' });
    await panel.locator('.message[data-id]', { hasText: 'after lunch' }).waitFor({ timeout: WAIT });
    await panel.locator('.message[data-id]', { hasText: 'database migration' }).waitFor({ timeout: WAIT });
    await ben.waitForFunction(() => /after lunch/.test(document.activeElement?.closest('.panel .message')?.textContent ?? ''), null, { timeout: WAIT });
    await ben.waitForTimeout(300);
    assert.match(await ben.evaluate(() => document.activeElement?.closest('.panel .message')?.textContent ?? ''), /after lunch/, 'the reply keeps the focus');
  });

  await check('a bad filter says what to try, in the box and from the server', async () => {
    await box(ben).fill('');
    await box(ben).focus();
    await ben.keyboard.type('has:cats');
    await ben.keyboard.press('Enter');
    await ben.locator('.search-suggest__problem', { hasText: 'has: takes file or link' }).waitFor({ timeout: WAIT });
    await ben.goto(`${base}/w/${wid}/search?q=${encodeURIComponent('on:2026-02-30')}`);
    const error = ben.locator('.search-view__error');
    await error.waitFor({ timeout: WAIT });
    assert.match(await error.textContent(), /could not be read.*Check the filters/s);
  });

  await check('someone who leaves a private channel no longer finds its messages', async () => {
    await ben.goto(`${base}/w/${wid}/c/${general}`);
    await box(ben).waitFor({ timeout: WAIT });
    await searchFor(ben, 'kumquat');
    await results(ben).filter({ hasText: 'vault code' }).waitFor({ timeout: WAIT });
    await api(benToken, 'POST', `/channels/${vault}/leave`);
    await ben.goto(`${base}/w/${wid}/search?q=kumquat`);
    await ben.locator('.search-view__empty', { hasText: 'No results' }).waitFor({ timeout: WAIT });
    assert.equal(await results(ben).count(), 0);
    await shoot(ben, 'search-empty');
  });

  await check('on a phone the search is a full screen; Enter shows the results', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await logIn(phone, 'ana.search@example.com', `/w/${wid}/c/${general}`);
    await phone.locator('.channel .message[data-id]').first().waitFor({ timeout: WAIT });
    await phone.locator('.pane-header .search-box__open').click();
    const dialog = phone.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor({ timeout: WAIT });
    const size = await dialog.boundingBox();
    assert.ok(size && size.width >= 389 && size.height >= 843, 'the search fills the screen');
    await phone.keyboard.type('in:#');
    await options(phone).first().waitFor({ timeout: WAIT });
    await shoot(phone, 'search-phone-suggestions');
    await phone.keyboard.press('Enter');
    await phone.keyboard.type('deployment');
    await phone.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    await phone.locator('.search-result').first().waitFor({ timeout: WAIT });
    await phone.waitForFunction(() => document.querySelector('.search-view')?.getAttribute('aria-busy') === 'false');
    await shoot(phone, 'search-phone-results');
    await phone.context().close();
  });

  await ben.context().close();
}
