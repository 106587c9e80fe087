// Status, do-not-disturb, edit history, pins, saved messages and the Threads / Mentions / Saved
// views in real Chromium, seen live from a second browser. Kim owns the workspace "Marks"; Lou
// joins it through the API. Any native dialog or uncaught page error fails the step.
import assert from 'node:assert/strict';
import { kit } from './kit.js';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const { newPage, check, signup, api, logIn, shoot } = kit({ browser, base, step, shots }, 'status');
  const row = (page, text) => page.locator('.message[data-id]', { hasText: text });
  /** Opens a message's "⋯" menu. */
  const menuOf = async (page, text) => {
    const r = row(page, text);
    await r.hover();
    await r.locator('.message__action--more').click();
    return page.getByRole('menu', { name: 'Message actions' });
  };
  const userMenu = async (page) => {
    await page.locator('.sidebar__me').click();
    return page.getByRole('menu', { name: 'You' });
  };

  const kim = await newPage();
  const lou = await newPage();
  let kimToken = '', louToken = '', wid = '', general = '', kimId = '', louId = '';
  let planId = '', lunchId = '';

  await check('Kim and Lou log in to a shared workspace; nothing is pinned, saved or set yet', async () => {
    kimToken = await signup('kim@example.com', 'Kim Ortega');
    louToken = await signup('lou@example.com', 'Lou Baker');
    wid = (await api(kimToken, 'POST', '/workspaces', { name: 'Marks' })).workspace.id;
    const { invite } = await api(kimToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(louToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(kimToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((c) => c.name === 'general').id;
    kimId = (await api(kimToken, 'GET', '/me')).user.id;
    louId = (await api(louToken, 'GET', '/me')).user.id;
    await api(louToken, 'POST', `/workspaces/${wid}/dms`, { user_ids: [kimId] });
    planId = (await api(kimToken, 'POST', `/channels/${general}/messages`, { content: 'The plan: ship on Friday' })).message.id;
    lunchId = (await api(kimToken, 'POST', `/channels/${general}/messages`, { content: 'Lunch at noon, @loubaker?' })).message.id;
    await logIn(kim, 'kim@example.com', `/w/${wid}/c/${general}`);
    await logIn(lou, 'lou@example.com', `/w/${wid}/c/${general}`);
    for (const page of [kim, lou]) await row(page, 'Lunch at noon').waitFor({ timeout: WAIT });
    assert.equal(await lou.locator('.status-emoji').count(), 0);
    assert.equal(await kim.locator('.pane-header__pins').count(), 0, 'no pin count while nothing is pinned');
    await lou.getByRole('link', { name: 'Saved' }).waitFor();
  });

  await check('Kim sets a status from a suggestion; Lou sees the emoji beside her name live, with its words', async () => {
    await (await userMenu(kim)).getByRole('menuitem', { name: 'Set a status…' }).click();
    const dialog = kim.getByRole('dialog', { name: 'Set a status' });
    await dialog.waitFor({ timeout: WAIT });
    await dialog.getByRole('button', { name: /Vacationing/ }).click();
    assert.equal(await dialog.getByLabel('Status', { exact: true }).inputValue(), 'Vacationing');
    assert.equal(await dialog.getByLabel('Emoji', { exact: true }).inputValue(), '🌴');
    await dialog.getByLabel('Clear after').selectOption('week');
    await shoot(kim, 'status-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    await kim.locator('.sidebar__me-status', { hasText: '🌴 Vacationing' }).waitFor({ timeout: WAIT });
    const badge = row(lou, 'The plan').locator('.message__head .status-emoji');
    await badge.waitFor({ timeout: WAIT });
    assert.equal(await badge.textContent(), '🌴');
    assert.equal(await badge.getAttribute('title'), 'Vacationing');
    assert.equal(await badge.getAttribute('aria-label'), 'Status: Vacationing');
    // Beside her name in Lou's DM list and the DM's header too.
    const dmRow = lou.locator('.nav__item', { hasText: 'Kim Ortega' });
    await dmRow.locator('.status-emoji').waitFor({ timeout: WAIT });
    await dmRow.click();
    await lou.locator('.pane-header__name .status-emoji').waitFor({ timeout: WAIT });
    await lou.getByRole('link', { name: 'general' }).click();
    await row(lou, 'The plan').waitFor({ timeout: WAIT });
  });

  await check('a status clears on its own at its time, with no word from the server', async () => {
    const soon = new Date(Date.now() + 2500).toISOString();
    await api(kimToken, 'PATCH', '/me', { status_emoji: '🍕', status_text: 'Lunch', status_expires_at: soon });
    const badge = row(lou, 'The plan').locator('.status-emoji');
    await lou.locator('.message__head .status-emoji[title="Lunch"]').first().waitFor({ timeout: WAIT });
    await badge.waitFor({ state: 'detached', timeout: WAIT });
    await kim.locator('.sidebar__me-status', { hasText: 'Active' }).waitFor({ timeout: WAIT });
    await api(kimToken, 'PATCH', '/me', { status_emoji: '🌴', status_text: 'Vacationing', status_expires_at: null });
    await badge.waitFor({ timeout: WAIT });
  });

  await check('Kim pauses notifications for an hour: a moon on her presence dot for Lou; resuming takes it off', async () => {
    await (await userMenu(kim)).getByRole('menuitem', { name: 'Pause notifications…' }).click();
    const dialog = kim.getByRole('dialog', { name: 'Pause notifications' });
    await dialog.getByLabel('For 1 hour').check();
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    const moon = lou.locator('.nav__item', { hasText: 'Kim Ortega' }).locator('.presence--dnd');
    await moon.waitFor({ timeout: WAIT });
    assert.match(await moon.getAttribute('aria-label'), /notifications paused/);
    await kim.locator('.sidebar__me .presence--dnd').waitFor({ timeout: WAIT });
    await kim.locator('.sidebar__me-status', { hasText: 'paused' }).waitFor();
    await shoot(lou, 'status-dnd');
    const resume = (await userMenu(kim)).getByRole('menuitem', { name: /Resume notifications/ });
    await resume.click();
    await moon.waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('Kim edits a message and opens its history from "(edited)", by keyboard; Lou gets no history button', async () => {
    await api(kimToken, 'PATCH', `/messages/${planId}`, { content: 'The plan: ship on Monday' });
    await api(kimToken, 'PATCH', `/messages/${planId}`, { content: 'The plan: ship on Tuesday' });
    const edited = row(kim, 'ship on Tuesday').locator('button.message__edited');
    await edited.waitFor({ timeout: WAIT });
    await edited.focus();
    await kim.keyboard.press('Enter');
    const dialog = kim.getByRole('dialog', { name: 'Edit history' });
    await dialog.locator('.history__version').nth(2).waitFor({ timeout: WAIT });
    const versions = await dialog.locator('.history__text').allTextContents();
    assert.deepEqual(versions, ['The plan: ship on Tuesday', 'The plan: ship on Monday', 'The plan: ship on Friday'], 'newest first');
    assert.match(await dialog.locator('.history__version--current').textContent(), /Current version.*Tuesday/s);
    await shoot(kim, 'status-history');
    await kim.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    const louEdited = row(lou, 'ship on Tuesday').locator('.message__edited');
    await louEdited.waitFor({ timeout: WAIT });
    assert.equal(await louEdited.evaluate((el) => el.tagName), 'SPAN', 'not the author, not an admin: plain text');
  });

  await check('Lou pins from the "⋯" menu: "Pinned" and the header count show for Kim live; the popover jumps to it; unpin', async () => {
    await (await menuOf(lou, 'Lunch at noon')).getByRole('menuitem', { name: 'Pin to channel' }).click();
    await row(lou, 'Lunch at noon').locator('.message__pinned').waitFor({ timeout: WAIT });
    await row(kim, 'Lunch at noon').locator('.message__pinned', { hasText: 'Pinned' }).waitFor({ timeout: WAIT });
    const count = kim.getByRole('button', { name: '1 pinned message' });
    await count.waitFor({ timeout: WAIT });
    // Kim scrolls away first, so the jump has somewhere to go.
    for (let i = 0; i < 30; i++) await api(kimToken, 'POST', `/channels/${general}/messages`, { content: `Filler ${i}` });
    await row(kim, 'Filler 29').waitFor({ timeout: WAIT });
    await count.click();
    const pins = kim.getByRole('dialog', { name: /Pinned messages/ });
    await pins.locator('.pins__item', { hasText: 'Lunch at noon' }).waitFor({ timeout: WAIT });
    await shoot(kim, 'status-pins');
    await pins.locator('.pins__open').first().click();
    await pins.waitFor({ state: 'detached', timeout: WAIT });
    await kim.locator('.message--highlight', { hasText: 'Lunch at noon' }).waitFor({ timeout: WAIT });
    await (await menuOf(kim, 'Lunch at noon')).getByRole('menuitem', { name: 'Unpin from channel' }).click();
    await row(lou, 'Lunch at noon').locator('.message__pinned').waitFor({ state: 'detached', timeout: WAIT });
    await count.waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('Lou saves a message from the toolbar and finds it in Saved; opening it there jumps to it in its channel', async () => {
    const r = row(lou, 'Lunch at noon');
    await r.scrollIntoViewIfNeeded();
    await r.hover();
    await r.getByRole('button', { name: 'Save for later' }).click();
    await r.getByRole('button', { name: 'Remove from saved' }).waitFor({ timeout: WAIT });
    await lou.getByRole('link', { name: 'Saved' }).click();
    await lou.getByRole('heading', { level: 1, name: 'Saved' }).waitFor({ timeout: WAIT });
    assert.match(lou.url(), /\/w\/[^/]+\/saved$/);
    const item = lou.locator('.view-item', { hasText: 'Lunch at noon' });
    await item.waitFor({ timeout: WAIT });
    assert.match(await item.locator('.view-item__where').textContent(), /general/);
    await shoot(lou, 'status-saved-view');
    // The address is honoured on load.
    await lou.reload();
    await item.waitFor({ timeout: WAIT });
    await item.locator('.view-item__body').click();
    await lou.locator('.message--highlight', { hasText: 'Lunch at noon' }).waitFor({ timeout: WAIT });
    assert.match(lou.url(), new RegExp(`/c/${general}$`));
    // Removed from the menu: gone from the view.
    await (await menuOf(lou, 'Lunch at noon')).getByRole('menuitem', { name: 'Remove from saved' }).click();
    await lou.getByRole('link', { name: 'Saved' }).click();
    await lou.getByText('Nothing saved').waitFor({ timeout: WAIT });
  });

  await check('Mentions lists what mentions Lou, newest first; Threads lists a thread she is in with its unread replies', async () => {
    await api(kimToken, 'POST', `/channels/${general}/messages`, { content: 'Also, @loubaker, the slides' });
    await lou.getByRole('link', { name: 'Mentions' }).click();
    await lou.getByRole('heading', { level: 1, name: 'Mentions' }).waitFor({ timeout: WAIT });
    const items = lou.locator('.view-item');
    await items.first().waitFor({ timeout: WAIT });
    assert.match(await items.nth(0).textContent(), /the slides/);
    assert.match(await items.nth(1).textContent(), /Lunch at noon/);
    await api(louToken, 'POST', `/channels/${general}/messages`, { content: 'Sure', thread_root_id: lunchId });
    await api(kimToken, 'POST', `/channels/${general}/messages`, { content: 'Great, see you', thread_root_id: lunchId });
    await lou.getByRole('link', { name: 'Threads' }).click();
    const thread = lou.locator('.view-item', { hasText: 'Lunch at noon' });
    await thread.waitFor({ timeout: WAIT });
    assert.match(await thread.locator('.view-item__replies').textContent(), /2 replies/);
    await shoot(lou, 'status-threads-view');
    await thread.focus();
    await lou.keyboard.press('Enter');
    // Until the thread panel exists the root opens in its channel; with it, the thread shows.
    await lou.locator('.message--highlight, .thread, [aria-label*="Thread"]').first().waitFor({ timeout: WAIT });
  });

  await check('Kim pauses until a time of her choosing, then clears her status from the menu; Lou sees both', async () => {
    await (await userMenu(kim)).getByRole('menuitem', { name: 'Pause notifications…' }).click();
    const dialog = kim.getByRole('dialog', { name: 'Pause notifications' });
    await dialog.getByLabel('Pause until').fill('2020-01-01T09:00');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await dialog.getByText('Choose a time in the future.').waitFor({ timeout: WAIT });
    await dialog.getByLabel('Pause until').fill('2099-06-01T09:00');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    const me = await api(kimToken, 'GET', '/me');
    assert.equal(new Date(me.user.dnd_until).getFullYear(), 2099);
    await lou.locator('.nav__item', { hasText: 'Kim Ortega' }).locator('.presence--dnd').waitFor({ timeout: WAIT });
    await (await userMenu(kim)).getByRole('menuitem', { name: 'Clear status' }).click();
    await kim.locator('.sidebar__me-status', { hasText: 'Notifications paused' }).waitFor({ timeout: WAIT });
    await lou.locator('.nav__item', { hasText: 'Kim Ortega' }).locator('.status-emoji').waitFor({ state: 'detached', timeout: WAIT });
    await (await userMenu(kim)).getByRole('menuitem', { name: /Resume notifications/ }).click();
    await lou.locator('.nav__item', { hasText: 'Kim Ortega' }).locator('.presence--dnd').waitFor({ state: 'detached', timeout: WAIT });
  });

  await check('phone: Saved is a full screen with a back button; dark and light', async () => {
    await api(louToken, 'PUT', `/messages/${planId}/save`);
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await logIn(phone, 'lou@example.com', `/w/${wid}/saved`);
    await phone.locator('.view-item', { hasText: 'ship on Tuesday' }).waitFor({ timeout: WAIT });
    await shoot(phone, 'status-phone-saved');
    await phone.getByRole('button', { name: 'Back to channels' }).click();
    await phone.getByRole('link', { name: 'Saved' }).waitFor({ timeout: WAIT });
    assert.match(phone.url(), /\/w\/[^/]+$/);
    await phone.getByRole('link', { name: 'general' }).click();
    await row(phone, 'ship on Tuesday').waitFor({ timeout: WAIT });
    await shoot(phone, 'status-phone-channel');
    await phone.context().close();
  });

  await kim.context().close();
  await lou.context().close();
}
