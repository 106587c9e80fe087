// @ts-check
// Figures of the client under a long history (a benchmark, not a timed test: nothing here fails
// on a time): a channel with 10,000 messages, how long its newest page takes to render, how many
// frames take over 50 ms while scrolling back through it, how many message nodes the DOM holds
// meanwhile (that one is asserted: the list is windowed), and the page's JS heap once all 10,000
// are loaded. Printed as one `figures-long:` JSON line; docs/benchmarks.md records them.
import assert from 'node:assert/strict';

/** The bound on message nodes the windowed list may keep, whatever the history's length. */
const MAX_MESSAGE_NODES = 400;
const MESSAGES = 10_000;

/** @param {{ browser: import('playwright-core').Browser, base: string, step: (name: string, fn: () => Promise<void>) => Promise<void>, WAIT: number }} ctx */
export async function run({ browser, base, step, WAIT }) {
  await step(`figures: a channel with ${MESSAGES.toLocaleString('en')} messages, scrolled back through`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(base);
    const { wid, cid } = await page.evaluate(async () => {
      const call = async (method, path, body) => (await fetch(`/api/v1${path}`, {
        method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
      })).json();
      await call('POST', '/auth/signup', { email: 'figures@example.com', password: 'correct horse battery', name: 'Fig Ures' });
      const { workspace } = await call('POST', '/workspaces', { name: 'Figures' });
      const { channel } = await call('POST', `/workspaces/${workspace.id}/channels`, { name: 'history', kind: 'public' });
      return { wid: workspace.id, cid: channel.id };
    });
    await page.evaluate(async ([cid, total]) => {
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const n = next++;
          await fetch(`/api/v1/channels/${cid}/messages`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ content: `message **${n}** of the long history, with some words to wrap` }),
          });
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
    }, /** @type {[string, number]} */ ([cid, MESSAGES]));

    const started = Date.now();
    await page.goto(`${base}/w/${wid}/c/${cid}`);
    await page.locator('[data-seq]').last().waitFor({ timeout: WAIT * 3 });
    const firstRenderMs = Date.now() - started;

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const scrolled = await page.evaluate(async ([limit]) => {
      const first = /** @type {HTMLElement} */ (document.querySelector('[data-seq]'));
      /** @param {HTMLElement | null} el @returns {HTMLElement | null} */
      const scroller = (el) => {
        while (el && !(el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY !== 'visible')) el = el.parentElement;
        return el;
      };
      const list = scroller(first);
      if (!list) throw new Error('no scrolling message list');
      const frames = [];
      let last = performance.now();
      let running = true;
      const tick = (/** @type {number} */ now) => { frames.push(now - last); last = now; if (running) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      let maxNodes = 0;
      let lowest = Infinity;
      let stalled = 0;
      while (stalled < 60) {
        list.scrollTop = Math.max(0, list.scrollTop - 1500);
        await new Promise((r) => setTimeout(r, 50));
        const nodes = document.querySelectorAll('[data-seq]');
        maxNodes = Math.max(maxNodes, nodes.length);
        const low = Math.min(...[...nodes].map((n) => Number(/** @type {HTMLElement} */ (n).dataset.seq)));
        if (low < lowest) { lowest = low; stalled = 0; } else stalled += 1;
        if (lowest <= 2) break;
      }
      running = false;
      return { maxNodes, lowest, frames: frames.length, slowFrames: frames.filter((d) => d > 50).length, limit };
    }, [MAX_MESSAGE_NODES]);
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? 0;
    const figures = {
      messages: MESSAGES,
      newest_page_render_ms: firstRenderMs,
      scroll_frames: scrolled.frames,
      scroll_frames_over_50ms: scrolled.slowFrames,
      max_message_nodes_while_scrolling: scrolled.maxNodes,
      reached_seq: scrolled.lowest,
      js_heap_mb_all_loaded: Math.round(heap / 1e5) / 10,
      dom_nodes: nodes,
    };
    console.log(`figures-long: ${JSON.stringify(figures)}`);
    assert.ok(scrolled.lowest <= 2, `scrolling back reached seq ${scrolled.lowest}, not the beginning`);
    assert.ok(scrolled.maxNodes <= MAX_MESSAGE_NODES, `${scrolled.maxNodes} message nodes in the DOM: the list is not windowed`);
    await context.close();
  });
}
