import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import socks5 from 'simple-socks';
import { closeEgressBridges } from '../../src/upstream/egress/egress-proxy';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

// Media egress: the Imagine WebSocket, media posts, video turns and asset downloads leave through
// the configured proxy — real HTTP proxies (`proxy` from npm) and a real SOCKS5 proxy
// (`simple-socks` from npm) on loopback — and, with a pool, through the account's sticky proxy.

interface HttpProxy {
  server: Server;
  port: number;
  seen: string[];
}

async function startHttpProxy(): Promise<HttpProxy> {
  const seen: string[] = [];
  const server = createProxy(createServer());
  server.on('request', (request) => seen.push(`${request.method} ${request.url}`));
  server.on('connect', (request) => seen.push(`CONNECT ${request.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

let first: HttpProxy;
let second: HttpProxy;
let socksProxy: ReturnType<typeof socks5.createServer>;
let socksPort: number;
const socksSeen: string[] = [];

beforeAll(async () => {
  first = await startHttpProxy();
  second = await startHttpProxy();
  socksProxy = socks5.createServer();
  socksProxy.on('proxyConnect', (info: { address: string; port: number }) =>
    socksSeen.push(`${info.address}:${info.port}`),
  );
  await new Promise<void>((resolve) => socksProxy.listen(0, '127.0.0.1', () => resolve()));
  socksPort = (socksProxy.address() as AddressInfo).port;
});
afterAll(async () => {
  await closeEgressBridges();
  first.server.close();
  second.server.close();
  socksProxy.close();
});

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
  first.seen.length = 0;
  second.seen.length = 0;
  socksSeen.length = 0;
});

const imagineMessages = (h: Harness) =>
  h.simulator.requests.filter((request) => request.method === 'WS' && request.path === '/ws/imagine/listen');

async function generateImage(h: Harness) {
  const response = await h.api('/v1/images/generations', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-imagine-1.0', prompt: 'a fox', n: 1, response_format: 'b64_json' }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { data: { b64_json: string }[] }).data[0]!.b64_json.length).toBeGreaterThan(0);
}

async function renderVideo(h: Harness) {
  const created = await h.api('/v1/videos', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-imagine-1.0-video', prompt: 'rain clears', seconds: '6' }),
  });
  expect(created.status).toBe(200);
  const { id } = (await created.json()) as { id: string };
  for (let attempt = 0; attempt < 400; attempt++) {
    const job = (await (await h.api(`/v1/videos/${id}`)).json()) as { status: string; error: unknown };
    if (job.status === 'completed' || job.status === 'failed') return job;
    await Bun.sleep(25);
  }
  throw new Error('video did not finish');
}

describe('media through an HTTP proxy pool', () => {
  test('the Imagine socket, the video calls and the download all leave through the account’s sticky proxy', async () => {
    harness = await startHarness({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      // The legacy video form (on an upstream that still has it), so the media post's egress is covered too.
      simulator: { videoProtocols: 'legacy' },
      env: {
        GROK2API_PROXY_BASE_PROXY_URL: `http://127.0.0.1:${first.port},http://127.0.0.1:${second.port}`,
        GROK2API_VIDEO_PROTOCOL: 'legacy',
      },
    });
    const origin = `127.0.0.1:${harness.simulator.port}`;
    await generateImage(harness);
    expect(imagineMessages(harness).length).toBeGreaterThan(0);
    const sticky = first.seen.includes(`CONNECT ${origin}`) ? first : second;
    const other = sticky === first ? second : first;
    // The WebSocket goes through a CONNECT tunnel of the account's proxy, and only that one.
    expect(sticky.seen).toContain(`CONNECT ${origin}`);
    expect(other.seen).toEqual([]);

    expect(await renderVideo(harness)).toMatchObject({ status: 'completed', error: null });
    expect(sticky.seen).toContain(`POST http://${origin}/rest/media/post/create`);
    expect(sticky.seen).toContain(`POST http://${origin}/rest/app-chat/conversations/new`);
    expect(
      sticky.seen.some(
        (line) => line.startsWith(`GET http://${origin}/users/`) && line.endsWith('/generated_video.mp4'),
      ),
    ).toBe(true);
    expect(other.seen).toEqual([]);
    expect(chatCalls(harness.simulator)).toHaveLength(1);
  });

  test('proxy.asset_proxy_url carries the download, the base proxy the rest', async () => {
    harness = await startHarness({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      simulator: { videoProtocols: 'legacy' },
      env: {
        GROK2API_PROXY_BASE_PROXY_URL: `http://127.0.0.1:${first.port}`,
        GROK2API_PROXY_ASSET_PROXY_URL: `http://127.0.0.1:${second.port}`,
        GROK2API_VIDEO_PROTOCOL: 'legacy',
      },
    });
    const origin = `127.0.0.1:${harness.simulator.port}`;
    expect(await renderVideo(harness)).toMatchObject({ status: 'completed' });
    expect(first.seen).toContain(`POST http://${origin}/rest/media/post/create`);
    expect(first.seen.some((line) => line.includes('/generated_video.mp4'))).toBe(false);
    expect(
      second.seen.some(
        (line) => line.startsWith(`GET http://${origin}/users/`) && line.endsWith('/generated_video.mp4'),
      ),
    ).toBe(true);
    expect(second.seen.some((line) => line.includes('/rest/'))).toBe(false);
  });
});

describe('media through a SOCKS5 proxy', () => {
  test('the Imagine socket leaves through the loopback bridge', async () => {
    harness = await startHarness({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_PROXY_BASE_PROXY_URL: `socks5://127.0.0.1:${socksPort}` },
    });
    await generateImage(harness);
    // Imagine answered, no chat-based fallback ran, and the only connection made went through SOCKS.
    expect(imagineMessages(harness).length).toBeGreaterThan(0);
    expect(chatCalls(harness.simulator)).toHaveLength(0);
    expect(socksSeen).toContain(`127.0.0.1:${harness.simulator.port}`);
  });

  test('proxy.asset_proxy_url over SOCKS5 carries the video download', async () => {
    // The base egress is direct, so the only connections through SOCKS are asset downloads.
    harness = await startHarness({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_PROXY_ASSET_PROXY_URL: `socks5://127.0.0.1:${socksPort}` },
    });
    expect(await renderVideo(harness)).toMatchObject({ status: 'completed', error: null });
    expect(socksSeen).toContain(`127.0.0.1:${harness.simulator.port}`);
  });

  test('a SOCKS5 proxy that refuses fails the image with 502 upstream_error; the account is not blamed', async () => {
    harness = await startHarness({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_PROXY_BASE_PROXY_URL: 'socks5://127.0.0.1:9' },
    });
    const response = await harness.api('/v1/images/generations', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-imagine-1.0', prompt: 'a fox' }),
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_error');
    expect(imagineMessages(harness)).toHaveLength(0);
    const tokens = (await (await harness.admin('/v1/admin/tokens')).json()) as {
      tokens: Record<string, { status: string; fail_count: number }[]>;
    };
    expect(Object.values(tokens.tokens).flat()[0]).toMatchObject({ status: 'active', fail_count: 0 });
  });
});
