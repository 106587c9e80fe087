// Files from the composer in real Chromium, live between two browsers: Ida drops a picture on the
// channel (the overlay says where it goes), sends it, and Max sees its preview load; a pasted
// screenshot gets a name and goes with no text; a text file and a zip picked with the attach
// button show as file cards with a download link; a file over the limit is refused before any
// upload; a slow upload shows its progress, holds Send back and is cancelled by its Remove
// button; a send that fails keeps its files in the pending row and Retry sends the same ones.
// Ida owns the workspace "Atelier"; Max joins it through the API.
import assert from 'node:assert/strict';
import { kit } from './kit.js';

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const { newPage, check, signup, api, logIn, shoot } = kit({ browser, base, step, shots }, 'files');
  const ida = await newPage();
  const max = await newPage();
  const box = (page) => page.getByLabel('Message # general');
  const card = (page, name) => page.locator('.channel .upload', { hasText: name });
  /** A message row of the channel holding `text`. */
  const row = (page, text) => page.locator('.channel .message[data-id]', { hasText: text });
  let idaToken = '', maxToken = '', wid = '', general = '';

  /** A PNG of `w`×`h` drawn on a canvas in the page, as a File there. */
  const png = (page, name, w, h, colour) => page.evaluateHandle(async ([name, w, h, colour]) => {
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d'); g.fillStyle = colour; g.fillRect(0, 0, w, h);
    g.fillStyle = '#ffffff'; g.beginPath(); g.arc(w / 2, h / 2, Math.min(w, h) / 3, 0, Math.PI * 2); g.fill();
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    return new File([blob], name, { type: 'image/png' });
  }, [name, w, h, colour]);
  /** Pastes files (handles from png()) into the focused element, as a screenshot is pasted. */
  const paste = (page, files) => page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(f);
    document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, files);
  /** Waits until every image preview of message `text` on `page` has loaded, and answers their srcs. */
  const loadedPreviews = async (page, text) => {
    const images = row(page, text).locator('.attachment img.attachment__image');
    await images.first().waitFor({ timeout: WAIT });
    await page.waitForFunction((t) => {
      const rows = [...document.querySelectorAll('.channel .message[data-id]')].filter((r) => r.textContent?.includes(t));
      const imgs = rows.flatMap((r) => [...r.querySelectorAll('.attachment img.attachment__image')]);
      return imgs.length > 0 && imgs.every((i) => /** @type {HTMLImageElement} */ (i).complete && /** @type {HTMLImageElement} */ (i).naturalWidth > 0);
    }, text, { timeout: WAIT });
    return images.evaluateAll((list) => list.map((i) => i.getAttribute('src')));
  };
  /** The newest message in #general as the server has it, once it is one that `fits`. */
  const newest = async (/** @type {(m: any) => boolean} */ fits) => {
    for (const deadline = Date.now() + WAIT; ; await new Promise((r) => setTimeout(r, 100))) {
      const [m] = (await api(idaToken, 'GET', `/channels/${general}/messages?limit=1`)).messages;
      if (m && fits(m)) return m;
      if (Date.now() > deadline) throw new Error(`the newest message is not the one expected: ${JSON.stringify(m)}`);
    }
  };

  await check('Ida drops a picture on the channel: an overlay says where it goes, a card shows it uploading, then ready', async () => {
    idaToken = await signup('ida@example.com', 'Ida Brandt');
    maxToken = await signup('max@example.com', 'Max Ortiz');
    wid = (await api(idaToken, 'POST', '/workspaces', { name: 'Atelier' })).workspace.id;
    const { invite } = await api(idaToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(maxToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(idaToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((c) => c.name === 'general').id;
    await logIn(ida, 'ida@example.com', `/w/${wid}/c/${general}`);
    await logIn(max, 'max@example.com', `/w/${wid}/c/${general}`);
    await box(ida).waitFor({ timeout: WAIT });
    await box(max).waitFor({ timeout: WAIT });

    const photo = await png(ida, 'photo.png', 640, 400, '#1d5fc2');
    await ida.evaluate((file) => {
      const data = new DataTransfer();
      data.items.add(file);
      const target = document.querySelector('.channel .messages__scroll');
      window.__drop = { data, target };
      for (const type of ['dragenter', 'dragover']) target?.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }, photo);
    const overlay = ida.locator('.channel .dropzone');
    await overlay.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal((await overlay.textContent())?.trim(), 'Drop files to upload to #general');
    await shoot(ida, 'files-drop-overlay');
    await ida.evaluate(() => {
      const { data, target } = window.__drop;
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await overlay.waitFor({ state: 'hidden', timeout: WAIT });
    await card(ida, 'photo.png').waitFor({ timeout: WAIT });
    await ida.locator('.channel .upload--done', { hasText: 'photo.png' }).waitFor({ timeout: WAIT });
    assert.equal(await card(ida, 'photo.png').locator('img.upload__image').count(), 1, 'a picture shows its own preview');
    assert.equal(await ida.getByRole('button', { name: 'Send' }).first().isEnabled(), true, 'a file alone may be sent');
  });

  await check('Ida sends it with a line of text; Max sees the preview load live, from the thumbnail', async () => {
    await box(ida).fill('The new logo, first draft');
    await ida.screenshot({ path: `${shots}/files-tray-picture.png` });
    await box(ida).press('Enter');
    assert.equal(await ida.locator('.channel .upload').count(), 0, 'the tray is empty once sent');
    const [src] = await loadedPreviews(max, 'first draft');
    const message = await newest((m) => m.content === 'The new logo, first draft');
    assert.equal(message.attachments.length, 1);
    assert.equal(message.attachments[0].name, 'photo.png');
    assert.equal(src, message.attachments[0].thumbnail_url);
    await loadedPreviews(ida, 'first draft');
    await shoot(max, 'files-image-message');
  });

  await check('Ida pastes a screenshot: it is named for the moment and sent with no text; Max sees it', async () => {
    await box(ida).focus();
    await paste(ida, [await png(ida, 'image.png', 300, 300, '#c8224f')]);
    const pasted = ida.locator('.channel .upload--done');
    await pasted.waitFor({ timeout: WAIT });
    const name = (await pasted.locator('.upload__name').textContent()) ?? '';
    assert.match(name, /^Pasted image \d{4}-\d\d-\d\d \d\d\.\d\d\.png$/);
    assert.equal(await box(ida).inputValue(), '', 'a pasted picture is not typed in');
    await box(ida).press('Enter');
    const message = await newest((m) => m.attachments?.[0]?.name === name);
    assert.equal(message.content, '');
    assert.deepEqual(message.attachments.map((f) => f.name), [name]);
    await max.waitForFunction((src) => [...document.querySelectorAll('.channel .attachment img.attachment__image')]
      .some((i) => i.getAttribute('src') === src && /** @type {HTMLImageElement} */ (i).naturalWidth > 0),
    message.attachments[0].thumbnail_url, { timeout: WAIT });
  });

  await check('a text file and a zip picked with the attach button arrive as file cards with a download link', async () => {
    const chooser = ida.waitForEvent('filechooser');
    await ida.locator('.channel').getByRole('button', { name: 'Attach files' }).click();
    const zip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
    await (await chooser).setFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Agenda:\n1. Logo\n2. Colours\n') },
      { name: 'assets.zip', mimeType: 'application/zip', buffer: zip },
    ]);
    await ida.locator('.channel .upload--done').nth(1).waitFor({ timeout: WAIT });
    assert.deepEqual(await ida.locator('.channel .upload__name').allTextContents(), ['notes.txt', 'assets.zip']);
    assert.equal(await card(ida, 'notes.txt').locator('.attachment__icon--text').count(), 1, 'a card shows the kind of file');
    await shoot(ida, 'files-tray');
    await box(ida).fill('Agenda and assets');
    await box(ida).press('Enter');
    const cards = row(max, 'Agenda and assets').locator('.attachment--file');
    await cards.nth(1).waitFor({ timeout: WAIT });
    assert.match((await cards.nth(0).textContent()) ?? '', /notes\.txt/);
    assert.match((await cards.nth(1).textContent()) ?? '', /assets\.zip/);
    const href = await cards.nth(0).locator('a[download]').first().getAttribute('href');
    assert.ok(href, 'a download link');
    const body = await max.evaluate(async (u) => (await fetch(u)).text(), href);
    assert.equal(body, 'Agenda:\n1. Logo\n2. Colours\n');
    await shoot(max, 'files-cards');
  });

  await check('a file over the limit is refused before it is sent, saying both sizes', async () => {
    // Made in the page and dropped on the composer: 26 MB need not cross the wire to the browser.
    await ida.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(26 * 1024 * 1024)], 'huge.bin', { type: 'application/octet-stream' }));
      const target = document.querySelector('.channel .composer');
      for (const type of ['dragenter', 'dragover', 'drop']) target?.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await ida.locator('.channel .composer__note', { hasText: 'huge.bin is 26 MB; the limit is 25 MB.' }).waitFor({ timeout: WAIT });
    assert.equal(await ida.locator('.channel .upload').count(), 0);
  });

  await check('a slow upload shows its progress and holds Send back; Remove cancels it from the keyboard', async () => {
    const cdp = await ida.context().newCDPSession(ida);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    try {
      const before = (await api(idaToken, 'GET', `/channels/${general}/messages?limit=50`)).messages.length;
      const chooser = ida.waitForEvent('filechooser');
      await ida.locator('.channel').getByRole('button', { name: 'Attach files' }).click();
      await (await chooser).setFiles([{ name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4 * 1024 * 1024, 7) }]);
      const slow = card(ida, 'slow.bin');
      await slow.locator('progress.upload__bar').waitFor({ timeout: WAIT });
      await ida.waitForFunction(() => {
        const bar = /** @type {HTMLProgressElement | null} */ (document.querySelector('.channel .upload--uploading progress'));
        return bar && bar.value > 0 && bar.value < 100;
      }, null, { timeout: WAIT });
      await box(ida).fill('Not yet');
      assert.equal(await ida.locator('.channel .composer__send').isDisabled(), true, 'Send waits for the upload');
      assert.match((await ida.locator('.channel .composer__hint').textContent()) ?? '', /^Uploading 1 file…/);
      await box(ida).press('Enter');
      assert.equal(await box(ida).inputValue(), 'Not yet', 'Enter sends nothing while a file uploads');
      await shoot(ida, 'files-uploading');
      await slow.getByRole('button', { name: 'Remove slow.bin' }).focus();
      await ida.keyboard.press('Enter');
      await slow.waitFor({ state: 'detached', timeout: WAIT });
      assert.equal(await ida.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Message # general', 'the focus goes back to the text');
      assert.equal(await ida.locator('.channel .composer__send').isDisabled(), false);
      assert.equal(await ida.locator('.channel .composer__hint').textContent(), '');
      await box(ida).fill('');
      const after = (await api(idaToken, 'GET', `/channels/${general}/messages?limit=50`)).messages.length;
      assert.equal(after, before, 'nothing was sent');
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
  });

  await check('a send that fails keeps its files on the pending row; Retry sends the same ones', async () => {
    await box(ida).focus();
    await paste(ida, [await png(ida, 'retry.png', 200, 120, '#1f7a3a')]);
    await ida.locator('.channel .upload--done', { hasText: 'retry.png' }).waitFor({ timeout: WAIT });
    let refused = 0;
    await ida.route('**/api/v1/channels/*/messages', (route) => {
      if (route.request().method() === 'POST' && refused === 0) { refused += 1; return route.fulfill({ status: 503, json: { error: { code: 'unavailable', message: 'Try again soon' } } }); }
      return route.fallback();
    });
    await box(ida).fill('Third try lucky');
    await box(ida).press('Enter');
    const failed = ida.locator('.channel .message--failed', { hasText: 'Third try lucky' });
    await failed.waitFor({ timeout: WAIT });
    await failed.locator('.attachment').first().waitFor({ timeout: WAIT });
    await ida.unroute('**/api/v1/channels/*/messages');
    await failed.getByRole('button', { name: 'Retry', exact: true }).click();
    await loadedPreviews(max, 'Third try lucky');
    const message = await newest((m) => m.content === 'Third try lucky');
    assert.deepEqual(message.attachments.map((f) => f.name), ['retry.png']);
  });

  await check('on a phone the attach button and the cards are big enough to touch', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await logIn(phone, 'max@example.com', `/w/${wid}/c/${general}`);
    const input = phone.getByLabel('Message # general');
    await input.waitFor({ timeout: WAIT });
    await input.focus();
    const csv = await phone.evaluateHandle(() => new File(['a,b\n1,2\n'], 'numbers.csv', { type: 'text/csv' }));
    await paste(phone, [await png(phone, 'sketch.png', 500, 300, '#8a5a00'), csv]);
    await phone.locator('.channel .upload--done').nth(1).waitFor({ timeout: WAIT });
    for (const name of ['Attach files', 'Remove sketch.png', 'Remove numbers.csv']) {
      const b = await phone.locator('.channel').getByRole('button', { name }).boundingBox();
      assert.ok(b && b.width >= 40 && b.height >= 40, `${name}: ${JSON.stringify(b)}`);
    }
    await shoot(phone, 'files-phone');
    await phone.locator('.channel').getByRole('button', { name: 'Remove numbers.csv' }).click();
    await phone.locator('.channel').getByRole('button', { name: 'Remove sketch.png' }).click();
    await phone.locator('.channel .upload').first().waitFor({ state: 'detached', timeout: WAIT });
    await phone.context().close();
  });
  await ida.context().close();
  await max.context().close();
}
