import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 8: values that break the gateway were accepted — chat.timeout = 3000000 (a timer
 * overflow: every chat failed in 3 ms), app.app_key = "   " (every admin locked out), a
 * 5-character admin password, app.app_url = "not a url". Now each is a 400 naming the key through
 * the API, and an error (or, for a short password, a warning) when read from the file.
 */

describe('through the admin API', () => {
  let harness: Harness;
  beforeAll(async () => {
    // The password comes from the file, so the API may change it.
    harness = await startHarness({
      env: { GROK2API_APP_APP_KEY: undefined as unknown as string },
      configToml: '[app]\napp_key = "admin-test-password"\n',
    });
  });
  afterAll(() => harness.stop());

  const update = (patch: unknown) => harness.admin('/v1/admin/config', { method: 'POST', body: JSON.stringify(patch) });

  test.each([
    ['a timeout past the timer range', { chat: { timeout: 3_000_000 } }, 'chat.timeout'],
    ['an interval of years', { token: { reload_interval_sec: 100_000_000 } }, 'token.reload_interval_sec'],
    ['refresh hours past a week', { token: { refresh_interval_hours: 1000 } }, 'token.refresh_interval_hours'],
    ['a blank admin password', { app: { app_key: '   ' } }, 'app.app_key'],
    ['a 5-character admin password', { app: { app_key: 'adms3' } }, 'app.app_key'],
    ['an empty admin password', { app: { app_key: '' } }, 'app.app_key'],
    ['an app_url that is not a URL', { app: { app_url: 'not a url' } }, 'app.app_url'],
    [
      'a signer URL with another scheme',
      { upstream: { statsig_signer_url: 'ftp://signer.example' } },
      'upstream.statsig_signer_url',
    ],
    [
      'a proxy pool with a broken entry',
      { proxy: { base_proxy_url: 'http://proxy.example:8080, nonsense' } },
      'proxy.base_proxy_url',
    ],
    ['a blank function key', { app: { function_key: '   ' } }, 'app.function_key'],
    ['a blank metrics token', { metrics: { token: ' ' } }, 'metrics.token'],
    ['a trusted proxy that is not an address', { app: { trusted_proxies: ['example.com'] } }, 'app.trusted_proxies'],
  ])('%s is a 400 naming the key, and nothing changes', async (_name, patch, key) => {
    const before = await (await harness.admin('/v1/admin/config?reveal=true')).json();
    const response = await update(patch);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ param: key, code: 'invalid_config' });
    expect(await (await harness.admin('/v1/admin/config?reveal=true')).json()).toEqual(before);
  });

  test('sane values still save; chat still works after a valid timeout change', async () => {
    expect((await update({ chat: { timeout: 120 }, app: { app_url: 'https://gateway.example.com' } })).status).toBe(
      200,
    );
    expect(
      (
        await harness.api('/v1/chat/completions', {
          method: 'POST',
          body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] }),
        })
      ).status,
    ).toBe(200);
  });
});

describe('from config.toml', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'grok2api-bounds-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  test('an overflowing timeout, a blank password or a blank API key stops start-up with the key named', async () => {
    await writeFile(join(dataDir, 'config.toml'), '[app]\napi_key = ["sk-one", "  "]\n');
    await expect(loadConfig({ dataDir, env: {} })).rejects.toThrow('app.api_key');
    await writeFile(join(dataDir, 'config.toml'), '[chat]\ntimeout = 3000000\n');
    await expect(loadConfig({ dataDir, env: {} })).rejects.toThrow('chat.timeout');
    await writeFile(join(dataDir, 'config.toml'), '[app]\napp_key = "   "\n');
    await expect(loadConfig({ dataDir, env: {} })).rejects.toThrow('app.app_key');
  });

  test('a short password in the file starts, with a warning', async () => {
    await writeFile(join(dataDir, 'config.toml'), '[app]\napp_key = "adms"\n');
    const store = await loadConfig({ dataDir, env: {} });
    expect(
      store.warnings.some((warning) => warning.message.includes('app.app_key') && warning.message.includes('12')),
    ).toBe(true);
  });
});
