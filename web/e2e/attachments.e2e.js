// Files and avatars as readers see them, in real Chromium between two browsers: pictures sent
// without words show as previews sized before they load (two in a grid), a PDF and an archive as
// cards with download links; the lightbox opens from a preview, steps with the arrow keys, closes
// with Escape and gives the focus back; on a phone it fills the screen. Ivy uploads a photo in
// her profile (after a refused one): her messages show it, here and live in Oli's browser, and
// removing it brings the initials back. Ivy owns the workspace "Kiln"; Oli joins it through the API.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { kit } from './kit.js';

/** CRC-32 of PNG chunks. @param {Buffer} bytes */
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG of `width`×`height`: a diagonal gradient from one colour to another.
 * @param {number} width @param {number} height @param {[number, number, number]} from @param {[number, number, number]} to */
export function png(width, height, from, to) {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let i = 0; i < 3; i++) rows[y * (width * 3 + 1) + 1 + x * 3 + i] = Math.round(from[i] + (to[i] - from[i]) * t);
    }
  }
  const chunk = (/** @type {string} */ type, /** @type {Buffer} */ data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A 24-bit BMP of `width`×`height`, grey: a picture browsers draw and the server does not take.
 * @param {number} width @param {number} height */
function bmp(width, height) {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const b = Buffer.alloc(54 + stride * height, 0x80);
  b.write('BM', 0, 'latin1'); b.writeUInt32LE(b.length, 2); b.writeUInt32LE(54, 10); b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18); b.writeInt32LE(height, 22); b.writeUInt16LE(1, 26); b.writeUInt16LE(24, 28);
  b.writeUInt32LE(0, 30); b.writeUInt32LE(stride * height, 34);
  return b;
}

/** A one-page PDF, small but real. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj '
  + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/** A zip archive holding one small stored file. */
function zip() {
  const name = Buffer.from('glaze.txt');
  const data = Buffer.from('celadon, tenmoku, shino\n');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(10, 4); local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(10, 6); central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  const centralAt = local.length + name.length + data.length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12); end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/** @param {{browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, shots: string, WAIT: number}} ctx */
export async function run({ browser, base, step, shots, WAIT }) {
  const { newPage, check, signup, api, logIn, shoot } = kit({ browser, base, step, shots }, 'attachments');
  /** Uploads a file as someone, from Node. @param {string} token @param {string} wid @param {string} name @param {Buffer} bytes @param {string} type */
  const upload = async (token, wid, name, bytes, type) => {
    const body = new FormData();
    body.append('file', new Blob([bytes], { type }), name);
    const r = await fetch(`${base}/api/v1/workspaces/${wid}/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
    if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${await r.text()}`);
    return (await r.json()).file;
  };
  const row = (/** @type {import('playwright-core').Page} */ page, /** @type {string} */ id) => page.locator(`.channel .message[data-id="${id}"]`);

  const ivy = await newPage();
  const oli = await newPage();
  let ivyToken = '', oliToken = '', wid = '', general = '', ivyId = '';
  let pictures = '', papers = '';
  /** @type {any[]} */ let images = [];

  await check('Ivy sends two pictures without words and a PDF and a zip with a line; both see previews and cards', async () => {
    ivyToken = await signup('ivy.files@example.com', 'Ivy Stone');
    oliToken = await signup('oli.files@example.com', 'Oli Park');
    ivyId = (await api(ivyToken, 'GET', '/me')).user.id;
    wid = (await api(ivyToken, 'POST', '/workspaces', { name: 'Kiln' })).workspace.id;
    const { invite } = await api(ivyToken, 'POST', `/workspaces/${wid}/invites`, {});
    await api(oliToken, 'POST', `/invites/${invite.code}/accept`);
    general = (await api(ivyToken, 'GET', `/workspaces/${wid}/channels`)).channels.find((/** @type {any} */ c) => c.name === 'general').id;
    await api(oliToken, 'POST', `/channels/${general}/messages`, { content: 'Send me the kiln photos?' });
    images = [await upload(ivyToken, wid, 'kiln-wide.png', png(1200, 600, [200, 90, 40], [250, 210, 120]), 'image/png'),
      await upload(ivyToken, wid, 'kiln-tall.png', png(300, 600, [30, 80, 160], [140, 200, 240]), 'image/png')];
    assert.ok(images[0].thumbnail_url, 'a picture gets a thumbnail');
    const pdf = await upload(ivyToken, wid, 'firing schedule with a very long name for the card.pdf', PDF, 'application/pdf');
    const archive = await upload(ivyToken, wid, 'glazes.zip', zip(), 'application/zip');
    assert.equal(archive.mime_type, 'application/zip');
    assert.equal(pdf.mime_type, 'application/pdf');
    pictures = (await api(ivyToken, 'POST', `/channels/${general}/messages`, { content: '', file_ids: images.map((f) => f.id) })).message.id;
    papers = (await api(ivyToken, 'POST', `/channels/${general}/messages`, { content: 'Schedule and glazes', file_ids: [pdf.id, archive.id] })).message.id;
    await logIn(ivy, 'ivy.files@example.com', `/w/${wid}/c/${general}`);
    await logIn(oli, 'oli.files@example.com', `/w/${wid}/c/${general}`);
    for (const page of [ivy, oli]) {
      const previews = row(page, pictures).locator('.attachment img.attachment__image');
      await previews.nth(1).waitFor({ timeout: WAIT });
      await page.waitForFunction((id) => [...document.querySelectorAll(`.message[data-id="${id}"] img.attachment__image`)]
        .every((img) => /** @type {HTMLImageElement} */ (img).complete && /** @type {HTMLImageElement} */ (img).naturalWidth > 0), pictures, { timeout: WAIT });
      assert.equal(await previews.first().getAttribute('src'), images[0].thumbnail_url);
      assert.deepEqual([await previews.first().getAttribute('width'), await previews.first().getAttribute('height')], ['360', '180'], 'fitted into 360×240');
      assert.deepEqual([await previews.nth(1).getAttribute('width'), await previews.nth(1).getAttribute('height')], ['120', '240']);
      assert.equal(await previews.first().getAttribute('alt'), 'kiln-wide.png');
      assert.equal(await row(page, pictures).locator('.message__body').count(), 0, 'no empty line of text');
      const cards = row(page, papers).locator('.attachment--file');
      assert.equal(await cards.count(), 2);
      const download = cards.first().locator('a[download]');
      assert.equal(await download.getAttribute('href'), `${pdf.url}?download=1`);
      assert.equal(await download.getAttribute('aria-label'), `Download ${pdf.name}`);
      assert.equal(await cards.first().getByRole('link', { name: `Open ${pdf.name}` }).getAttribute('href'), `${pdf.url}?inline=1`);
      assert.equal(await cards.nth(1).getByRole('link', { name: 'Open glazes.zip' }).count(), 0, 'an archive is only downloaded');
      assert.match(await cards.nth(1).textContent() ?? '', /glazes\.zip[\s\S]*Archive · \d+ B/);
    }
    // The PDF's download link answers as an attachment; "Open" shows it in the browser.
    const disposition = (/** @type {string} */ url) => ivy.evaluate(async (u) => (await fetch(u)).headers.get('content-disposition') ?? '', url);
    assert.match(await disposition(`${pdf.url}?download=1`), /^attachment/);
    assert.doesNotMatch(await disposition(`${pdf.url}?inline=1`), /^attachment/);
    await shoot(ivy, 'attachments');
  });

  await check('the lightbox opens from a preview, steps with the arrows, closes with Escape and gives the focus back', async () => {
    const preview = row(oli, pictures).locator('.attachment__open').first();
    await preview.click();
    const box = oli.getByRole('dialog', { name: 'kiln-wide.png' });
    await box.waitFor({ timeout: WAIT });
    assert.equal(await box.locator('img.lightbox__image').getAttribute('src'), images[0].url, 'the full picture');
    await oli.waitForFunction(() => /** @type {HTMLImageElement | null} */ (document.querySelector('.lightbox__image'))?.naturalWidth === 1200, null, { timeout: WAIT });
    assert.equal(await box.getByRole('link', { name: 'Download kiln-wide.png' }).getAttribute('href'), `${images[0].url}?download=1`);
    await oli.keyboard.press('ArrowRight');
    await oli.getByRole('dialog', { name: 'kiln-tall.png' }).waitFor({ timeout: WAIT });
    await oli.keyboard.press('ArrowRight');
    await oli.getByRole('dialog', { name: 'kiln-wide.png' }).waitFor({ timeout: WAIT });
    const fits = await oli.evaluate(() => {
      const r = /** @type {HTMLElement} */ (document.querySelector('.lightbox__image')).getBoundingClientRect();
      return r.right <= innerWidth && r.bottom <= innerHeight && r.width > 0;
    });
    assert.ok(fits, 'the picture fits the window');
    // The lightbox fades in: the picture waits for it.
    await oli.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await shoot(oli, 'lightbox');
    await oli.keyboard.press('Escape');
    await oli.locator('dialog.lightbox').waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await preview.evaluate((el) => el === document.activeElement), true, 'the focus is back on the preview');
    // A click beside the picture closes it too; the preview gets the focus back again.
    await preview.click();
    await oli.locator('dialog.lightbox').waitFor({ timeout: WAIT });
    await oli.mouse.click(20, 90);
    await oli.locator('dialog.lightbox').waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await preview.evaluate((el) => el === document.activeElement), true);
  });

  await check('on a phone the lightbox fills the screen and its buttons are big enough to tap', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await logIn(phone, 'oli.files@example.com', `/w/${wid}/c/${general}`);
    await row(phone, pictures).locator('img.attachment__image').first().waitFor({ timeout: WAIT });
    await shoot(phone, 'attachments-phone');
    await row(phone, pictures).locator('.attachment__open').first().click();
    const dialog = phone.locator('dialog.lightbox');
    await dialog.waitFor({ timeout: WAIT });
    const size = await dialog.boundingBox();
    assert.deepEqual([size?.width, size?.height], [390, 844]);
    const close = await dialog.getByRole('button', { name: 'Close' }).boundingBox();
    assert.ok((close?.width ?? 0) >= 40 && (close?.height ?? 0) >= 40, 'the close button is a touch target');
    await phone.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await shoot(phone, 'lightbox-phone');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    await phone.context().close();
  });

  await check('Ivy uploads a photo in her profile (a refused one first): her messages show it, live in Oli\'s browser too', async () => {
    await ivy.locator('.sidebar__me').click();
    await ivy.getByRole('menuitem', { name: 'Profile' }).click();
    const profile = ivy.getByRole('dialog', { name: 'Your profile' });
    await profile.getByRole('button', { name: 'Upload photo' }).waitFor({ timeout: WAIT });
    assert.equal(await ivy.evaluate(() => document.activeElement?.getAttribute('name')), 'name', 'the name field still has the focus');
    // Not a picture, whatever it claims: the server refuses it and says why under the photo.
    await profile.locator('input[type="file"]').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await profile.getByText(/cannot be read as a picture|not a picture/).waitFor({ timeout: WAIT });
    // A BMP that calls itself a PNG: the browser draws it, the server refuses it (415), said under the photo.
    await profile.locator('input[type="file"]').setInputFiles({ name: 'old.png', mimeType: 'image/png', buffer: bmp(40, 30) });
    await profile.getByRole('button', { name: 'Save photo', exact: true }).click();
    await profile.getByText('not a picture the server takes').waitFor({ timeout: WAIT });
    await profile.getByRole('button', { name: 'Cancel the new photo' }).click();
    await profile.locator('input[type="file"]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(640, 400, [20, 120, 90], [230, 240, 120]) });
    await profile.getByText('not a picture the server takes').waitFor({ state: 'detached', timeout: WAIT }).catch(() => {});
    assert.equal(await profile.locator('.field__error').first().textContent(), '', 'a new choice clears the old error');
    const square = profile.locator('.photo__square');
    await square.waitFor({ timeout: WAIT });
    const sq = await square.boundingBox();
    assert.deepEqual([Math.round(sq?.width ?? 0), Math.round(sq?.height ?? 0)], [160, 160], 'the kept square at 160 px');
    await shoot(ivy, 'profile-crop');
    await profile.getByRole('button', { name: 'Save photo', exact: true }).click();
    await profile.locator('.photo__row .avatar img.avatar__photo').waitFor({ timeout: WAIT });
    const url = await ivy.evaluate(() => /** @type {any} */ (window).__ocomms.store.me.avatar_url);
    assert.match(url, /^\/api\/v1\/avatars\//);
    assert.equal(await profile.locator('.photo__row img.avatar__photo').getAttribute('src'), url, 'the big copy at 72 px');
    await profile.getByRole('button', { name: 'Cancel' }).click();
    const mine = row(ivy, pictures).locator('.message__avatar img.avatar__photo');
    await mine.waitFor({ timeout: WAIT });
    assert.equal(await mine.getAttribute('src'), `${url}?size=128`);
    await ivy.waitForFunction(() => { const img = /** @type {HTMLImageElement | null} */ (document.querySelector('.sidebar__me img.avatar__photo')); return Boolean(img?.complete && img.naturalWidth === 128); }, null, { timeout: WAIT });
    // Oli did not reload: user.updated brought the photo.
    const theirs = row(oli, pictures).locator('.message__avatar img.avatar__photo');
    await theirs.waitFor({ timeout: WAIT });
    assert.equal(await theirs.getAttribute('src'), `${url}?size=128`);
    await oli.waitForFunction(() => [...document.querySelectorAll('.message__avatar img.avatar__photo')].some((img) => /** @type {HTMLImageElement} */ (img).naturalWidth > 0), null, { timeout: WAIT });
    await shoot(oli, 'avatar-live');
  });

  await check('a photo that fails to load shows the initials; removing the photo brings them back for everyone', async () => {
    // A third browser whose photo requests fail (as if the file were gone).
    const broken = await newPage();
    await broken.route('**/api/v1/avatars/**', (route) => route.fulfill({ status: 404, body: '' }));
    await logIn(broken, 'oli.files@example.com', `/w/${wid}/c/${general}`);
    const avatar = row(broken, pictures).locator('.message__avatar');
    await avatar.waitFor({ timeout: WAIT });
    await broken.waitForFunction((id) => {
      const img = document.querySelector(`.message[data-id="${id}"] .message__avatar img.avatar__photo`);
      return !img || /** @type {HTMLImageElement} */ (img).hidden;
    }, pictures, { timeout: WAIT });
    assert.equal((await avatar.innerText()).trim(), 'IS', 'the initials show');
    await broken.context().close();
    await api(ivyToken, 'DELETE', '/me/avatar');
    await ivy.locator('.sidebar__me img.avatar__photo').waitFor({ state: 'detached', timeout: WAIT });
    await row(oli, pictures).locator('.message__avatar img.avatar__photo').waitFor({ state: 'detached', timeout: WAIT });
    assert.equal((await row(oli, pictures).locator('.message__avatar').innerText()).trim(), 'IS');
    assert.equal(await ivy.evaluate(() => /** @type {any} */ (window).__ocomms.store.me.avatar_url), null);
  });

  await ivy.context().close();
  await oli.context().close();
}
