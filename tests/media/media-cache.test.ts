import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideRange } from '../../src/media/byte-range';
import { cacheNameFor, MediaCache } from '../../src/media/media-cache';
import { mp4For } from '../../src/simulator/media-bytes';
import { startHarness, type Harness } from '../helpers/gateway-harness';
import { testConfig } from '../upstream/test-config';

describe('MediaCache', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'grok2api-cache-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const cacheWith = (
    limitMb: number,
    enabled = true,
    download = async () => new Response(new Uint8Array(600 * 1024)),
  ) =>
    new MediaCache({
      directory,
      config: () => testConfig({ cache: { limit_mb: limitMb, enable_auto_clean: enabled } }),
      openDownload: download,
    });

  test('names follow the asset path and never leave the folder', () => {
    expect(cacheNameFor('https://assets.grok.com/users/u1/generated/abc/image.jpg?x=1')).toBe(
      'users-u1-generated-abc-image.jpg',
    );
    const cache = cacheWith(512);
    for (const evil of [
      '../config.toml',
      '..%2Fconfig.toml',
      '%2e%2e/%2e%2e/etc/passwd',
      '/etc/passwd',
      '.hidden',
      'a\\..\\b',
      '',
    ]) {
      const path = cache.pathOf('image', evil);
      if (path !== null) expect(path.startsWith(`${join(directory, 'image')}/`)).toBe(true);
    }
    expect(cache.pathOf('image', '../config.toml')).toBeNull();
  });

  test('a download is written atomically and fetched once for concurrent callers', async () => {
    let calls = 0;
    const cache = cacheWith(512, true, async () => {
      calls += 1;
      return new Response(new Uint8Array([1, 2, 3]));
    });
    const url = 'https://assets.grok.com/users/u/generated/once/image.jpg';
    const [a, b] = await Promise.all([cache.fetch('image', url, 't'), cache.fetch('image', url, 't')]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect([...(await cache.read('image', a))!]).toEqual([1, 2, 3]);
    expect(readdirSync(join(directory, 'image')).some((name) => name.endsWith('.part'))).toBe(false);
  });

  test('over cache.limit_mb the oldest files go first, down to 80 % of the limit', async () => {
    const cache = cacheWith(2);
    const folder = join(directory, 'video');
    await cache.put('video', 'seed.mp4', new Uint8Array(1));
    for (const [index, name] of ['old-1.mp4', 'old-2.mp4', 'new-3.mp4'].entries()) {
      writeFileSync(join(folder, name), new Uint8Array(600 * 1024));
      utimesSync(join(folder, name), 1_000 + index, 1_000 + index);
    }
    await cache.fetch('video', 'https://assets.grok.com/users/u/generated/v/generated_video.mp4', 't');
    const left = readdirSync(folder);
    expect(left).not.toContain('old-1.mp4');
    expect(left).not.toContain('old-2.mp4');
    expect(left).toContain('new-3.mp4');
    expect(left).toContain('users-u-generated-v-generated_video.mp4');
  });

  test('no clean-up when enable_auto_clean is off', async () => {
    const cache = cacheWith(1, false);
    await cache.put('image', 'big-1.png', new Uint8Array(700 * 1024));
    await cache.put('image', 'big-2.png', new Uint8Array(700 * 1024));
    expect(await cache.cleanIfNeeded()).toBe(0);
    expect(readdirSync(join(directory, 'image'))).toContain('big-1.png');
  });

  test('range decisions', () => {
    expect(decideRange(null, 100)).toEqual({ kind: 'whole' });
    expect(decideRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decideRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decideRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decideRange('bytes=50-500', 100)).toEqual({ kind: 'partial', start: 50, end: 99 });
    expect(decideRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('GET /v1/files', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ configToml: '[app]\napp_url = "https://media.example.com/"\n' });
  });
  afterAll(() => harness.stop());
  afterEach(() => harness.simulator.reset());

  test('video: content type, full body and byte ranges; missing and escaping names are 404', async () => {
    const bytes = mp4For('range-test', 1000);
    const folder = join(harness.dataDir, 'tmp', 'video');
    await Bun.write(join(folder, 'clip.mp4'), bytes);
    const whole = await fetch(`${harness.server.url}/v1/files/video/clip.mp4`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(new Uint8Array(await whole.arrayBuffer()).length).toBe(bytes.length);

    const part = await fetch(`${harness.server.url}/v1/files/video/clip.mp4`, { headers: { range: 'bytes=4-11' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-11/${bytes.length}`);
    expect(new TextDecoder().decode(await part.arrayBuffer())).toBe('ftypisom');
    const tail = await fetch(`${harness.server.url}/v1/files/video/clip.mp4`, { headers: { range: 'bytes=-5' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-5));
    const beyond = await fetch(`${harness.server.url}/v1/files/video/clip.mp4`, {
      headers: { range: `bytes=${bytes.length}-` },
    });
    expect(beyond.status).toBe(416);

    writeFileSync(join(harness.dataDir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    for (const path of [
      '/v1/files/video/..%2F..%2Fsecret.txt',
      '/v1/files/video/../../secret.txt',
      '/v1/files/image/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/v1/files/video/missing.mp4',
    ]) {
      const response = await fetch(`${harness.server.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  test('links are built from app.app_url when it is set', async () => {
    const result = await harness.client.images.generate({ model: 'grok-imagine-1.0', prompt: 'fox' });
    const url = result.data![0]!.url!;
    expect(url).toStartWith('https://media.example.com/v1/files/image/');
    const local = url.replace('https://media.example.com', harness.server.url);
    expect((await fetch(local)).status).toBe(200);
  });
});
