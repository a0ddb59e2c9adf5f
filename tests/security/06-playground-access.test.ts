import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { launchBrowser } from '../helpers/browser';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 6: `function_enabled` with an empty `function_key` opened chat, images and voice to
 * anyone, bypassing app.api_key. Now the playground never widens access: without a function key
 * it asks for what the API itself would (an API key) or a console session, and the console and
 * the log say the playground is on without a key.
 */

describe('playground on, no function key, API protected by app.api_key', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { GROK2API_APP_FUNCTION_ENABLED: 'true' } });
  });
  afterAll(() => harness.stop());

  const chat = (headers: Record<string, string>) =>
    fetch(`${harness.server.url}/v1/function/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hello' }] }),
    });

  test('no credential: chat, images, models and voice are refused', async () => {
    expect((await chat({})).status).toBe(401);
    const image = await fetch(`${harness.server.url}/v1/function/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(image.status).toBe(401);
    expect((await fetch(`${harness.server.url}/v1/function/models`)).status).toBe(401);
    expect((await fetch(`${harness.server.url}/v1/function/voice/token`)).status).toBe(401);
    expect((await fetch(`${harness.server.url}/v1/function/verify`)).status).toBe(401);
    // The pages and their manifest stay public: they are what asks the visitor to sign in.
    expect((await fetch(`${harness.server.url}/playground`)).status).toBe(200);
    expect((await fetch(`${harness.server.url}/v1/function/manifest`)).status).toBe(200);
  });

  test('the API key opens it', async () => {
    expect((await chat({ authorization: `Bearer ${API_KEY}` })).status).toBe(200);
    expect((await chat({ authorization: 'Bearer not-a-key' })).status).toBe(401);
  });

  test('a console session opens it', async () => {
    const signIn = await fetch(`${harness.server.url}/v1/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: APP_KEY }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await chat({ cookie })).status).toBe(200);
    expect((await chat({ cookie: 'grok2api_session=forged' })).status).toBe(401);
  });

  test('the console is told the playground is open, and shows it', async () => {
    const session = await (await harness.admin('/v1/admin/session')).json();
    expect(session.playground_open).toBe(true);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${harness.server.url}/admin`);
      await page.fill('#login-password', APP_KEY);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#playground-open-banner', { state: 'visible' });
      expect(await page.textContent('#playground-open-banner')).toContain('without a function key');
    } finally {
      await browser.close();
    }
  }, 30_000);
});

describe('playground on, no function key, API open (no keys at all)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_API_KEY: '' } });
  });
  afterAll(() => harness.stop());

  test('it is as open as the API itself, no wider', async () => {
    const response = await fetch(`${harness.server.url}/v1/function/models`);
    expect(response.status).toBe(200);
    expect((await fetch(`${harness.server.url}/v1/models`)).status).toBe(200);
  });
});
