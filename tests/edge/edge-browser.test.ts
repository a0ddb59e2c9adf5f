import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { API_KEY, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';
import { startEdgeWorker, type EdgeWorker } from '../helpers/edge-harness';

/** The same playground pages served by the edge Worker (workerd), in probe / init-only mode and forwarding to grok2api. */

const FUNCTION_KEY = 'edge-browser-key';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 30_000);
afterAll(() => browser?.close());

async function open(worker: EdgeWorker, hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  await page.goto(`${worker.url}/playground${hash}`);
  await page.fill('#function-key', FUNCTION_KEY);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#play-view:not([hidden])');
  return page;
}

describe('Worker without backends', () => {
  let worker: EdgeWorker;
  beforeAll(async () => {
    worker = await startEdgeWorker({ FUNCTION_KEY });
  }, 60_000);
  afterAll(() => worker?.stop());

  test('chat starts "probe only" and a turn ends as accepted (probe), generating nothing', async () => {
    const page = await open(worker, '#chat');
    expect(await page.getAttribute('#chat-status', 'data-mode')).toBe('probe-only');
    expect(await page.textContent('#chat-status')).toContain('Probe only: no backend is configured');
    await page.waitForSelector('#chat-model option[value="grok-4"]', { state: 'attached' });
    await page.fill('#chat-input', 'hello edge');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.message.assistant[data-state=probe]');
    expect(await page.textContent('.message.assistant .turn-badge')).toBe('Accepted (probe)');
    expect(await page.textContent('.message.assistant .content')).toContain(
      'No backend is configured for the chat bridge',
    );
    // The turn's state shows once, on the message; which bridge answered is in its details.
    expect(await page.textContent('.message.assistant .turn-details')).toContain('"bridge": "probe"');
    expect(await page.getAttribute('#toast', 'data-state')).not.toBe('probe');
    await page.screenshot({ path: screenshotPath('40-edge-chat-probe') });
    await page.close();
  }, 60_000);

  test('imagine is "probe only" and video "init only"; both show the accepted (probe) hint and no media', async () => {
    const page = await open(worker, '#imagine');
    expect(await page.getAttribute('#imagine-status', 'data-mode')).toBe('probe-only');
    await page.fill('#imagine-prompt', 'a kite');
    await page.click('#imagine-start');
    // The status reads `running` while the request is out; wait for the answer's state itself.
    await page.waitForSelector('#imagine-status[data-state=probe]');
    expect(await page.textContent('#imagine-status')).toStartWith(
      'Accepted (probe): No backend is configured for the imagine bridge',
    );
    expect(await page.locator('#imagine-grid img').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('41-edge-imagine-probe') });

    await page.click('a[href="#video"]');
    expect(await page.getAttribute('#video-status', 'data-mode')).toBe('init-only');
    expect(await page.textContent('#video-status')).toContain('Init only');
    await page.fill('#video-prompt', 'waves');
    await page.click('#video-start');
    await page.waitForSelector('#video-status[data-state=probe]');
    expect(await page.textContent('#video-status')).toStartWith(
      'Accepted (init only): No backend is configured for the video bridge (VIDEO_BRIDGE_BACKEND_URL',
    );
    expect(await page.isHidden('#video-result')).toBe(true);
    await page.screenshot({ path: screenshotPath('42-edge-video-init-only') });
    await page.close();
  }, 60_000);
});

describe('Worker forwarding to grok2api', () => {
  let harness: Harness;
  let worker: EdgeWorker;
  beforeAll(async () => {
    harness = await startHarness({ accounts: [{ token: 'edge-browser-1', tier: 'basic' }] });
    const backend = harness.server.url;
    worker = await startEdgeWorker({
      FUNCTION_KEY,
      CHAT_BRIDGE_BACKEND_URL: backend,
      IMAGINE_BRIDGE_BACKEND_URL: backend,
      VIDEO_BRIDGE_BACKEND_URL: backend,
      BACKEND_API_KEY: API_KEY,
    });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await harness?.stop();
  });

  test('chat: ready, non-streaming answer through the bridge; failure and retry carry the same bridge feedback', async () => {
    const page = await open(worker, '#chat');
    expect(await page.getAttribute('#chat-status', 'data-mode')).toBe('backend-forward-ready');
    await page.waitForSelector('#chat-model option[value="grok-4"]', { state: 'attached' });
    harness.simulator.script({ answer: 'Hello from behind the edge.' });
    await page.fill('#chat-input', 'via the worker');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.message.assistant:last-child[data-state=success]');
    expect(await page.textContent('.message.assistant:last-child .content')).toBe('Hello from behind the edge.');
    expect(await page.textContent('.message.assistant:last-child .turn-badge')).toBe(
      'Answered · bridge: backend-forward',
    );
    expect(sentTurns(harness.simulator).at(-1)!.message).toContain('via the worker');

    harness.simulator.enqueueFault({ kind: 'server_error' });
    await page.click('.message.assistant:last-child button[data-action=regenerate]');
    await page.waitForSelector('.message.assistant:last-child[data-state=failed]');
    expect(await page.textContent('.message.assistant:last-child .turn-badge')).toContain('bridge: backend-forward');
    await page.click('.message.assistant:last-child button[data-action=details]');
    expect(await page.textContent('.message.assistant:last-child .turn-details')).toContain('"trace"');
    await page.screenshot({ path: screenshotPath('43-edge-chat-forward-failed') });
    harness.simulator.script({ answer: 'Second time lucky.' });
    await page.click('.message.assistant:last-child button[data-action=retry]');
    await page.waitForSelector('.message.assistant:last-child[data-state=success]');
    expect(await page.textContent('.message.assistant:last-child .turn-badge')).toBe(
      'Answered · bridge: backend-forward',
    );
    await page.screenshot({ path: screenshotPath('44-edge-chat-forward') });
    await page.close();
  }, 60_000);

  test('imagine and video render what the backend made', async () => {
    const page = await open(worker, '#imagine');
    expect(await page.getAttribute('#imagine-status', 'data-mode')).toBe('backend-forward-ready');
    await page.fill('#imagine-prompt', 'a red kite');
    await page.click('#imagine-start');
    // The status reads `running` while the batch is made; wait for where it ends.
    await page.waitForSelector('#imagine-status[data-state]:not([data-state=running])');
    expect(await page.getAttribute('#imagine-status', 'data-state')).toBe('done');
    expect(await page.locator('#imagine-grid img').count()).toBe(2);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#imagine-grid img')].every(
        (image) => (image as HTMLImageElement).naturalWidth > 0,
      ),
    );

    await page.click('a[href="#video"]');
    await page.fill('#video-prompt', 'waves rolling in');
    await page.click('#video-start');
    await page.waitForSelector('#video-status[data-state=done], #video-status[data-state=failed]', { timeout: 30_000 });
    expect(await page.textContent('#video-status')).toBe('Video ready');
    const source = await page.getAttribute('#video-player', 'src');
    expect(source).toContain('/v1/files/video/');
    // The link is relative to the page: the Worker fetches it from the backend.
    const file = await fetch(new URL(source!, worker.url));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('video');
    await page.screenshot({ path: screenshotPath('45-edge-video-forward') });
    await page.close();
  }, 60_000);
});
