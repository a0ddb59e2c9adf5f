import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import { ProxyPool, proxyList } from '../../src/upstream/egress/proxy-pool';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

// A comma-separated proxy setting is a pool: sticky per account, rotated after a failure of the
// egress (reset_session_status_codes, transport), with cooldown.

describe('ProxyPool', () => {
  const LIST = 'http://a:1, http://b:2,http://c:3';

  test('one proxy or none is used as it is', () => {
    const pool = new ProxyPool();
    expect(pool.pick('', 'tok')).toBe('');
    expect(pool.pick('http://only:1', 'tok')).toBe('http://only:1');
    expect(proxyList(LIST)).toEqual(['http://a:1', 'http://b:2', 'http://c:3']);
  });

  test('an account sticks to its proxy, moves on after a failure, and comes back after the cooldown', () => {
    let now = 0;
    const pool = new ProxyPool({ now: () => now, cooldownSeconds: 60 });
    const first = pool.pick(LIST, 'account-1');
    expect(pool.pick(LIST, 'account-1')).toBe(first);
    pool.failed(first);
    const second = pool.pick(LIST, 'account-1');
    expect(second).not.toBe(first);
    expect(pool.pick(LIST, 'account-1')).toBe(second);
    expect(pool.status(LIST).find((entry) => entry.proxy.startsWith(first))).toMatchObject({
      healthy: false,
      failures: 1,
    });
    now += 61_000;
    expect(pool.status(LIST).every((entry) => entry.healthy)).toBe(true);
  });

  test('when every proxy cools, the one that recovers first is used', () => {
    let now = 0;
    const pool = new ProxyPool({ now: () => now, cooldownSeconds: 60 });
    pool.failed('http://b:2');
    now += 10;
    pool.failed('http://a:1');
    now += 10;
    pool.failed('http://c:3');
    expect(pool.pick(LIST, 'x')).toBe('http://b:2');
  });

  test('credentials are masked in the status', () => {
    const pool = new ProxyPool();
    expect(pool.status('http://user:very-secret-password@p:1,http://q:2')[0]!.proxy).not.toContain(
      'very-secret-password',
    );
  });
});

describe('through the gateway', () => {
  const proxies: { server: Server; port: number; seen: string[] }[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const server = createProxy(createServer());
      const seen: string[] = [];
      server.on('request', (request) => seen.push(`${request.method} ${request.url}`));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      proxies.push({ server, port: (server.address() as AddressInfo).port, seen });
    }
  });
  afterAll(() => proxies.forEach((proxy) => proxy.server.close()));

  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.stop();
    harness = null;
  });

  test('a challenged egress is rotated: the retry leaves through the other proxy', async () => {
    const list = proxies.map((proxy) => `http://127.0.0.1:${proxy.port}`).join(',');
    harness = await startHarness({ env: { GROK2API_PROXY_BASE_PROXY_URL: list } });
    harness.simulator.enqueueFault({ kind: 'cloudflare', match: { path: '/rest/app-chat/conversations/new' } });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(200);
    expect(chatCalls(harness.simulator)).toHaveLength(2);
    const chatVia = proxies.map((proxy) => proxy.seen.filter((line) => line.includes('/conversations/new')).length);
    expect(chatVia).toEqual([1, 1]);
    const status = (await (await harness.admin('/v1/admin/diagnostics/proxies')).json()) as {
      base: { healthy: boolean; failures: number }[];
    };
    expect(status.base.map((entry) => entry.failures).sort()).toEqual([0, 1]);
  });
});
