import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 7: /docs loaded its script from a CDN (`@latest`, no integrity, no CSP) on the console's
 * origin, and was blank offline. Now the UI is embedded: the page renders in Chromium with every
 * request to another origin blocked, under a CSP that refuses inline and foreign scripts.
 */

let harness: Harness;
let browser: Browser;
beforeAll(async () => {
  harness = await startHarness();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  await harness.stop();
});

test('the page and its assets carry a strict CSP and come from the gateway', async () => {
  const page = await fetch(`${harness.server.url}/docs`);
  expect(page.status).toBe(200);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  const html = await page.text();
  expect(html).not.toMatch(/https?:\/\//);
  for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs.js']) {
    const response = await fetch(`${harness.server.url}/docs/assets/${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(csp);
  }
  expect((await fetch(`${harness.server.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
});

test('renders every operation offline (requests to other origins blocked), with no CSP violation', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const origin = new URL(harness.server.url).origin;
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Refused to/.test(message.text()))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${harness.server.url}/docs`);
  await page.waitForSelector('.opblock', { timeout: 15_000 });
  const document = await (await fetch(`${harness.server.url}/docs/json`)).json();
  const operations = Object.values(document.paths as Record<string, object>).reduce(
    (sum, item) => sum + Object.keys(item).length,
    0,
  );
  expect(await page.locator('.opblock').count()).toBe(operations);
  expect(await page.locator('.info .title').textContent()).toContain('grok2api');
  // Opening an operation shows its request body and response schemas.
  await page.screenshot({ path: screenshotPath('docs-offline-list') });
  await page.locator('.opblock-summary-path[data-path="/v1/chat/completions"]').click();
  const opened = page.locator('.opblock-post .opblock-body');
  await opened.locator('.responses-wrapper').waitFor({ timeout: 10_000 });
  expect(await opened.locator('.opblock-section-request-body').count()).toBe(1);
  await page.screenshot({ path: screenshotPath('docs-offline') });
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
}, 60_000);
