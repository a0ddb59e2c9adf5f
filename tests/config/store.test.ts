import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { ConfigError } from '../../src/config/errors';
import { loadConfig } from '../../src/config/load';
import type { Config } from '../../src/config/schema';

const directories: string[] = [];

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'grok2api-store-'));
  directories.push(directory);
  return directory;
}

afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

describe('ConfigStore.update', () => {
  test('writes the merged file, swaps the frozen config and notifies listeners', async () => {
    const dataDir = await freshDirectory();
    await writeFile(join(dataDir, 'config.toml'), '[chat]\nconcurrent = 10\n');
    const store = await loadConfig({ dataDir, env: {} });
    const seen: Config[] = [];
    store.subscribe((config) => seen.push(config));
    const before = store.get();

    const after = await store.update({ chat: { timeout: 99 }, app: { image_format: 'base64' } });

    expect(after.chat.timeout).toBe(99);
    expect(after.chat.concurrent).toBe(10);
    expect(store.get()).toBe(after);
    expect(before.chat.timeout).toBe(60); // the old object is untouched
    expect(Object.isFrozen(after.chat)).toBe(true);
    expect(seen).toEqual([after]);
    const written = parse(await readFile(join(dataDir, 'config.toml'), 'utf8'));
    // Only what the operator set is written; defaults stay defaults.
    expect(written).toEqual({ chat: { concurrent: 10, timeout: 99 }, app: { image_format: 'base64' } });
  });

  test('a bad value is rejected naming the key; nothing is written or swapped', async () => {
    const dataDir = await freshDirectory();
    await writeFile(join(dataDir, 'config.toml'), '[chat]\nconcurrent = 10\n');
    const store = await loadConfig({ dataDir, env: {} });
    let notified = 0;
    store.subscribe(() => (notified += 1));
    const before = store.get();

    const failure = await store
      .update({ chat: { timeout: -5 }, app: { stream: 'sometimes' as never } })
      .catch((error) => error);

    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).issues.map((issue) => issue.key).sort()).toEqual(['app.stream', 'chat.timeout']);
    expect(store.get()).toBe(before);
    expect(notified).toBe(0);
    expect(await readFile(join(dataDir, 'config.toml'), 'utf8')).toBe('[chat]\nconcurrent = 10\n');
  });

  test('an unknown key in a patch is rejected, not dropped', async () => {
    const store = await loadConfig({ dataDir: await freshDirectory(), env: {} });
    const failure = await store.update({ chat: { timout: 5 } } as never).catch((error) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).key).toBe('chat.timout');
  });

  test('creates a missing data directory and leaves no temporary file behind', async () => {
    const dataDir = join(await freshDirectory(), 'nested', 'data');
    const store = await loadConfig({ dataDir, env: {} });
    await store.update({ app: { app_key: 'changed' } });
    expect(await readdir(dataDir)).toEqual(['config.toml']);
    expect(parse(await readFile(join(dataDir, 'config.toml'), 'utf8'))).toEqual({ app: { app_key: 'changed' } });
  });

  test('an env-overridden key keeps its env value: an admin change is refused naming the variable, others leave it out', async () => {
    const dataDir = await freshDirectory();
    const store = await loadConfig({ dataDir, env: { GROK2API_CHAT_TIMEOUT: '15' } });
    const refused = await store
      .update({ chat: { timeout: 99, concurrent: 7 } }, { origin: 'admin' })
      .catch((error) => error);
    expect(refused.message).toContain('GROK2API_CHAT_TIMEOUT');
    expect(store.get().chat.concurrent).toBe(50);
    const after = await store.update({ chat: { timeout: 99, concurrent: 7 } });
    expect(after.chat.timeout).toBe(15);
    expect(after.chat.concurrent).toBe(7);
    expect(parse(await readFile(join(dataDir, 'config.toml'), 'utf8'))).toEqual({ chat: { concurrent: 7 } });
    expect(store.sources()['chat.timeout']).toEqual({ source: 'environment', variable: 'GROK2API_CHAT_TIMEOUT' });
    expect(store.sources()['chat.concurrent']).toEqual({ source: 'file' });
    expect(store.sources()['image.timeout']).toEqual({ source: 'default' });
  });

  test('concurrent updates both land', async () => {
    const dataDir = await freshDirectory();
    const store = await loadConfig({ dataDir, env: {} });
    await Promise.all([store.update({ chat: { timeout: 11 } }), store.update({ image: { timeout: 22 } })]);
    expect(store.get().chat.timeout).toBe(11);
    expect(store.get().image.timeout).toBe(22);
    expect(parse(await readFile(join(dataDir, 'config.toml'), 'utf8'))).toEqual({
      chat: { timeout: 11 },
      image: { timeout: 22 },
    });
  });

  test('unsubscribed listeners are not called; a failing listener does not stop the others', async () => {
    const store = await loadConfig({ dataDir: await freshDirectory(), env: {} });
    let calls = 0;
    const unsubscribe = store.subscribe(() => (calls += 100));
    store.subscribe(() => {
      throw new Error('listener bug');
    });
    store.subscribe(() => (calls += 1));
    unsubscribe();
    const originalError = console.error;
    console.error = () => {};
    try {
      await store.update({ chat: { timeout: 1 } });
    } finally {
      console.error = originalError;
    }
    expect(calls).toBe(1);
  });

  test('unknown keys already in the file are kept on write, and still unused', async () => {
    const dataDir = await freshDirectory();
    await writeFile(join(dataDir, 'config.toml'), '[future]\nflag = true\n');
    const store = await loadConfig({ dataDir, env: {} });
    await store.update({ chat: { timeout: 5 } });
    expect(parse(await readFile(join(dataDir, 'config.toml'), 'utf8'))).toEqual({
      future: { flag: true },
      chat: { timeout: 5 },
    });
  });

  test('a legacy layout is written back in the current layout on the first update', async () => {
    const dataDir = await freshDirectory();
    await writeFile(join(dataDir, 'config.toml'), '[grok]\napi_key = "k"\n');
    const store = await loadConfig({ dataDir, env: {} });
    await store.update({ chat: { timeout: 5 } });
    expect(parse(await readFile(join(dataDir, 'config.toml'), 'utf8'))).toEqual({
      app: { api_key: 'k' },
      chat: { timeout: 5 },
    });
  });
});
