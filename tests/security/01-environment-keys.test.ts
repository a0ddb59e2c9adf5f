import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 1: with GROK2API_APP_APP_KEY set, POST {"app":{"app_key":…}} answered success, yet the
 * old password (and every console session) kept working: the environment silently won. Now the
 * change is refused with a 409 naming the variable, every key shows where its value comes from,
 * and a password change that does take effect ends every console session.
 */

const signIn = async (harness: Harness, password: string) => {
  const response = await fetch(`${harness.server.url}/v1/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  return { response, cookie: response.headers.get('set-cookie')?.split(';')[0] ?? '' };
};

describe('a key set by the environment', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { GROK2API_CHAT_TIMEOUT: '45' }, configToml: '[chat]\nconcurrent = 9\n' });
  });
  afterAll(() => harness.stop());

  test('a change is a 409 naming the variable, and the old password still is the password', async () => {
    const response = await harness.admin('/v1/admin/config', {
      method: 'POST',
      body: JSON.stringify({ app: { app_key: 'a-new-password-123' } }),
    });
    expect(response.status).toBe(409);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'set_by_environment', param: 'app.app_key' });
    expect(error.message).toContain('GROK2API_APP_APP_KEY');
    expect((await harness.admin('/v1/admin/verify')).status).toBe(200);
    const other = await harness.admin('/v1/admin/config', {
      method: 'POST',
      body: JSON.stringify({ chat: { timeout: 90 } }),
    });
    expect(other.status).toBe(409);
    expect((await other.json()).error.message).toContain('GROK2API_CHAT_TIMEOUT');
  });

  test('the same value as the environment is accepted (a whole form saved back)', async () => {
    const response = await harness.admin('/v1/admin/config', {
      method: 'POST',
      body: JSON.stringify({ chat: { timeout: 45, concurrent: 11 } }),
    });
    expect(response.status).toBe(200);
  });

  test('every key shows its source, in the API and the console form', async () => {
    const sources = await (await harness.admin('/v1/admin/config/sources')).json();
    expect(sources['app.app_key']).toEqual({ source: 'environment', variable: 'GROK2API_APP_APP_KEY' });
    expect(sources['chat.timeout']).toEqual({ source: 'environment', variable: 'GROK2API_CHAT_TIMEOUT' });
    expect(sources['chat.concurrent']).toEqual({ source: 'file' });
    expect(sources['image.timeout']).toEqual({ source: 'default' });
    const form = await (await harness.admin('/v1/admin/console/config-form')).json();
    expect(form.sources['app.app_key'].variable).toBe('GROK2API_APP_APP_KEY');
  });
});

describe('a password from the file', () => {
  let harness: Harness;
  beforeAll(async () => {
    // No GROK2API_APP_APP_KEY: the password comes from config.toml.
    harness = await startHarness({
      env: { GROK2API_APP_APP_KEY: undefined as unknown as string },
      configToml: `[app]\napp_key = "${APP_KEY}"\n`,
    });
  });
  afterAll(() => harness.stop());

  test('a change takes effect, ends every console session and says so', async () => {
    const session = await signIn(harness, APP_KEY);
    expect(session.response.status).toBe(200);
    const csrf = (await session.response.json()).csrf_token;
    const changed = await fetch(`${harness.server.url}/v1/admin/config`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ app: { app_key: 'rotated-password-0001' } }),
    });
    expect(changed.status).toBe(200);
    expect((await changed.json()).sessions_ended).toBe(true);
    expect(
      (await fetch(`${harness.server.url}/v1/admin/session`, { headers: { cookie: session.cookie } })).status,
    ).toBe(401);
    expect((await harness.admin('/v1/admin/verify')).status).toBe(401);
    expect((await (await signIn(harness, 'rotated-password-0001')).response).status).toBe(200);
  });
});

describe('the console', () => {
  let harness: Harness;
  let browser: Browser;
  beforeAll(async () => {
    harness = await startHarness({
      env: { GROK2API_APP_APP_KEY: undefined as unknown as string, GROK2API_CHAT_TIMEOUT: '45' },
      configToml: `[app]\napp_key = "${APP_KEY}"\n`,
    });
    browser = await launchBrowser();
  }, 30_000);
  afterAll(async () => {
    await browser.close();
    await harness.stop();
  });

  test('shows an environment key read-only with its variable; a new password ends the old sessions and signs the admin in again', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${harness.server.url}/admin#config`);
    await page.fill('#login-password', APP_KEY);
    await page.keyboard.press('Enter');
    await page.waitForSelector('details[data-section=chat]');
    const oldSession = (await page.context().cookies()).map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    await page.click('details[data-section=chat] summary');
    expect(await page.isDisabled('#config-chat-timeout')).toBe(true);
    expect(await page.textContent('#config-chat-timeout-description')).toContain('GROK2API_CHAT_TIMEOUT');
    await page.click('details[data-section=app] summary');
    await page.fill('#config-app-app_key', 'a-brand-new-password-42');
    await page.click('details[data-section=app] button[type=submit]');
    await page.waitForFunction(() =>
      (document.querySelector('#toast')?.textContent ?? '').includes('signed in with the new one'),
    );
    await page.screenshot({ path: screenshotPath('security-01-signed-in-again') });
    // The console stays open on a new session; the session from before the change is gone.
    expect(await page.isVisible('#app-view')).toBe(true);
    const stale = await fetch(`${harness.server.url}/v1/admin/session`, { headers: { cookie: oldSession } });
    expect(stale.status).toBe(401);
    await page.close();
  }, 30_000);
});
