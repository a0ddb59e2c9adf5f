import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { chatCalls, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';

/** The playground pages in headless Chromium against the simulator: chat (streaming, reasoning), imagine, video. */

const FUNCTION_KEY = 'fn-browser-key';
let harness: Harness;
let browser: Browser;

beforeAll(async () => {
  harness = await startHarness({
    accounts: [{ token: 'playground-basic-1', tier: 'basic' }, { token: 'playground-basic-2', tier: 'basic' }],
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: FUNCTION_KEY },
  });
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function open(hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${harness.server.url}/playground${hash}`);
  await page.fill('#function-key', FUNCTION_KEY);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#play-view:not([hidden])');
  return page;
}

test('chat: streams the answer, shows reasoning collapsed, keeps the conversation in local history', async () => {
  const page = await open('#chat');
  await page.waitForSelector('#chat-model option[value="grok-4.1-thinking"]', { state: 'attached' });
  await page.selectOption('#chat-model', 'grok-4.1-thinking');
  await page.click('.chat-settings details summary');
  await page.fill('#chat-system', 'Be brief.');
  harness.simulator.script({ thinking: 'Counting the apples first.', answer: 'There are three apples.' });
  await page.fill('#chat-input', 'How many apples?');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.message.assistant .content')?.textContent === 'There are three apples.');
  const details = page.locator('.message.assistant details');
  expect(await details.getAttribute('open')).toBeNull();
  await details.locator('summary').click();
  expect(await page.textContent('.message.assistant .reasoning')).toBe('Counting the apples first.');
  const turn = sentTurns(harness.simulator).at(-1)!;
  expect(turn.message).toContain('How many apples?');
  expect(turn.message).toContain('Be brief.');
  await page.screenshot({ path: screenshotPath('20-playground-chat') });
  await page.reload();
  await page.waitForFunction(() => document.querySelector('.message.assistant .content')?.textContent === 'There are three apples.');
  // Phone width: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('23-playground-chat-phone') });
  await page.close();
}, 60_000);

test('imagine: parallel tasks put images on the page with download links', async () => {
  const page = await open('#imagine');
  await page.fill('#imagine-prompt', 'a red kite over the sea');
  await page.selectOption('#imagine-parallel', '2');
  await page.selectOption('#imagine-ratio', '1280x720');
  await page.click('#imagine-start');
  await page.waitForSelector('#imagine-status[data-state]', { timeout: 30_000 });
  expect(await page.getAttribute('#imagine-status', 'data-state')).toBe('done');
  const count = await page.locator('#imagine-grid img').count();
  expect(count).toBe(4); // 2 tasks × n=2
  await page.waitForFunction(() => [...document.querySelectorAll('#imagine-grid img')].every((image) => (image as HTMLImageElement).naturalWidth > 0));
  expect(await page.getAttribute('#imagine-grid a', 'download')).toMatch(/^imagine-\d+\.png$/);
  await page.screenshot({ path: screenshotPath('21-playground-imagine') });
  await page.close();
}, 60_000);

test('video: progress to the end, then the player and a download link', async () => {
  const page = await open('#video');
  await page.fill('#video-prompt', 'waves rolling in');
  await page.selectOption('#video-ratio', '16:9');
  await page.click('#video-start');
  await page.waitForSelector('#video-status[data-state=done], #video-status[data-state=failed]', { timeout: 30_000 });
  expect(await page.textContent('#video-status')).toBe('Video ready');
  expect(await page.getAttribute('#video-progress', 'value')).toBe('100');
  const source = await page.getAttribute('#video-player', 'src');
  expect(source).toContain('/v1/files/video/');
  await page.waitForFunction(() => (document.querySelector('#video-player') as HTMLVideoElement).readyState >= 1 || (document.querySelector('#video-player') as HTMLVideoElement).error !== null);
  // What went upstream: one current-form text-to-video turn with the page's settings.
  const videoCall = chatCalls(harness.simulator).at(-1)!.body as { mediaGenInput: { textToVideo: Record<string, unknown> } };
  expect(videoCall.mediaGenInput.textToVideo).toMatchObject({ aspectRatio: '16:9', duration: 6, resolutionName: '480p' });
  await page.screenshot({ path: screenshotPath('22-playground-video') });
  await page.close();
}, 60_000);

test('voice: the page gets a brokered token and LiveKit’s client dials wss://livekit.grok.com with it', async () => {
  const page = await open('#voice');
  // No LiveKit server here: the socket is intercepted, its URL recorded, then closed.
  const dialled: string[] = [];
  await page.routeWebSocket(/^wss:\/\/livekit\.grok\.com\//, (socket) => {
    dialled.push(socket.url());
    socket.close({ code: 1011, reason: 'no LiveKit server in tests' });
  });
  expect(await page.evaluate(() => typeof (window as unknown as { LivekitClient?: { Room?: unknown } }).LivekitClient?.Room)).toBe('function');
  await page.selectOption('#voice-voice', 'eve');
  await page.selectOption('#voice-personality', 'storyteller');
  await page.click('#voice-start');
  await page.waitForFunction(() => ['failed', 'connected'].includes(document.querySelector('#voice-status')?.getAttribute('data-state') ?? ''), undefined, { timeout: 30_000 });
  const brokered = harness.simulator.requests.filter((request) => request.path === '/rest/livekit/tokens').at(-1)!;
  expect(JSON.parse((brokered.body as { sessionPayload: string }).sessionPayload)).toMatchObject({ voice: 'eve', personality: 'storyteller', playback_speed: 1 });
  expect(dialled.length).toBeGreaterThan(0);
  const url = new URL(dialled[0]!);
  expect(url.pathname).toMatch(/^\/rtc(\/v1)?$/); // newer clients try /rtc/v1 before /rtc
  expect(url.searchParams.get('access_token')?.split('.')).toHaveLength(3);
  expect(await page.textContent('#voice-status')).toContain('Failed');
  await page.screenshot({ path: screenshotPath('24-playground-voice') });
  expect(await page.content()).not.toContain('playground-basic-');
  await page.close();
}, 60_000);
