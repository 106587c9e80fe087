// Notes in real Chromium, live between two browsers: Ana writes the channel's note from the
// header's Notes button and autosave says "Saved"; Ben's open panel shows it in place; both edit at
// once and Ben's stale save opens the conflict view, resolved with "Keep mine"; History lists the
// versions, shows one against the current and restores it; a non-member reads the note read-only;
// one's personal note ("My notes") is one's own. Ana owns the workspace "Notebook"; Ben joins it.
import assert from 'node:assert/strict';
import { kit } from './kit.js';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const { newPage, check, signup, api, logIn, shoot } = kit({ browser, base, step, shots }, 'notes');
  const panel = (page, name = 'Notes') => page.getByRole('region', { name, exact: true });
  const box = (page) => panel(page).getByLabel('Channel note');
  const status = (page, name = 'Notes') => panel(page, name).locator('.notes__status');
  const saved = (page, name = 'Notes') => status(page, name).filter({ hasText: /^Saved$/ }).waitFor({ timeout: WAIT });
  const save = (page) => page.keyboard.press('Control+s');

  const ana = await newPage();
  const ben = await newPage();
  let anaToken = '', benToken = '', wid = '', general = '';

  await check('Ana and Ben share #general; both open its notes from the header', async () => {
    anaToken = await signup('ana.notes@example.com', 'Ana Notes');
    benToken = await signup('ben.notes@example.com', 'Ben Notes');
    wid = (await api(anaToken, 'POST', '/workspaces', { name: 'Notebook' })).workspace.id;
    const { invite } = await api(anaToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(benToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(anaToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((c) => c.name === 'general').id;
    await logIn(ana, 'ana.notes@example.com', `/w/${wid}/c/${general}`);
    await logIn(ben, 'ben.notes@example.com', `/w/${wid}/c/${general}`);
    for (const page of [ana, ben]) {
      await page.locator('.pane-header').getByRole('button', { name: 'Notes', exact: true }).click();
      await box(page).waitFor({ timeout: WAIT });
      assert.match(await panel(page).locator('.notes__edited').textContent(), /No one has written here yet/);
    }
  });

  await check('Ana types; autosave says Saved; Ben\'s open panel shows it in place', async () => {
    await box(ana).fill('# Release plan\n\n- freeze on **Monday**\n- ship on Wednesday');
    await status(ana).filter({ hasText: 'Unsaved changes' }).waitFor({ timeout: WAIT });
    await saved(ana);
    const { note } = await api(anaToken, 'GET', `/channels/${general}/note`);
    assert.equal(note.version, 1);
    await ben.waitForFunction(() => /** @type {HTMLTextAreaElement | null} */ (document.querySelector('.notes__input'))?.value.includes('ship on Wednesday'), null, { timeout: WAIT });
    assert.match(await panel(ben).locator('.notes__edited').textContent(), /Last edited by Ana Notes/);
    // note.updated took its seq in the channel's log: the next message is no gap to fetch.
    const catchUps = [];
    ben.on('request', (r) => { if (r.url().includes('/events?after=')) catchUps.push(r.url()); });
    await api(anaToken, 'POST', `/channels/${general}/messages`, { content: 'Plan is in the notes' });
    await ben.locator('.channel .message[data-id]', { hasText: 'Plan is in the notes' }).waitFor({ timeout: WAIT });
    assert.deepEqual(catchUps, [], 'no catch-up after a note.updated');
    await panel(ben).getByRole('button', { name: 'Preview' }).click();
    await panel(ben).locator('.notes__preview strong', { hasText: 'Monday' }).waitFor({ timeout: WAIT });
    await panel(ben).getByRole('button', { name: 'Edit' }).click();
    // The formatting toolbar and its shortcut: Ana bolds a word with Ctrl+B.
    await panel(ana).getByRole('button', { name: 'Split' }).click();
    await panel(ana).locator('.notes__body--split').waitFor({ timeout: WAIT });
    await shoot(ana, 'notes-split');
  });

  await check('both edit at once: Ben\'s stale save opens the conflict view; Keep mine wins and Ana sees it', async () => {
    await box(ben).fill('# Release plan\n\n- freeze on **Monday**\n- ship on Thursday (Ben)');
    await box(ana).fill('# Release plan\n\n- freeze on **Monday**\n- ship on Wednesday\n- notes by Ana');
    await save(ana);
    await saved(ana);
    // Ben's autosave (2 s after his typing) goes out on version 1: the server answers 409.
    const conflict = panel(ben).locator('.notes__conflict');
    await conflict.waitFor({ timeout: WAIT });
    assert.equal(await status(ben).textContent(), 'Conflict');
    assert.match(await conflict.textContent(), /Ana Notes saved a newer version/);
    assert.ok(await conflict.locator('.notes__cell--added', { hasText: 'Thursday' }).count() >= 1, 'mine is marked');
    assert.ok(await conflict.locator('.notes__cell--removed', { hasText: 'notes by Ana' }).count() >= 1, 'theirs is marked');
    await shoot(ben, 'notes-conflict');
    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    await saved(ben);
    const { note } = await api(anaToken, 'GET', `/channels/${general}/note`);
    assert.equal(note.version, 3);
    assert.match(note.content, /Thursday \(Ben\)/);
    await ana.waitForFunction(() => /** @type {HTMLTextAreaElement | null} */ (document.querySelector('.notes__input'))?.value.includes('Thursday (Ben)'), null, { timeout: WAIT });
  });

  await check('with edits of her own, Ana is told of Ben\'s update and may reload', async () => {
    await box(ana).fill('Ana, not saved yet');
    await api(benToken, 'PUT', `/channels/${general}/note`, { content: '# Release plan\n\nBen via the API', expected_version: 3 });
    const notice = panel(ana).locator('.notes__notice');
    await notice.filter({ hasText: 'Updated by Ben Notes' }).waitFor({ timeout: WAIT });
    await notice.getByRole('button', { name: 'Reload' }).click();
    await ana.waitForFunction(() => /** @type {HTMLTextAreaElement | null} */ (document.querySelector('.notes__input'))?.value.includes('Ben via the API'), null, { timeout: WAIT });
    assert.equal(await notice.count(), 0);
  });

  await check('History lists the versions; one shows against the current and is restored; Ben sees it live', async () => {
    await panel(ana).getByRole('button', { name: 'History' }).click();
    const items = panel(ana).locator('.notes__version');
    await items.first().waitFor({ timeout: WAIT });
    assert.equal(await items.count(), 4);
    assert.match(await items.first().textContent(), /Version 4\s*current/);
    assert.match(await items.last().textContent(), /Version 1.*Ana Notes.*characters/s);
    await items.last().click();
    await panel(ana).getByRole('heading', { name: 'Version 1' }).waitFor({ timeout: WAIT });
    assert.ok(await panel(ana).locator('.notes__line--removed', { hasText: 'ship on Wednesday' }).count() >= 1);
    await shoot(ana, 'notes-history');
    await panel(ana).getByRole('button', { name: 'Restore this version' }).click();
    await box(ana).waitFor({ timeout: WAIT });
    assert.match(await box(ana).inputValue(), /ship on Wednesday/);
    const { note } = await api(benToken, 'GET', `/channels/${general}/note`);
    assert.equal(note.version, 5);
    assert.match(note.content, /ship on Wednesday/);
    await ben.waitForFunction(() => /** @type {HTMLTextAreaElement | null} */ (document.querySelector('.notes__input'))?.value.includes('ship on Wednesday'), null, { timeout: WAIT });
  });

  await check('a non-member reads a public channel\'s note read-only, with a hint', async () => {
    const { channel } = await api(anaToken, 'POST', `/workspaces/${wid}/channels`, { name: 'roadmap', kind: 'public' });
    await api(anaToken, 'PUT', `/channels/${channel.id}/note`, { content: 'Q1: **search**', expected_version: 0 });
    await logIn(ben, 'ben.notes@example.com', `/w/${wid}/c/${channel.id}`);
    await ben.locator('.pane-header').getByRole('button', { name: 'Notes', exact: true }).click();
    await panel(ben).locator('.notes__preview strong', { hasText: 'search' }).waitFor({ timeout: WAIT });
    assert.match(await panel(ben).locator('.notes__readonly').textContent(), /Join # roadmap to edit it/);
    assert.equal(await box(ben).count(), 0, 'no editor');
    await shoot(ben, 'notes-read-only');
  });

  await check('My notes is one\'s own: Ana\'s private note is not Ben\'s', async () => {
    await ana.getByRole('button', { name: 'My notes' }).click();
    const mine = panel(ana, 'My notes');
    await mine.getByLabel('My notes', { exact: true }).waitFor({ timeout: WAIT });
    await mine.getByLabel('My notes', { exact: true }).fill('Ana only: ask about the budget');
    await saved(ana, 'My notes');
    await ben.getByRole('button', { name: 'My notes' }).click();
    await panel(ben, 'My notes').getByLabel('My notes', { exact: true }).waitFor({ timeout: WAIT });
    assert.equal(await panel(ben, 'My notes').getByLabel('My notes', { exact: true }).inputValue(), '');
    const { note } = await api(benToken, 'GET', `/workspaces/${wid}/notes/me`);
    assert.equal(note.version, 0, 'Ben\'s own note is still empty');
    assert.equal((await api(anaToken, 'GET', `/workspaces/${wid}/notes/me`)).note.content, 'Ana only: ask about the budget');
    await shoot(ana, 'notes-personal');
  });

  await check('on a phone the notes are a full screen; closing returns to the channel', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await logIn(phone, 'ana.notes@example.com', `/w/${wid}/c/${general}`);
    await phone.locator('.pane-header').getByRole('button', { name: 'Notes', exact: true }).click();
    await box(phone).waitFor({ timeout: WAIT });
    const rect = await panel(phone).boundingBox();
    assert.ok(rect && rect.width >= 389 && rect.height >= 800, `full screen: ${JSON.stringify(rect)}`);
    await shoot(phone, 'notes-phone');
    await panel(phone).getByRole('button', { name: 'Preview' }).click();
    await panel(phone).locator('.notes__preview').waitFor({ timeout: WAIT });
    await shoot(phone, 'notes-phone-preview');
    await panel(phone).getByRole('button', { name: 'Close notes' }).click();
    await panel(phone).waitFor({ state: 'detached', timeout: WAIT });
    await phone.locator('.channel .composer__input').waitFor({ timeout: WAIT });
    await phone.context().close();
  });
  await ana.context().close();
  await ben.context().close();
}
