import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';

/**
 * The newcomer's path, end to end: a fresh data folder, the demo started the way `npm run demo`
 * starts it, `/` in a browser, sign in, change the default password, import accounts, a Markdown
 * answer with a code block in the playground, an image — with every request to another origin
 * refused and recorded, and every console error collected. Then screenshots of each page at
 * 1280 and 390 px, English and Chinese, light and dark (test-artifacts/screenshots/newcomer-*).
 */

const REPOSITORY = join(import.meta.dir, '..', '..');
const NEW_PASSWORD = 'newcomer-password-2';
let dataDir: string;
let demo: Subprocess<'ignore', 'pipe', 'inherit'>;
let banner = '';
let gateway: string;
let simulator: string;
let browser: Browser;
let context: BrowserContext;
const foreignRequests: string[] = [];
const consoleErrors: string[] = [];

/** Reads the demo's output until its banner is complete. */
async function readBanner(process: Subprocess<'ignore', 'pipe', 'inherit'>): Promise<string> {
  const reader = process.stdout.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('Try:')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the demo ended before its banner:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  // Keep draining so the demo never blocks on a full pipe.
  void process.stdout.pipeTo(new WritableStream()).catch(() => {});
  return text;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'grok2api-newcomer-'));
  demo = Bun.spawn([process.execPath, 'src/demo.ts'], {
    cwd: REPOSITORY,
    env: { ...process.env, DATA_DIR: dataDir, SERVER_PORT: '0', SIMULATOR_PORT: '0', LOG_LEVEL: 'warn' },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
  });
  banner = await readBanner(demo);
  gateway = /the gateway at (http:\/\/\S+) talks/.exec(banner)![1]!;
  simulator = /a Grok simulator at (http:\/\/\S+?)\.?\n/.exec(banner)![1]!;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  const origin = new URL(gateway).origin;
  // The network beyond the page's own origin is blocked; anything that tries is recorded.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  context.on('page', watch);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  demo?.kill();
  await demo?.exited;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function watch(page: Page) {
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
}

test('the demo banner names the console, the playground and the docs, and says what voice needs', () => {
  expect(banner).toContain(`Console     ${gateway}/admin`);
  expect(banner).toContain(`Playground  ${gateway}/playground`);
  expect(banner).toContain(`API docs    ${gateway}/docs`);
  expect(banner).toContain('Voice needs the real Grok service');
});

test('newcomer path: / → sign in → new password → import → Markdown chat → image; nothing foreign, no errors', async () => {
  const page = await context.newPage();
  await page.goto(`${gateway}/`);
  expect(new URL(page.url()).pathname).toBe('/admin');
  await page.fill('#login-password', 'grok2api');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#app-view:not([hidden])');
  expect(await page.isVisible('#default-password-banner')).toBe(true);
  expect(await page.getAttribute('nav a[href="/playground"]', 'href')).toBe('/playground');
  expect(await page.getAttribute('nav a[href="/docs"]', 'href')).toBe('/docs');

  // The banner leads to the field; saving a new password keeps the admin signed in.
  await page.click('#change-password-link');
  await page.waitForSelector('details[data-section=app][open] #config-app-app_key');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('config-app-app_key');
  await page.fill('#config-app-app_key', NEW_PASSWORD);
  await page.click('details[data-section=app] form > button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#toast')?.textContent?.startsWith('Password changed'));
  expect(await page.isVisible('#default-password-banner')).toBe(false);
  expect(await page.isVisible('#app-view')).toBe(true);
  const session = await page.evaluate(() => fetch('/v1/admin/session').then((response) => response.status));
  expect(session).toBe(200);

  // Import: two tokens added.
  await page.click('nav a[href="#accounts"]');
  await page.click('#open-import');
  await page.fill('#import-text', 'newcomer-token-one\nnewcomer-token-two');
  await page.click('#import-submit');
  await page.waitForFunction(() => /2/.test(document.querySelector('#import-result')?.textContent ?? ''));
  await page.click('#import-close');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length >= 4);

  // The playground, from the console's navigation; the demo opens it on loopback without a key.
  await page.click('nav a[href="/playground"]');
  await page.waitForSelector('#play-view:not([hidden])');
  await page.waitForSelector('#chat-model optgroup', { state: 'attached' });
  expect(await page.inputValue('#chat-model')).toBe('grok-4.1-fast');
  const scripted = await fetch(`${simulator}/__simulator/scripts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      answer:
        'Here is a **greeting** in Python:\n\n```python\ndef greet(name):\n    return f"Hello, {name}!"\n```\n\nCall `greet("you")`.',
    }),
  });
  expect(scripted.status).toBeLessThan(300);
  await page.fill('#chat-input', 'Show me a greeting function');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.message.assistant[data-state=success]', { timeout: 30_000 });
  expect(await page.textContent('.message.assistant pre code .hljs-keyword')).toBe('def');
  expect(await page.textContent('.message.assistant strong')).toBe('greeting');

  await page.click('nav a[href="#imagine"]');
  await page.fill('#imagine-prompt', 'a lighthouse at dusk');
  await page.selectOption('#imagine-count', '1');
  await page.click('#imagine-start');
  await page.waitForSelector('#imagine-status:is([data-state=done], [data-state=failed])', { timeout: 30_000 });
  expect(await page.getAttribute('#imagine-status', 'data-state')).toBe('done');
  expect(await page.locator('#imagine-grid img').count()).toBe(1);

  // Voice needs the real service: the demo's voice page says so instead of offering a button that fails.
  await page.click('nav a[href="#voice"]');
  await page.waitForSelector('#voice-status[data-state=unavailable]');
  expect(await page.textContent('#voice-status')).toContain('needs the real Grok service');
  expect(await page.isDisabled('#voice-start')).toBe(true);
  await page.close();

  expect(foreignRequests).toEqual([]);
  expect(consoleErrors).toEqual([]);
}, 120_000);

/**
 * What looks broken on a page: a navigation link cut off by the screen's edge or without its icon,
 * and a background (page, top bar, banners, cards) that does not follow the colour scheme (a light
 * one in dark mode, or the reverse).
 */
function layoutProblems(page: Page, scheme: 'light' | 'dark'): Promise<string[]> {
  return page.evaluate((scheme) => {
    const problems: string[] = [];
    for (const link of document.querySelectorAll<HTMLElement>('.topbar nav a')) {
      const box = link.getBoundingClientRect();
      if (box.left < 0 || box.right > window.innerWidth) problems.push(`nav link cut off: ${link.textContent}`);
      if (!link.querySelector('svg.icon')) problems.push(`nav link without icon: ${link.textContent}`);
    }
    const luminance = (element: Element) => {
      const [r, g, b] = (getComputedStyle(element).backgroundColor.match(/[\d.]+/g) ?? []).map(Number);
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    };
    const painted = [document.body, ...document.querySelectorAll('.topbar, .banner, .card')].filter(
      (element) =>
        (element === document.body || (element as HTMLElement).offsetParent !== null) &&
        !/rgba\(0, 0, 0, 0\)|transparent/.test(getComputedStyle(element).backgroundColor),
    );
    for (const element of painted) {
      const value = luminance(element);
      if (scheme === 'dark' ? value > 0.35 : value < 0.65)
        problems.push(`${element.tagName.toLowerCase()}.${element.className} background ${value.toFixed(2)}`);
    }
    return problems;
  }, scheme);
}

test('screenshots at 1280 and 390 px, English and Chinese, light and dark; still nothing foreign', async () => {
  const consolePage = await context.newPage();
  const playground = await context.newPage();
  const docs = await context.newPage();
  const shots: Array<[Page, string, string]> = [
    [consolePage, 'console-accounts', `${gateway}/admin#accounts`],
    [consolePage, 'console-dashboard', `${gateway}/admin#dashboard`],
    [consolePage, 'console-config', `${gateway}/admin#config`],
    [consolePage, 'console-keys', `${gateway}/admin#keys`],
    [consolePage, 'console-media', `${gateway}/admin#media`],
    [docs, 'docs', `${gateway}/docs`],
    [playground, 'playground-chat', `${gateway}/playground#chat`],
    [playground, 'playground-imagine', `${gateway}/playground#imagine`],
    [playground, 'playground-voice', `${gateway}/playground#voice`],
  ];
  for (const width of [1280, 390]) {
    for (const language of ['en', 'zh']) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const [page, name, url] of shots) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(url);
          await page.evaluate((value) => localStorage.setItem('grok2api.language', value), language);
          await page.reload();
          await page.waitForSelector(
            name === 'docs'
              ? '#swagger-ui .opblock'
              : name.startsWith('console')
                ? '#app-view:not([hidden])'
                : '#play-view:not([hidden])',
          );
          if (name === 'console-config') await page.click('details[data-section=app] summary');
          if (name === 'playground-chat') await page.waitForSelector('.message.assistant .content');
          await page.evaluate(() => document.fonts.ready);
          // Nothing is wider than the screen.
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
          ).toBeLessThanOrEqual(0);
          expect([name, width, scheme, await layoutProblems(page, scheme)]).toEqual([name, width, scheme, []]);
          await page.screenshot({
            path: screenshotPath(`newcomer-${name}-${width}-${language}-${scheme}`),
            fullPage: width === 390,
          });
        }
      }
    }
  }
  await consolePage.close();
  await playground.close();
  await docs.close();
  expect(foreignRequests).toEqual([]);
  expect(consoleErrors).toEqual([]);
}, 480_000);
