import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

// A tiny forward proxy: Bun's fetch sends absolute-form requests to it when `proxy` is set.
let proxied: string[] = [];
const proxy = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(request) {
    proxied.push(new URL(request.url).pathname);
    const upstream = await fetch(request.url, { headers: request.headers });
    return new Response(await upstream.arrayBuffer(), {
      status: upstream.status,
      headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' },
    });
  },
});

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ configToml: `[proxy]\nasset_proxy_url = "http://127.0.0.1:${proxy.port}"\n` });
});
afterAll(async () => {
  await harness.stop();
  proxy.stop(true);
});

test('generated assets are downloaded through proxy.asset_proxy_url, chat calls are not', async () => {
  proxied = [];
  harness.simulator.enqueueFault({ kind: 'server_error', match: { path: '/ws/imagine/listen' } });
  const result = await harness.client.images.generate({ model: 'grok-imagine-1.0', prompt: 'a fox' });
  expect((await fetch(result.data![0]!.url!)).status).toBe(200);
  expect(proxied.some((path) => path.includes('/generated/'))).toBe(true);
  expect(proxied).not.toContain('/rest/app-chat/conversations/new');
});
