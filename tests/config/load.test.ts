import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { loadConfig } from '../../src/config/load';

const directories: string[] = [];

async function dataDirWith(toml?: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'grok2api-config-'));
  directories.push(directory);
  if (toml !== undefined) await writeFile(join(directory, 'config.toml'), toml);
  return directory;
}

afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

async function loadError(dataDir: string, env: Record<string, string> = {}): Promise<ConfigError> {
  try {
    await loadConfig({ dataDir, env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  test('without a file or environment every key has its schema default', async () => {
    const store = await loadConfig({ dataDir: await dataDirWith(), env: {} });
    const config = store.get();
    expect(config.app.app_key).toBe('grok2api');
    expect(config.app.stream).toBe(false);
    expect(config.chat.timeout).toBe(60);
    expect(config.retry.retry_status_codes).toEqual([401, 429, 403, 502]);
    expect(config.imagine_fast.size).toBe('1024x1024');
    expect(config.upstream.base_url).toBe('https://grok.com');
    expect(store.warnings).toEqual([]);
  });

  test('config.toml values override the defaults, other keys keep theirs', async () => {
    const dataDir = await dataDirWith(`
[app]
app_key = "secret"
api_key = ["k1", "k2"]
[chat]
timeout = 120
[retry]
retry_status_codes = [429]
`);
    const config = (await loadConfig({ dataDir, env: {} })).get();
    expect(config.app.app_key).toBe('secret');
    expect(config.app.api_key).toEqual(['k1', 'k2']);
    expect(config.chat.timeout).toBe(120);
    expect(config.chat.concurrent).toBe(50);
    expect(config.retry.retry_status_codes).toEqual([429]);
  });

  test('environment overrides the file, coerced by each key type', async () => {
    const dataDir = await dataDirWith('[chat]\ntimeout = 120\n');
    const config = (
      await loadConfig({
        dataDir,
        env: {
          GROK2API_CHAT_TIMEOUT: '30.5',
          GROK2API_APP_STREAM: 'yes',
          GROK2API_APP_TEMPORARY: '0',
          GROK2API_TOKEN_FAIL_THRESHOLD: '7',
          GROK2API_APP_IMAGE_FORMAT: 'base64',
          GROK2API_RETRY_RETRY_STATUS_CODES: '429, 503',
          GROK2API_APP_FILTER_TAGS: '["a","b"]',
          GROK2API_APP_API_KEY: 'one,two',
          GROK2API_PROXY_BASE_PROXY_URL: 'socks5://127.0.0.1:1080',
          UNRELATED_VARIABLE: 'x',
        },
      })
    ).get();
    expect(config.chat.timeout).toBe(30.5);
    expect(config.app.stream).toBe(true);
    expect(config.app.temporary).toBe(false);
    expect(config.token.fail_threshold).toBe(7);
    expect(config.app.image_format).toBe('base64');
    expect(config.retry.retry_status_codes).toEqual([429, 503]);
    expect(config.app.filter_tags).toEqual(['a', 'b']);
    expect(config.app.api_key).toBe('one,two');
    expect(config.proxy.base_proxy_url).toBe('socks5://127.0.0.1:1080');
  });

  test('a section name containing an underscore matches by its longest prefix', async () => {
    const config = (
      await loadConfig({
        dataDir: await dataDirWith(),
        env: { GROK2API_IMAGINE_FAST_SIZE: '1280x720', GROK2API_IMAGE_NSFW: 'false' },
      })
    ).get();
    expect(config.imagine_fast.size).toBe('1280x720');
    expect(config.image.nsfw).toBe(false);
    expect(config.imagine_fast.nsfw).toBe(true);
  });

  test('GROK_*_URL variables set the upstream hosts; the GROK2API_ name wins over them', async () => {
    const config = (
      await loadConfig({
        dataDir: await dataDirWith(),
        env: {
          GROK_BASE_URL: 'http://127.0.0.1:9000',
          GROK_ASSETS_URL: 'http://127.0.0.1:9001',
          GROK_ACCOUNTS_URL: 'http://127.0.0.1:9002',
          GROK2API_UPSTREAM_ASSETS_URL: 'http://127.0.0.1:9999',
        },
      })
    ).get();
    expect(config.upstream.base_url).toBe('http://127.0.0.1:9000');
    expect(config.upstream.assets_url).toBe('http://127.0.0.1:9999');
    expect(config.upstream.accounts_url).toBe('http://127.0.0.1:9002');
  });

  test('a bad enum value in the file names the key, the value and the allowed values', async () => {
    const error = await loadError(await dataDirWith('[app]\nimage_format = "png"\n'));
    expect(error.key).toBe('app.image_format');
    expect(error.issues[0]!.allowed).toEqual(['url', 'base64', 'b64_json', 'markdown']);
    expect(error.message).toContain('app.image_format = "png"');
    expect(error.message).toContain('one of url, base64, b64_json, markdown');
    expect(error.message).toContain('config.toml');
  });

  test('a value of the wrong type or out of range is an error, never a silent default', async () => {
    const error = await loadError(await dataDirWith('[chat]\ntimeout = "slow"\n[token]\nfail_threshold = 0\n'));
    expect(error.issues.map((issue) => issue.key).sort()).toEqual(['chat.timeout', 'token.fail_threshold']);
    expect(error.message).toContain('chat.timeout = "slow"');
    expect(error.message).toContain('token.fail_threshold = 0');
  });

  test('an environment value that cannot be coerced names the key and the variable', async () => {
    const error = await loadError(await dataDirWith(), { GROK2API_CHAT_TIMEOUT: 'abc', GROK2API_APP_STREAM: 'maybe' });
    const keys = error.issues.map((issue) => issue.key).sort();
    expect(keys).toEqual(['app.stream', 'chat.timeout']);
    expect(error.message).toContain('chat.timeout = "abc" (from GROK2API_CHAT_TIMEOUT)');
    expect(error.message).toContain('true/false/1/0/yes/no');
  });

  test('an enum value from the environment is checked like one from the file', async () => {
    const error = await loadError(await dataDirWith(), { GROK2API_VIDEO_UPSCALE_TIMING: 'sometimes' });
    expect(error.key).toBe('video.upscale_timing');
    expect(error.issues[0]!.source).toBe('GROK2API_VIDEO_UPSCALE_TIMING');
    expect(error.issues[0]!.allowed).toEqual(['single', 'complete']);
  });

  test('unknown sections, keys and variables are warnings and are not used', async () => {
    const dataDir = await dataDirWith('[app]\napp_kee = "typo"\n[mystery]\nx = 1\n');
    const store = await loadConfig({ dataDir, env: { GROK2API_CHAT_TIMEOUTS: '5' } });
    expect(store.get().app.app_key).toBe('grok2api');
    expect((store.get().app as Record<string, unknown>).app_kee).toBeUndefined();
    expect(store.warnings.some((warning) => warning.message.includes('app.app_kee'))).toBe(true);
    expect(store.warnings.some((warning) => warning.message.includes('mystery'))).toBe(true);
    expect(store.warnings.some((warning) => warning.message.includes('GROK2API_CHAT_TIMEOUTS'))).toBe(true);
    // Each is coded with its parameters too, for the console to say in the reader's language.
    expect(store.warnings.map(({ code, params }) => ({ code, params }))).toEqual(
      expect.arrayContaining([
        { code: 'config_unknown_key', params: { file: 'config.toml', key: 'app.app_kee' } },
        { code: 'env_unknown', params: { variable: 'GROK2API_CHAT_TIMEOUTS' } },
      ]),
    );
  });

  test('the loaded config is deep-frozen', async () => {
    const config = (await loadConfig({ dataDir: await dataDirWith(), env: {} })).get();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.chat)).toBe(true);
    expect(Object.isFrozen(config.app.filter_tags)).toBe(true);
    expect(() => {
      (config.chat as { timeout: number }).timeout = 1;
    }).toThrow();
  });

  test('a TOML syntax error names the file', async () => {
    await expect(loadConfig({ dataDir: await dataDirWith('[app\n'), env: {} })).rejects.toThrow(
      'config.toml is not valid TOML',
    );
  });
});
