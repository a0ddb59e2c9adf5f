import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import OpenAI from 'openai';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * The console in headless Chromium: sign in, import, filter, a batch refresh watched to the end,
 * Chinese, phone width. Screenshots land in test-artifacts/screenshots.
 */

let harness: Harness;
let browser: Browser;
const secretPart = 'S3CRET'.repeat(5);
const simulatorAccounts = [
  ...Array.from({ length: 4 }, (_, index) => ({ token: `browser-${index}-${secretPart}`, tier: 'basic' as const })),
  { token: `browser-imported-ok-${secretPart}`, tier: 'basic' as const },
  { token: `browser-imported-expired-${secretPart}`, tier: 'basic' as const, expired: true },
];

beforeAll(async () => {
  // A variable that names no config key: a start-up warning the console shows too.
  harness = await startHarness({ accounts: simulatorAccounts.slice(0, 4), env: { GROK2API_CHAT_TIMEOUTS: '5' } });
  // The two imported accounts are known upstream but not yet to the gateway.
  for (const account of simulatorAccounts.slice(4)) harness.simulator.addAccount(account);
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function noFullTokenInDom(page: Page) {
  const html = await page.content();
  expect(html).not.toContain(secretPart);
}

test('sign in, import, filter, batch refresh to the end, Chinese and phone width', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${harness.server.url}/admin`);
  await page.waitForSelector('#login-form');
  await page.fill('#login-password', 'wrong');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#login-error')?.textContent !== '');
  await page.screenshot({ path: screenshotPath('01-login') });
  await page.fill('#login-password', APP_KEY);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#accounts-body tr[data-id]');
  expect(await page.isHidden('#default-password-banner')).toBe(true);
  // The default statsig mode is legacy: the status banner says REST calls run on legacy values.
  await page.waitForSelector('#upstream-warnings-banner li[data-code="statsig_legacy"]');
  expect(await page.textContent('#upstream-warnings-banner')).toContain('legacy x-statsig-id');
  expect(await page.textContent('#upstream-warnings-banner li[data-code="env_unknown"]')).toBe(
    'Environment variable GROK2API_CHAT_TIMEOUTS matches no config key; ignored',
  );
  expect(await page.locator('#accounts-body tr[data-id]').count()).toBe(4);

  // Import: two new tokens, one already present, one invalid line.
  await page.click('#open-import');
  await page.fill(
    '#import-text',
    [simulatorAccounts[4]!.token, simulatorAccounts[5]!.token, simulatorAccounts[0]!.token, 'sso=;'].join('\n'),
  );
  await page.click('#import-submit');
  await page.waitForFunction(() => /\d/.test(document.querySelector('#import-result')?.textContent ?? ''));
  const summary = await page.textContent('#import-result');
  expect(summary).toContain('Added 2');
  expect(summary).toContain('already present 1');
  expect(summary).toContain('invalid 1');
  await page.screenshot({ path: screenshotPath('02-import') });
  await page.click('#import-close');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length === 6);

  // Select all matching and run a refresh; the progress bar follows the job to the end.
  await page.click('#select-matching');
  expect(await page.textContent('#selection-summary')).toContain('6');
  await page.selectOption('#batch-action', 'refresh');
  await page.click('#run-batch');
  await page.waitForSelector('#job-panel[data-status=succeeded]', { timeout: 15_000 });
  expect(await page.getAttribute('#job-progress', 'value')).toBe('6');
  expect(await page.textContent('#job-detail')).toContain('6 / 6 done, 1 failed');
  await page.waitForFunction(() => document.querySelector('[data-status=expired]')?.textContent?.includes('(1)'));
  await page.screenshot({ path: screenshotPath('03-batch-refresh-done'), fullPage: true });

  // Enable NSFW on all matching: the expired account fails, the others get the tag.
  await page.click('#select-matching');
  await page.selectOption('#batch-action', 'enable_nsfw');
  await page.click('#run-batch');
  await page.waitForFunction(
    () =>
      document.querySelector('#job-title')?.textContent?.includes('Enable NSFW') &&
      document.querySelector('#job-panel')?.getAttribute('data-status') === 'succeeded',
    undefined,
    { timeout: 15_000 },
  );
  expect(await page.textContent('#job-detail')).toContain('6 / 6 done, 1 failed');
  await page.selectOption('#nsfw-filter', 'true');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length === 5);
  await page.screenshot({ path: screenshotPath('03b-enable-nsfw-done'), fullPage: true });
  await page.selectOption('#nsfw-filter', '');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length === 6);

  // Filter by status, then search.
  await page.click('#status-filters [data-status=expired]');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length === 1);
  expect(await page.textContent('#accounts-body')).toContain('Expired');
  await page.click('#status-filters [data-status=all]');
  await page.fill('#search', 'browser-2');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length === 1);
  await page.screenshot({ path: screenshotPath('04-search') });
  await page.fill('#search', '');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-body tr[data-id]').length === 6);
  await noFullTokenInDom(page);

  // Row action by keyboard: Tab to the first Disable button and press Enter.
  const disable = page.locator('#accounts-body tr[data-id] button', { hasText: 'Disable' }).first();
  await disable.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-status=disabled]')?.textContent?.includes('(1)'));

  // Chinese.
  await page.click('#app-view .lang-toggle');
  expect(await page.textContent('#accounts-title')).toBe('账号');
  // The server's warnings too, from their codes and parameters.
  expect(await page.textContent('#upstream-warnings-banner li[data-code="statsig_legacy"]')).toContain(
    '旧版 x-statsig-id',
  );
  expect(await page.textContent('#upstream-warnings-banner li[data-code="env_unknown"]')).toBe(
    '环境变量 GROK2API_CHAT_TIMEOUTS 不对应任何配置键，已忽略',
  );
  await page.screenshot({ path: screenshotPath('05-chinese') });
  await page.click('#app-view .lang-toggle');

  // Phone width: the table becomes cards, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('06-phone'), fullPage: true });

  // Sign out returns to the sign-in form; the session no longer works.
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  const after = await page.evaluate(async () => (await fetch('/v1/admin/console/accounts')).status);
  expect(after).toBe(401);
  await page.close();
}, 60_000);

async function signIn(page: Page, hash = '') {
  await page.goto(`${harness.server.url}/admin${hash}`);
  await page.fill('#login-password', APP_KEY);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#app-view:not([hidden])');
}

test('accounts: junk lines refused and listed; unchecked until synced; one quota format; job panel closes; Deleted', async () => {
  const fresh = await startHarness({ accounts: [], env: { GROK2API_APP_APP_KEY: APP_KEY } });
  fresh.simulator.addAccount({ token: `fresh-ok-${secretPart}`, tier: 'basic' });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${fresh.server.url}/admin#accounts`);
    await page.fill('#login-password', APP_KEY);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#app-view:not([hidden])');
    // A fresh install: the empty table says the next step, with the button.
    await page.click('.empty-state button');
    await page.fill('#import-text', `fresh-ok-${secretPart}\nbad token with spaces\n`);
    await page.click('#import-submit');
    await page.waitForFunction(() => document.querySelector('#import-result')?.textContent?.includes('line 2'));
    const summary = await page.textContent('#import-result');
    expect(summary).toContain('Added 1');
    expect(summary).toContain('invalid 1');
    expect(summary).toContain('line 2: spaces inside the token');
    await page.click('#import-close');
    await page.waitForSelector('#accounts-body tr[data-id]');
    expect(await page.locator('#accounts-body tr[data-id]').count()).toBe(1);
    expect(await page.textContent('#accounts-body .badge')).toBe('Unchecked');
    expect(await page.textContent('#accounts-body td[data-label=Quota]')).toBe('—');

    await page.check('#select-page');
    await page.selectOption('#batch-action', 'refresh');
    await page.click('#run-batch');
    await page.waitForSelector('#job-panel[data-status=succeeded]');
    await page.waitForFunction(() => document.querySelector('#accounts-body .badge')?.textContent === 'Active');
    expect(await page.textContent('#accounts-body td[data-label=Quota]')).toMatch(/^\d+ \/ \d+$/);
    await page.click('#close-job');
    expect(await page.isHidden('#job-panel')).toBe(true);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#accounts-body button.danger');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Deleted');
    await page.waitForSelector('.empty-state');
  } finally {
    await page.close();
    await fresh.stop();
  }
}, 60_000);

test('API keys page: create a key with an allowlist, use it with the openai SDK, see its usage, revoke it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, '#keys');
  await page.waitForSelector('#key-models input[value="grok-4"]');
  // Before the first key: a warning on the page, and a confirmation that says /v1 closes.
  expect(await page.isVisible('#first-key-warning')).toBe(true);
  // The allowlist is by family; aliases ride with their model instead of being boxes of their own.
  expect(
    await page
      .locator('#key-models input[data-family]')
      .evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).dataset.family)),
  ).toEqual(['chat', 'image', 'video']);
  expect(await page.locator('#key-models input[value="grok-4-fast"]').count()).toBe(0);
  expect(await page.getAttribute('#key-models input[value="grok-4.1-fast"]', 'data-aliases')).toContain('grok-4-fast');
  await page.fill('#key-name', 'browser key');
  await page.check('#key-models input[value="grok-4"]');
  await page.fill('#key-rpm', '30');
  let confirmation = '';
  page.once('dialog', (dialog) => {
    confirmation = dialog.message();
    void dialog.accept();
  });
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#key-created:not([hidden])');
  expect(confirmation).toContain('every /v1 call needs a key');
  await page.waitForSelector('#first-key-warning', { state: 'hidden' });
  const secret = (await page.textContent('#key-secret'))!;
  expect(secret).toMatch(/^sk-g2a-/);
  await page.screenshot({ path: screenshotPath('07-key-created') });

  const client = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: secret, maxRetries: 0 });
  const completion = await client.chat.completions.create({
    model: 'grok-4',
    messages: [{ role: 'user', content: 'made in the console' }],
  });
  expect(completion.choices[0]!.message.content).toBeTruthy();
  const refused = await client.chat.completions
    .create({ model: 'grok-3', messages: [{ role: 'user', content: 'x' }] })
    .catch((error) => error);
  expect(refused.status).toBe(403);

  // After "Done" the key is gone from the page; the table shows it masked, with its usage: the
  // refused request counts too.
  await page.click('#hide-key');
  await page.reload();
  await page.waitForFunction(
    () => document.querySelector('#keys-body')?.textContent?.includes('2 requests, 1 failed'),
    undefined,
    { timeout: 10_000 },
  );
  expect(await page.content()).not.toContain(secret);
  await page.screenshot({ path: screenshotPath('08-keys') });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('08b-keys-phone'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  page.once('dialog', (dialog) => dialog.accept());
  await page.click('#keys-body tr button:has-text("Revoke")');
  await page.waitForFunction(() => document.querySelector('#keys-body')?.textContent?.includes('Revoked'));
  await page.close();
}, 60_000);

test('config page: an invalid value is refused inline and not saved, a valid one is saved; secrets masked; CF switch governs its fields', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, '#config');
  await page.waitForSelector('details[data-section=app]');
  await page.click('details[data-section=app] summary');
  expect(await page.inputValue('#config-app-app_key')).not.toBe(APP_KEY);
  expect(await page.content()).not.toContain(APP_KEY);

  await page.fill('#config-app-admin_session_hours', '0');
  await page.click('details[data-section=app] button[type=submit]');
  await page.waitForFunction(
    () => (document.querySelector('#config-app-admin_session_hours-error')?.textContent ?? '') !== '',
  );
  expect(await page.getAttribute('#config-app-admin_session_hours', 'aria-invalid')).toBe('true');
  await page.screenshot({ path: screenshotPath('09-config-invalid') });
  const unchanged = (await (await harness.admin('/v1/admin/config')).json()) as any;
  expect(unchanged.app.admin_session_hours).toBe(12);

  await page.fill('#config-app-admin_session_hours', '24');
  await page.click('details[data-section=app] button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Saved');
  const saved = (await (await harness.admin('/v1/admin/config')).json()) as any;
  expect(saved.app.admin_session_hours).toBe(24);
  expect(saved.app.app_key).not.toBe(APP_KEY); // masked in the listing, and untouched by the save
  expect((await harness.admin('/v1/admin/session')).status).toBe(200);

  await page.click('details[data-section=proxy] summary');
  expect(await page.isDisabled('#config-proxy-flaresolverr_url')).toBe(true);
  await page.check('#config-proxy-enabled');
  expect(await page.isDisabled('#config-proxy-flaresolverr_url')).toBe(false);
  expect(await page.isDisabled('#config-proxy-cf_cookies')).toBe(true);
  await page.screenshot({ path: screenshotPath('10-config-proxy'), fullPage: false });
  await page.close();
}, 60_000);

test('config page: titles in both languages, search, every invalid field marked, a warning before leaving unsaved edits', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, '#config');
  await page.waitForSelector('details[data-section=retry]');
  // Every section of the schema has a title and a hint in both languages: config-descriptions.test.ts.
  expect(await page.textContent('details[data-section=retry] summary')).toContain('Retries');
  expect(await page.textContent('label[for=config-retry-max_retry] .config-title')).toBe('Max retry');

  // Two invalid values: each field marked, each with its own message; nothing saved.
  await page.click('details[data-section=retry] summary');
  await page.fill('#config-retry-max_retry', '0');
  await page.fill('#config-retry-retry_backoff_factor', '0.5');
  await page.click('details[data-section=retry] button[type=submit]');
  await page.waitForSelector('#config-retry-retry_backoff_factor[aria-invalid=true]');
  expect(await page.getAttribute('#config-retry-max_retry', 'aria-invalid')).toBe('true');
  expect(await page.textContent('#config-retry-max_retry-error')).toBe('At least 1.');
  expect(await page.textContent('#config-retry-retry_backoff_factor-error')).toBe('At least 1.');
  const unchanged = (await (await harness.admin('/v1/admin/config')).json()) as any;
  expect(unchanged.retry.max_retry).toBe(3);
  await page.screenshot({ path: screenshotPath('09b-config-two-invalid') });

  // Leaving with unsaved edits asks first; declining keeps the page and the edits.
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.click('nav a[href="#accounts"]');
  await page.waitForFunction(() => location.hash === '#config');
  expect(asked).toContain('unsaved');
  expect(await page.isVisible('#config-view')).toBe(true);
  expect(await page.inputValue('#config-retry-max_retry')).toBe('0');

  // Search narrows the page to matching keys.
  await page.fill('#config-search', 'backoff budget');
  const visible = await page.locator('.config-row:visible label .config-key-name').allTextContents();
  expect(visible).toEqual(['retry_budget']);

  // In Chinese the descriptions are Chinese too (public/admin/config-descriptions-zh.ts, checked against the schema).
  await page.fill('#config-search', '');
  await page.evaluate(() => localStorage.setItem('grok2api.language', 'zh'));
  page.once('dialog', (dialog) => void dialog.accept());
  await page.reload();
  await page.waitForSelector('#config-retry-max_retry-description', { state: 'attached' });
  expect(await page.textContent('#config-retry-max_retry-description')).toBe(
    '每次上游调用的尝试次数，也是每个请求尝试的账号数',
  );
  await page.evaluate(() => localStorage.setItem('grok2api.language', 'en'));
  await page.close();
}, 60_000);

test('config page: model aliases are an editable list, one pattern=model per line', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, '#config');
  await page.waitForSelector('details[data-section=models]');
  await page.click('details[data-section=models] summary');
  const current = await page.inputValue('#config-models-aliases');
  expect(current.split('\n')).toContain('claude-*sonnet*=grok-4.1-fast');
  await page.fill('#config-models-aliases', `${current}\ngpt-*=grok-4.1-fast`);
  await page.click('details[data-section=models] button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Saved');
  const saved = (await (await harness.admin('/v1/admin/config')).json()) as any;
  expect(saved.models.aliases).toContain('gpt-*=grok-4.1-fast');
  const listed = (await (await harness.api('/v1/models')).json()) as { data: { id: string; alias_for?: string }[] };
  expect(listed.data.find((model) => model.id === 'gpt-*')?.alias_for).toBe('grok-4.1-fast');
  await page.close();
}, 60_000);

test('dashboard draws its charts from the usage records (offline SVG)', async () => {
  await harness.client.chat.completions.create({
    model: 'grok-4',
    messages: [{ role: 'user', content: 'for the dashboard' }],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await signIn(page, '#dashboard');
  await page.waitForFunction(() => Number(document.querySelector('#stat-requests')?.textContent) > 0);
  expect(await page.locator('#chart-outcomes svg rect').count()).toBeGreaterThan(0);
  expect(await page.locator('#chart-latency svg path.line').count()).toBeGreaterThan(0);
  expect(await page.locator('#chart-pool-history svg rect').count()).toBeGreaterThan(0);
  expect(await page.locator('#chart-quota svg rect').count()).toBe(2);
  await page.screenshot({ path: screenshotPath('11-dashboard'), fullPage: true });
  await page.close();
}, 60_000);

test('dashboard: past five models the rest is "other", so the bars add up; labels readable and apart at 390 px', async () => {
  const models = [
    'grok-3',
    'grok-3-mini',
    'grok-4.1-mini',
    'grok-4.1-fast',
    'grok-4.20-beta',
    'grok-chat-fast',
    'grok-4',
  ];
  for (const model of models)
    await harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'count me' }] });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(page, '#dashboard');
  await page.waitForSelector('#chart-models .legend li');
  const legend = await page.locator('#chart-models .legend li').allTextContents();
  expect(legend).toHaveLength(6);
  expect(legend.at(-1)).toMatch(/^other \(\d+ models\)$/);
  const check = await page.evaluate(() => {
    const problems: string[] = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
      const boxes = [...svg.querySelectorAll('text.tick')].map((text) => text.getBoundingClientRect());
      for (const box of boxes)
        if (box.height < 11) problems.push(`${svg.getAttribute('aria-label')}: text ${box.height}px high`);
      // x-axis labels share a baseline; none may overlap its neighbour.
      const baseline = boxes.filter((box) => Math.abs(box.bottom - Math.max(...boxes.map((one) => one.bottom))) < 1);
      baseline.sort((a, b) => a.left - b.left);
      for (let index = 1; index < baseline.length; index += 1) {
        if (baseline[index]!.left < baseline[index - 1]!.right)
          problems.push(`${svg.getAttribute('aria-label')}: labels overlap`);
      }
    }
    return problems;
  });
  expect(check).toEqual([]);
  await page.screenshot({ path: screenshotPath('12-dashboard-phone'), fullPage: true });
  await page.close();
}, 60_000);

test('media page: counts, previews, delete one, clear all; names outside the cache are refused', async () => {
  const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  );
  const imageFolder = join(harness.dataDir, 'tmp', 'image');
  mkdirSync(imageFolder, { recursive: true });
  for (let index = 0; index < 3; index += 1) writeFileSync(join(imageFolder, `cached-${index}.png`), png);
  const traversal = await harness.admin('/v1/admin/console/media/delete', {
    method: 'POST',
    body: JSON.stringify({ kind: 'image', names: ['../../config.toml'] }),
  });
  expect(traversal.status).toBe(400);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, '#media');
  await page.waitForFunction(() => document.querySelectorAll('#media-grid .media-item').length === 3);
  expect(await page.textContent('#media-tabs [data-kind=image]')).toContain('· 3 ·');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#media-grid img')].every(
      (image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth === 1,
    ),
  );
  await page.screenshot({ path: screenshotPath('12-media') });
  page.on('dialog', (dialog) => dialog.accept());
  await page.click('#media-grid .media-item[data-name="cached-1.png"] button');
  await page.waitForFunction(() => document.querySelectorAll('#media-grid .media-item').length === 2);
  expect(existsSync(join(imageFolder, 'cached-1.png'))).toBe(false);
  await page.click('#media-clear');
  await page.waitForFunction(() => document.querySelectorAll('#media-grid .media-item').length === 0);
  expect(existsSync(join(imageFolder, 'cached-0.png'))).toBe(false);

  // Online assets: one account's files on grok.com, counted and cleared by a batch job.
  const owner = simulatorAccounts[0]!.token;
  for (let index = 0; index < 2; index++) {
    await fetch(`${harness.simulator.url}/rest/app-chat/upload-file`, {
      method: 'POST',
      headers: { cookie: `sso=${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        fileName: `online-${index}.txt`,
        fileMimeType: 'text/plain',
        content: btoa(`online ${index}`),
      }),
    });
  }
  await page.fill('#assets-search', 'browser-0-');
  await page.click('#assets-find');
  await page.waitForFunction(() => document.querySelectorAll('#assets-accounts tr[data-id]').length === 1);
  await page.click('#assets-accounts tr[data-id] button:has-text("Count")');
  await page.waitForFunction(() => document.querySelector('#assets-accounts .asset-count')?.textContent === '2 assets');
  await page.screenshot({ path: screenshotPath('12b-online-assets'), fullPage: true });
  await page.click('#assets-accounts tr[data-id] button:has-text("Clear online assets")');
  await page.waitForSelector('#assets-job[data-status=succeeded]', { timeout: 15_000 });
  expect(await page.textContent('#assets-job')).toContain('1 / 1 done, 0 failed');
  await page.click('#assets-accounts tr[data-id] button:has-text("Count")');
  await page.waitForFunction(() => document.querySelector('#assets-accounts .asset-count')?.textContent === '0 assets');
  expect(
    harness.simulator.requests.filter((request) => request.method === 'DELETE' && request.cookies.sso === owner),
  ).toHaveLength(2);
  await noFullTokenInDom(page);
  await page.close();
}, 60_000);

test('with the default password the console says so on every page', async () => {
  const defaults = await startHarness({ env: { GROK2API_APP_APP_KEY: 'grok2api' } });
  const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
  try {
    await page.goto(`${defaults.server.url}/admin`);
    await page.fill('#login-password', 'grok2api');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#app-view:not([hidden])');
    for (const view of ['#accounts', '#keys', '#config', '#media', '#dashboard']) {
      await page.goto(`${defaults.server.url}/admin${view}`);
      await page.waitForSelector('#app-view:not([hidden])');
      expect(await page.isVisible('#default-password-banner')).toBe(true);
    }
    await page.screenshot({ path: screenshotPath('13-default-password') });
  } finally {
    await page.close();
    await defaults.stop();
  }
}, 60_000);
