import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load';
import { migrateConfig } from '../../src/config/migrate';

describe('migrateConfig', () => {
  test('[grok] keys move to the section that owns a key of that name', () => {
    const { values, moved } = migrateConfig({
      grok: { api_key: 'k', base_proxy_url: 'http://proxy', cf_clearance: 'cf', max_retry: 5, temporary: false },
    });
    expect(values).toEqual({
      app: { api_key: 'k', temporary: false },
      proxy: { base_proxy_url: 'http://proxy', cf_clearance: 'cf' },
      retry: { max_retry: 5 },
    });
    expect(moved).toContain('grok.api_key → app.api_key');
    expect(moved).toContain('grok.base_proxy_url → proxy.base_proxy_url');
  });

  test('network.timeout fans out to the four service timeouts', () => {
    const { values } = migrateConfig({ network: { timeout: 90, asset_proxy_url: 'http://assets' } });
    expect(values).toEqual({
      chat: { timeout: 90 },
      image: { timeout: 90 },
      video: { timeout: 90 },
      voice: { timeout: 90 },
      proxy: { asset_proxy_url: 'http://assets' },
    });
  });

  test('request defaults kept under [chat] move to [app]; real chat keys stay', () => {
    const { values, moved } = migrateConfig({
      chat: { stream: true, filter_tags: ['x'], timeout: 30, dynamic_statsig: false },
    });
    expect(values).toEqual({
      chat: { timeout: 30 },
      app: { stream: true, filter_tags: ['x'], dynamic_statsig: false },
    });
    expect(moved).toContain('chat.stream → app.stream');
  });

  test('performance and timeout keys spelled <section>_<key> find their section', () => {
    const { values } = migrateConfig({
      performance: { assets_max_concurrent: 8, nsfw_max_concurrent: 3, usage_batch_size: 7 },
      timeout: { video_timeout: 300 },
    });
    expect(values).toEqual({
      asset: { upload_concurrent: 8, download_concurrent: 8, list_concurrent: 8, delete_concurrent: 8 },
      nsfw: { concurrent: 3 },
      usage: { batch_size: 7 },
      video: { timeout: 300 },
    });
  });

  test('a value already set in the current layout wins over the legacy one', () => {
    const { values, moved } = migrateConfig({ app: { api_key: 'new' }, grok: { api_key: 'old' } });
    expect(values).toEqual({ app: { api_key: 'new' } });
    expect(moved).toContain('grok.api_key not moved: app.api_key is already set');
  });

  test('ambiguous or homeless legacy keys are reported and left out', () => {
    const { values, moved } = migrateConfig({ grok: { concurrent: 4, video_poster_preview: true } });
    expect(values).toEqual({});
    expect(moved.some((line) => line.startsWith('grok.concurrent ignored') && line.includes('chat'))).toBe(true);
    expect(moved.some((line) => line.startsWith('grok.video_poster_preview ignored'))).toBe(true);
  });

  test('the parsed input is not modified', () => {
    const input = { grok: { api_key: 'k' }, chat: { stream: true } };
    migrateConfig(input);
    expect(input).toEqual({ grok: { api_key: 'k' }, chat: { stream: true } });
  });
});

describe('loading an old layout', () => {
  let directory = '';
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('a [grok] file loads with the moved values and says what moved', async () => {
    directory = await mkdtemp(join(tmpdir(), 'grok2api-migrate-'));
    await writeFile(
      join(directory, 'config.toml'),
      '[grok]\napi_key = "legacy"\ntimeout = 45\n[network]\nbase_proxy_url = "http://p"\n',
    );
    const store = await loadConfig({ dataDir: directory, env: {} });
    expect(store.get().app.api_key).toBe('legacy');
    expect(store.get().chat.timeout).toBe(45);
    expect(store.get().voice.timeout).toBe(45);
    expect(store.get().proxy.base_proxy_url).toBe('http://p');
    expect(store.warnings).toContainEqual({
      code: 'config_moved',
      params: { from: 'grok.api_key', to: 'app.api_key', file: 'config.toml' },
      message: 'config.toml: grok.api_key → app.api_key',
    });
  });
});
