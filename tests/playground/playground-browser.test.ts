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
    accounts: [
      { token: 'playground-basic-1', tier: 'basic' },
      { token: 'playground-basic-2', tier: 'basic' },
    ],
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
  await page.waitForFunction(
    () => document.querySelector('.message.assistant .content')?.textContent === 'There are three apples.',
  );
  const details = page.locator('.message.assistant details');
  expect(await details.getAttribute('open')).toBeNull();
  await details.locator('summary').click();
  expect(await page.textContent('.message.assistant .reasoning')).toBe('Counting the apples first.');
  const turn = sentTurns(harness.simulator).at(-1)!;
  expect(turn.message).toContain('How many apples?');
  expect(turn.message).toContain('Be brief.');
  await page.screenshot({ path: screenshotPath('20-playground-chat') });
  await page.reload();
  await page.waitForFunction(
    () => document.querySelector('.message.assistant .content')?.textContent === 'There are three apples.',
  );
  // Phone width: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('23-playground-chat-phone') });
  await page.close();
}, 60_000);

test('chat: markdown with highlighted code; hostile model output never executes', async () => {
  const page = await open('#chat');
  const executed: string[] = [];
  page.on('dialog', (dialog) => {
    executed.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') executed.push(`console: ${message.text()}`);
  });
  await page.exposeFunction('reportPwned', (how: string) => executed.push(how));
  await page.waitForSelector('#chat-model option[value="grok-4"]', { state: 'attached' });
  harness.simulator.script({
    thinking: 'Plan: <img src=x onerror="reportPwned(\'reasoning\')">',
    answer: [
      '## Result',
      '',
      "Here is **bold** and a [safe link](https://example.com/docs) and a [bad link](javascript:reportPwned('link')).",
      '',
      '<script>reportPwned("script")</script>',
      '<img src="/nothing.png" onerror="reportPwned(\'img\')">',
      '<a href="javascript:reportPwned(\'raw-link\')" id="raw">raw</a>',
      '<iframe src="javascript:reportPwned(\'iframe\')"></iframe>',
      '',
      '```js',
      'const answer = 42; // the answer',
      '```',
    ].join('\n'),
  });
  await page.fill('#chat-input', 'Show me');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.message.assistant[data-state=success]');
  const content = page.locator('.message.assistant .content');
  expect(await content.locator('h2').textContent()).toBe('Result');
  expect(await content.locator('strong').textContent()).toBe('bold');
  expect(await content.locator('pre[data-language=js] code .hljs-keyword').first().textContent()).toBe('const');
  expect(await content.locator('pre code .hljs-comment').textContent()).toBe('// the answer');
  const safe = content.locator('a', { hasText: 'safe link' });
  expect(await safe.getAttribute('href')).toBe('https://example.com/docs');
  expect(await safe.getAttribute('rel')).toContain('noopener');
  // Every way in: nothing that can run is left in the page, and clicking the links runs nothing.
  const dangerous = await page.evaluate(() => {
    const root = document.querySelector('.message.assistant')!;
    const found: string[] = [];
    for (const element of root.querySelectorAll('*')) {
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(element.tagName)) found.push(element.tagName);
      for (const attribute of element.attributes) {
        if (attribute.name.startsWith('on')) found.push(`${element.tagName}[${attribute.name}]`);
        if (/^\s*javascript:/i.test(attribute.value))
          found.push(`${element.tagName}[${attribute.name}=${attribute.value}]`);
      }
    }
    return found;
  });
  expect(dangerous).toEqual([]);
  // Raw HTML is shown as text; a javascript: link keeps its words and loses its target.
  expect(await content.textContent()).toContain('<script>reportPwned("script")</script>');
  expect(await content.locator('a', { hasText: 'bad link' }).getAttribute('href')).toBeNull();
  await content.locator('a', { hasText: 'bad link' }).click();
  await page.locator('.message.assistant details summary').click();
  expect(await page.textContent('.message.assistant .reasoning')).toContain('<img src=x');
  await page.screenshot({ path: screenshotPath('25-playground-markdown') });
  // A round trip to the page proves any queued handler had its chance to run.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  expect(executed).toEqual([]);
  await page.close();
}, 60_000);

test('imagine: "Images per batch 4" makes exactly 4 images, with download links', async () => {
  const page = await open('#imagine');
  await page.fill('#imagine-prompt', 'a red kite over the sea');
  expect(await page.textContent('label:has(#imagine-count) span')).toBe('Images per batch');
  await page.selectOption('#imagine-count', '4');
  await page.selectOption('#imagine-ratio', '1280x720');
  await page.click('#imagine-start');
  await page.waitForSelector('#imagine-status:is([data-state=done], [data-state=failed])', { timeout: 30_000 });
  expect(await page.getAttribute('#imagine-status', 'data-state')).toBe('done');
  expect(await page.locator('#imagine-grid img').count()).toBe(4);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#imagine-grid img')].every((image) => (image as HTMLImageElement).naturalWidth > 0),
  );
  expect(await page.getAttribute('#imagine-grid a', 'download')).toMatch(/^imagine-\d+\.png$/);
  expect(await page.isDisabled('#imagine-stop')).toBe(true);
  await page.screenshot({ path: screenshotPath('21-playground-imagine') });
  await page.close();
}, 60_000);

test('imagine: continuous generation runs one batch at a time and stops by itself at the cap', async () => {
  const page = await open('#imagine');
  await page.evaluate(() => localStorage.setItem('grok2api.playground.imagine', JSON.stringify({ pauseMs: 0 })));
  await page.fill('#imagine-prompt', 'a lighthouse');
  await page.selectOption('#imagine-count', '1');
  await page.check('#imagine-continuous');
  const before = harness.simulator.requests.length;
  await page.click('#imagine-start');
  expect(await page.isEnabled('#imagine-stop')).toBe(true);
  await page.waitForSelector('#imagine-status[data-state=done]', { timeout: 60_000 });
  expect(await page.textContent('#imagine-status')).toBe('Stopped after 10 batches: 10 images');
  expect(await page.locator('#imagine-grid img').count()).toBe(10);
  // Ten batches of one: ten upstream image requests, none past the cap.
  const media = harness.simulator.requests
    .slice(before)
    .filter((request) => JSON.stringify(request.body ?? '').includes('lighthouse'));
  expect(media).toHaveLength(10);
  await page.close();
}, 90_000);

test('imagine: Stop ends a continuous run at once, and a run stops by itself when no account can serve', async () => {
  const page = await open('#imagine');
  await page.fill('#imagine-prompt', 'a paper boat');
  await page.selectOption('#imagine-count', '1');
  await page.check('#imagine-continuous');
  await page.click('#imagine-start');
  await page.waitForFunction(() => document.querySelectorAll('#imagine-grid img').length > 0, undefined, {
    timeout: 30_000,
  });
  await page.click('#imagine-stop');
  await page.waitForSelector('#imagine-status[data-state=stopped]');
  expect(await page.textContent('#imagine-status')).toMatch(/^Stopped: \d+ images$/);
  expect(await page.isEnabled('#imagine-start')).toBe(true);
  await page.close();

  // Every account refused: the run ends by itself and says why.
  const drained = await startHarness({
    accounts: [{ token: 'imagine-drained-1', tier: 'basic' }],
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: FUNCTION_KEY },
  });
  const second = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  try {
    drained.simulator.enqueueFault({ kind: 'rate_limited', times: Infinity });
    await second.goto(`${drained.server.url}/playground#imagine`);
    await second.fill('#function-key', FUNCTION_KEY);
    await second.keyboard.press('Enter');
    await second.waitForSelector('#play-view:not([hidden])');
    await second.fill('#imagine-prompt', 'a paper boat');
    await second.check('#imagine-continuous');
    await second.click('#imagine-start');
    await second.waitForSelector('#imagine-status[data-state=failed]', { timeout: 30_000 });
    expect(await second.textContent('#imagine-status')).toStartWith('Failed');
    expect(await second.isDisabled('#imagine-stop')).toBe(true);
    await second.screenshot({ path: screenshotPath('26-playground-imagine-refused') });
  } finally {
    await second.close();
    await drained.stop();
  }
}, 90_000);

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
  await page.waitForFunction(
    () =>
      (document.querySelector('#video-player') as HTMLVideoElement).readyState >= 1 ||
      (document.querySelector('#video-player') as HTMLVideoElement).error !== null,
  );
  // What went upstream: one current-form text-to-video turn with the page's settings.
  const videoCall = chatCalls(harness.simulator).at(-1)!.body as {
    mediaGenInput: { textToVideo: Record<string, unknown> };
  };
  expect(videoCall.mediaGenInput.textToVideo).toMatchObject({
    aspectRatio: '16:9',
    duration: 6,
    resolutionName: '480p',
  });
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
  expect(
    await page.evaluate(() => typeof (window as unknown as { LivekitClient?: { Room?: unknown } }).LivekitClient?.Room),
  ).toBe('function');
  await page.selectOption('#voice-voice', 'eve');
  await page.selectOption('#voice-personality', 'storyteller');
  await page.click('#voice-start');
  await page.waitForFunction(
    () => ['failed', 'connected'].includes(document.querySelector('#voice-status')?.getAttribute('data-state') ?? ''),
    undefined,
    { timeout: 30_000 },
  );
  const brokered = harness.simulator.requests.filter((request) => request.path === '/rest/livekit/tokens').at(-1)!;
  expect(JSON.parse((brokered.body as { sessionPayload: string }).sessionPayload)).toMatchObject({
    voice: 'eve',
    personality: 'storyteller',
    playback_speed: 1,
  });
  expect(dialled.length).toBeGreaterThan(0);
  const url = new URL(dialled[0]!);
  expect(url.pathname).toMatch(/^\/rtc(\/v1)?$/); // newer clients try /rtc/v1 before /rtc
  expect(url.searchParams.get('access_token')?.split('.')).toHaveLength(3);
  expect(await page.textContent('#voice-status')).toContain('Failed');
  await page.screenshot({ path: screenshotPath('24-playground-voice') });
  expect(await page.content()).not.toContain('playground-basic-');
  await page.close();
}, 60_000);
