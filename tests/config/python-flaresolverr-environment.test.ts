import { afterEach, expect, test } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { loadConfig } from '../../src/config/load';

/** The Python project's FLARESOLVERR_URL, CF_REFRESH_INTERVAL and CF_TIMEOUT (docs/python-compatibility.md §7.2). */

const directories: string[] = [];
async function dataDirWith(toml?: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'grok2api-flaresolverr-env-'));
  directories.push(directory);
  if (toml !== undefined) await writeFile(join(directory, 'config.toml'), toml);
  return directory;
}
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

test('FLARESOLVERR_URL turns auto-refresh on with the Python project defaults (600 s, 60 s)', async () => {
  const store = await loadConfig({
    dataDir: await dataDirWith(),
    env: { FLARESOLVERR_URL: 'http://flaresolverr:8191' },
  });
  expect(store.get().proxy).toMatchObject({
    enabled: true,
    flaresolverr_url: 'http://flaresolverr:8191',
    refresh_interval: 600,
    timeout: 60,
  });
});

test('CF_REFRESH_INTERVAL and CF_TIMEOUT set the interval and timeout', async () => {
  const env = { FLARESOLVERR_URL: 'http://solver:8191', CF_REFRESH_INTERVAL: '1800', CF_TIMEOUT: '90' };
  const store = await loadConfig({ dataDir: await dataDirWith(), env });
  expect(store.get().proxy).toMatchObject({
    enabled: true,
    flaresolverr_url: 'http://solver:8191',
    refresh_interval: 1800,
    timeout: 90,
  });
});

test('config.toml and a console edit win over them; GROK2API_PROXY_* wins over everything', async () => {
  const dataDir = await dataDirWith('[proxy]\nflaresolverr_url = "http://from-file:8191"\nrefresh_interval = 7200\n');
  const store = await loadConfig({
    dataDir,
    env: { FLARESOLVERR_URL: 'http://from-env:8191', CF_TIMEOUT: '120', GROK2API_PROXY_TIMEOUT: '300' },
  });
  expect(store.get().proxy).toMatchObject({
    enabled: true,
    flaresolverr_url: 'http://from-file:8191',
    refresh_interval: 7200,
    timeout: 300,
  });
  // The operator turns auto-refresh off in the console: saved to the file, it stays off.
  await store.update({ proxy: { enabled: false } });
  expect(store.get().proxy.enabled).toBe(false);
  expect(store.get().proxy.flaresolverr_url).toBe('http://from-file:8191');
});

test('a bad CF_TIMEOUT names the variable; CF_* without FLARESOLVERR_URL is ignored with a warning', async () => {
  let error: unknown;
  try {
    await loadConfig({
      dataDir: await dataDirWith(),
      env: { FLARESOLVERR_URL: 'http://solver:8191', CF_TIMEOUT: 'soon' },
    });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).issues).toEqual([
    expect.objectContaining({ key: 'proxy.timeout', source: 'CF_TIMEOUT' }),
  ]);
  const tooShort = await loadConfig({
    dataDir: await dataDirWith(),
    env: { FLARESOLVERR_URL: 'http://solver:8191', CF_REFRESH_INTERVAL: '30' },
  }).catch((caught) => caught);
  expect((tooShort as ConfigError).issues).toEqual([
    expect.objectContaining({ key: 'proxy.refresh_interval', source: 'CF_REFRESH_INTERVAL' }),
  ]);

  const store = await loadConfig({ dataDir: await dataDirWith(), env: { CF_TIMEOUT: '90' } });
  expect(store.get().proxy).toMatchObject({ enabled: false, flaresolverr_url: '', timeout: 60 });
  expect(store.warnings.some((warning) => warning.message.includes('CF_TIMEOUT'))).toBe(true);
});
