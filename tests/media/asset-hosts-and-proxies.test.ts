import { afterAll, afterEach, expect, test } from 'bun:test';
import { buildConfig } from '../../src/config/validate';
import { refusedAssetHost } from '../../src/upstream/grok/asset-download';
import { startHarness, type Harness } from '../helpers/gateway-harness';

// Asset downloads carry the account's cookies, so they go only to the upstream's asset hosts
// (upstream.assets_url, base_url, upstream.asset_hosts); a media call that fails at its proxy cools
// that proxy as a chat call does.

/** A host an answer might name: it must never see a request (and so never the cookies). */
const seen: string[] = [];
const foreign = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch(request) {
    seen.push(`${request.method} ${new URL(request.url).pathname} cookie=${request.headers.get('cookie') ?? ''}`);
    return new Response('not a video', { status: 200 });
  },
});
afterAll(() => foreign.stop(true));

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

type Job = { status: string; error: { code: string; message: string } | null };

async function videoJob(h: Harness): Promise<Job> {
  const created = await h.api('/v1/videos', {
    method: 'POST',
    body: JSON.stringify({ prompt: 'rain', seconds: '6', wait: true }),
  });
  const body = (await created.json()) as { id?: string; error?: { code: string; message: string } };
  if (body.id) return (await (await h.api(`/v1/videos/${body.id}`)).json()) as Job;
  return { status: 'failed', error: body.error ?? null };
}

test('the configured hosts are allowed; any other host, scheme or a broken URL is refused', () => {
  const config = buildConfig({ upstream: { assets_url: 'https://assets.grok.com', base_url: 'https://grok.com' } });
  expect(refusedAssetHost('https://assets.grok.com/users/u/generated/v/video.mp4', config)).toBeUndefined();
  expect(refusedAssetHost('https://grok.com/x.jpg', config)).toBeUndefined();
  expect(refusedAssetHost('https://imagine-public.x.ai/imagine-public/images/a.jpg', config)).toBeUndefined();
  expect(refusedAssetHost('https://evil.example/steal', config)).toBe('evil.example');
  expect(refusedAssetHost('https://assets.grok.com.evil.example/x', config)).toBe('assets.grok.com.evil.example');
  expect(refusedAssetHost('file:///etc/passwd', config)).toBe('file:');
  expect(refusedAssetHost('not a url', config)).toBeDefined();
});

test('a video URL on a foreign host is not fetched: the job fails and the host sees nothing', async () => {
  harness = await startHarness();
  seen.length = 0;
  harness.simulator.enqueueFault({ kind: 'foreign_asset', assetOrigin: `http://127.0.0.1:${foreign.port}` });
  const job = await videoJob(harness);
  expect(job.status).toBe('failed');
  expect(job.error?.message).toContain('not a configured assets host');
  expect(seen).toEqual([]);
});

test('a host added to upstream.asset_hosts is allowed', async () => {
  harness = await startHarness({ env: { GROK2API_UPSTREAM_ASSET_HOSTS: `["127.0.0.1:${foreign.port}"]` } });
  seen.length = 0;
  harness.simulator.enqueueFault({ kind: 'foreign_asset', assetOrigin: `http://127.0.0.1:${foreign.port}` });
  await videoJob(harness);
  expect(seen).toHaveLength(1);
});

test('a download that fails at the asset proxy cools that proxy', async () => {
  harness = await startHarness({ env: { GROK2API_PROXY_ASSET_PROXY_URL: 'http://127.0.0.1:9' } });
  const job = await videoJob(harness);
  expect(job).toMatchObject({ status: 'failed', error: { code: 'upstream_error' } });
  const status = (await (await harness.admin('/v1/admin/diagnostics/proxies')).json()) as {
    asset: { healthy: boolean; failures: number }[];
  };
  expect(status.asset).toEqual([expect.objectContaining({ healthy: false, failures: 1 })]);
});

test('an Imagine socket that fails at its proxy cools that proxy', async () => {
  harness = await startHarness({ env: { GROK2API_PROXY_BASE_PROXY_URL: 'http://127.0.0.1:9' } });
  const response = await harness.api('/v1/images/generations', {
    method: 'POST',
    body: JSON.stringify({ prompt: 'a fox', n: 1 }),
  });
  expect(response.status).toBe(502);
  const status = (await (await harness.admin('/v1/admin/diagnostics/proxies')).json()) as {
    base: { healthy: boolean; failures: number }[];
  };
  // The socket's failure, then the chat fallback's retry.max_retry attempts, all through the one dead proxy.
  expect(status.base[0]!.healthy).toBe(false);
  expect(status.base[0]!.failures).toBe(1 + 3);
});
