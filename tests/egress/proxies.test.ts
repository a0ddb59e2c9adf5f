import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import socks5 from 'simple-socks';
import { closeEgressBridges } from '../../src/upstream/egress/egress-proxy';
import { CHAT_TRANSPORTS, chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

// proxy.base_proxy_url with a real HTTP proxy (`proxy` from npm) and a real SOCKS5 proxy
// (`simple-socks` from npm), both on loopback, carrying REST calls and the gateway WebSocket.

let httpProxy: Server;
let httpProxyPort: number;
const httpProxySeen: string[] = [];
let socksProxy: ReturnType<typeof socks5.createServer>;
let socksPort: number;
const socksSeen: string[] = [];

beforeAll(async () => {
  httpProxy = createProxy(createServer());
  httpProxy.on('request', (request) => httpProxySeen.push(`${request.method} ${request.url}`));
  httpProxy.on('connect', (request) => httpProxySeen.push(`CONNECT ${request.url}`));
  await new Promise<void>((resolve) => httpProxy.listen(0, '127.0.0.1', resolve));
  httpProxyPort = (httpProxy.address() as AddressInfo).port;

  socksProxy = socks5.createServer();
  socksProxy.on('proxyConnect', (info: { address: string; port: number }) =>
    socksSeen.push(`${info.address}:${info.port}`),
  );
  await new Promise<void>((resolve) => socksProxy.listen(0, '127.0.0.1', () => resolve()));
  socksPort = (socksProxy.address() as AddressInfo).port;
});
afterAll(async () => {
  await closeEgressBridges();
  httpProxy.close();
  socksProxy.close();
});

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
  httpProxySeen.length = 0;
  socksSeen.length = 0;
});

const ask = (h: Harness) =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'via proxy' }] }),
  });

describe.each(CHAT_TRANSPORTS)('egress over %s', (transport) => {
  test('an HTTP proxy carries the chat (and the identity lookup)', async () => {
    harness = await startHarness({
      transport,
      env: { GROK2API_PROXY_BASE_PROXY_URL: `http://127.0.0.1:${httpProxyPort}` },
    });
    const response = await ask(harness);
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
    ).toContain('via proxy');
    const port = harness.simulator.port;
    if (transport === 'rest')
      expect(httpProxySeen).toContain(`POST http://127.0.0.1:${port}/rest/app-chat/conversations/new`);
    else {
      expect(httpProxySeen).toContain(`GET http://127.0.0.1:${port}/api/auth/session`);
      // The WebSocket goes through a CONNECT tunnel.
      expect(httpProxySeen).toContain(`CONNECT 127.0.0.1:${port}`);
    }
    expect(chatCalls(harness.simulator)).toHaveLength(1);
  });

  test('a SOCKS5 proxy carries the chat through the loopback bridge', async () => {
    harness = await startHarness({
      transport,
      env: { GROK2API_PROXY_BASE_PROXY_URL: `socks5://127.0.0.1:${socksPort}` },
    });
    const response = await ask(harness);
    expect(response.status).toBe(200);
    const port = harness.simulator.port;
    expect(socksSeen.filter((destination) => destination === `127.0.0.1:${port}`).length).toBeGreaterThan(0);
    expect(chatCalls(harness.simulator)).toHaveLength(1);
  });

  test('a SOCKS5 proxy that refuses is a 502 upstream_error and the account is not blamed', async () => {
    harness = await startHarness({ transport, env: { GROK2API_PROXY_BASE_PROXY_URL: 'socks5://127.0.0.1:9' } });
    const response = await ask(harness);
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_error');
    const tokens = (await (await harness.admin('/v1/admin/tokens')).json()) as {
      tokens: Record<string, { status: string; fail_count: number }[]>;
    };
    expect(Object.values(tokens.tokens).flat()[0]).toMatchObject({ status: 'active', fail_count: 0 });
  });
});

test('with http_client = wreq an HTTP proxy carries the REST calls', async () => {
  harness = await startHarness({
    env: { GROK2API_PROXY_BASE_PROXY_URL: `http://127.0.0.1:${httpProxyPort}`, GROK2API_UPSTREAM_HTTP_CLIENT: 'wreq' },
  });
  const response = await ask(harness);
  expect(response.status).toBe(200);
  // A plain-http target goes to the proxy in absolute form, as with Bun's fetch. (wreq sends a
  // ws:// upgrade that way too, which this proxy refuses with 426; a wss:// one uses CONNECT.)
  expect(httpProxySeen).toContain(`POST http://127.0.0.1:${harness.simulator.port}/rest/app-chat/conversations/new`);
  expect(chatCalls(harness.simulator)).toHaveLength(1);
});
