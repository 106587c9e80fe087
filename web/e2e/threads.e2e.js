// Threads in real Chromium, live between two browsers: a reply from the panel beside the channel
// reaches the other browser's thread summary and open panel, typing shows in the thread, "also
// send to channel" puts a reply in the channel too, a reply posted through the API alone shows
// up, the Threads view lists unread threads first, unfollow works, and on a phone the thread is a
// full screen. Mia owns the workspace "Loom"; Noa joins it through the API.
import assert from 'node:assert/strict';
import { kit } from './kit.js';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const { newPage, check, signup, api, logIn, shoot } = kit({ browser, base, step, shots }, 'threads');
  /** A message row of the channel pane (not the thread panel). */
  const channelRow = (page, text) => page.locator('.channel .message[data-id]', { hasText: text });
  const panel = (page) => page.getByRole('region', { name: 'Thread' });
  const replyBox = (page) => panel(page).getByLabel('Reply in thread');

  const mia = await newPage();
  const noa = await newPage();
  let miaToken = '', noaToken = '', wid = '', general = '', rootId = '';

  await check('Mia and Noa share a channel; Noa opens a thread from the message toolbar', async () => {
    miaToken = await signup('mia@example.com', 'Mia Lund');
    noaToken = await signup('noa@example.com', 'Noa Finch');
    wid = (await api(miaToken, 'POST', '/workspaces', { name: 'Loom' })).workspace.id;
    const { invite } = await api(miaToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(noaToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(miaToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((c) => c.name === 'general').id;
    rootId = (await api(miaToken, 'POST', `/channels/${general}/messages`, { content: 'Who takes the release notes?' })).message.id;
    await logIn(mia, 'mia@example.com', `/w/${wid}/c/${general}`);
    await logIn(noa, 'noa@example.com', `/w/${wid}/c/${general}`);
    await channelRow(noa, 'release notes').hover();
    await channelRow(noa, 'release notes').getByRole('button', { name: 'Reply in thread' }).click();
    await panel(noa).waitFor({ timeout: WAIT });
    await panel(noa).locator('.message[data-id]', { hasText: 'release notes' }).waitFor({ timeout: WAIT });
    assert.equal(await panel(noa).locator('.thread__divider').textContent(), '0 replies');
    assert.equal(await noa.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Reply in thread', 'the reply box has the focus');
  });

  await check('Noa replies; Mia sees the summary under the root live, and her open panel gets the next reply', async () => {
    await replyBox(noa).fill('I can, after lunch');
    await noa.keyboard.press('Enter');
    await panel(noa).locator('.message[data-id]', { hasText: 'after lunch' }).waitFor({ timeout: WAIT });
    const summary = channelRow(mia, 'release notes').locator('.thread-summary');
    await summary.waitFor({ timeout: WAIT });
    assert.match(await summary.textContent(), /1 reply/);
    assert.equal(await channelRow(mia, 'after lunch').count(), 0, 'a reply stays out of the channel');
    await summary.click();
    await panel(mia).locator('.message[data-id]', { hasText: 'after lunch' }).waitFor({ timeout: WAIT });
    // Typing frames are throttled (one per 2 s, client and server): Noa keeps typing until one goes.
    const typingLine = panel(mia).locator('.typing', { hasText: 'Noa Finch is typing' });
    for (const deadline = Date.now() + WAIT; ;) {
      await replyBox(noa).pressSequentially('d');
      try { await typingLine.waitFor({ timeout: 500 }); break; } catch (e) { if (Date.now() > deadline) throw e; }
    }
    assert.equal(await mia.locator('.channel .typing').textContent(), '', 'typing in a thread is not typing in the channel');
    await replyBox(noa).fill('Done: notes are in the wiki');
    await noa.keyboard.press('Enter');
    await panel(mia).locator('.message[data-id]', { hasText: 'notes are in the wiki' }).waitFor({ timeout: WAIT });
    await mia.waitForFunction(() => /2 replies/.test(document.querySelector('.channel .thread-summary')?.textContent ?? ''), null, { timeout: WAIT });
    await shoot(mia, 'thread-panel');
  });

  await check('"Also send to #general" puts Mia\'s reply in the channel too; a reply from the API alone shows up', async () => {
    await panel(mia).getByRole('checkbox', { name: /Also send to/ }).check();
    await replyBox(mia).fill('Thanks, shipping at 5');
    await mia.keyboard.press('Enter');
    const inChannel = channelRow(noa, 'shipping at 5');
    await inChannel.waitFor({ timeout: WAIT });
    assert.equal(await inChannel.getByRole('button', { name: 'Replied to a thread' }).count(), 1);
    assert.equal(await panel(mia).getByRole('checkbox', { name: /Also send to/ }).isChecked(), false, 'the box is for one reply');
    await api(noaToken, 'POST', `/channels/${general}/messages`, { content: 'posted by a bot', thread_root_id: rootId });
    await panel(mia).locator('.message[data-id]', { hasText: 'posted by a bot' }).waitFor({ timeout: WAIT });
  });

  await check('The Threads view lists unread threads first; opening one marks it read; unfollow takes it away', async () => {
    // Noa closes her panel; Mia replies twice: Noa's thread has unread replies.
    await panel(noa).getByRole('button', { name: 'Close thread' }).click();
    await panel(noa).waitFor({ state: 'detached', timeout: WAIT });
    const quiet = (await api(noaToken, 'POST', `/channels/${general}/messages`, { content: 'Standup moved to 10' })).message.id;
    await api(noaToken, 'POST', `/channels/${general}/messages`, { content: 'ok', thread_root_id: quiet });
    await api(miaToken, 'POST', `/channels/${general}/messages`, { content: 'One more thing', thread_root_id: rootId });
    // The sidebar's Threads entry turns bold for the unread reply.
    await noa.locator('.nav__views a.nav__item--unread', { hasText: 'Threads' }).click();
    const items = noa.locator('.view-item').filter({ hasText: /release notes|Standup moved/ });
    await items.first().waitFor({ timeout: WAIT });
    assert.match(await items.first().textContent(), /release notes/, 'the thread with unread replies comes first');
    await items.first().click();
    await panel(noa).locator('.message[data-id]', { hasText: 'One more thing' }).waitFor({ timeout: WAIT });
    await noa.waitForFunction(async (w) => {
      const r = await fetch(`/api/v1/workspaces/${w}/threads`);
      const { threads } = await r.json();
      return threads.every((t) => t.unread_count === 0);
    }, wid, { timeout: WAIT, polling: 200 });
    await panel(noa).getByRole('button', { name: 'Following' }).click();
    await panel(noa).getByRole('button', { name: 'Follow' }).waitFor({ timeout: WAIT });
    const { threads } = await api(noaToken, 'GET', `/workspaces/${wid}/threads`);
    assert.deepEqual(threads.map((t) => t.root.content), ['Standup moved to 10']);
  });

  await check('On a phone the thread is a full screen with its own composer; closing returns to the channel', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await logIn(phone, 'mia@example.com', `/w/${wid}/c/${general}`);
    const summary = phone.locator('.channel .message[data-id]', { hasText: 'release notes' }).locator('.thread-summary');
    await summary.waitFor({ timeout: WAIT });
    await summary.click();
    await panel(phone).locator('.message[data-id]', { hasText: 'One more thing' }).waitFor({ timeout: WAIT });
    const box = await panel(phone).boundingBox();
    assert.ok(box && box.width >= 389 && box.height >= 800, `full screen: ${JSON.stringify(box)}`);
    await shoot(phone, 'thread-phone');
    await panel(phone).getByRole('button', { name: 'Close thread' }).click();
    await panel(phone).waitFor({ state: 'detached', timeout: WAIT });
    await phone.locator('.channel .composer__input').waitFor({ timeout: WAIT });
    await phone.context().close();
  });
  await mia.context().close();
  await noa.context().close();
}
