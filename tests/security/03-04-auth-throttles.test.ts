import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientAddressOf, proxyList, rememberClientAddress } from '../../src/http/client-address';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';
import { startCluster, type Cluster } from '../helpers/cluster-harness';
import { REDIS_URL, redisPrefix } from '../storage/server-databases';

/**
 * Findings 3 and 4: the console sign-in throttle counted every client as one ('unknown': the
 * address was lost because the app is served through app.handle, which has no server to ask), so
 * five wrong passwords from anyone locked the admin out; and wrong admin Bearer keys (or client
 * keys) were not throttled at all. Now each is throttled per client address, the address survives
 * the gateway's own forwarding (the playground), X-Forwarded-For is believed only from
 * app.trusted_proxies, and the counts live in the shared store.
 */

const ATTACKER = '203.0.113.5';
const ADMIN = '198.51.100.7';

const from = (address: string, headers: Record<string, string> = {}) => ({
  'x-forwarded-for': address,
  'content-type': 'application/json',
  ...headers,
});

describe('throttles per client address (behind a trusted proxy)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: {
        GROK2API_APP_TRUSTED_PROXIES: '127.0.0.1',
        GROK2API_APP_FUNCTION_ENABLED: 'true',
        GROK2API_APP_FUNCTION_KEY: 'function-key-for-tests',
      },
    });
  });
  afterAll(() => harness.stop());

  const signIn = (address: string, password: string) =>
    fetch(`${harness.server.url}/v1/admin/session`, {
      method: 'POST',
      headers: from(address),
      body: JSON.stringify({ password }),
    });

  test('console sign-in: five wrong passwords lock out that address only', async () => {
    for (let attempt = 0; attempt < 5; attempt++) expect((await signIn(ATTACKER, 'guess')).status).toBe(401);
    const locked = await signIn(ATTACKER, APP_KEY);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn(ADMIN, APP_KEY)).status).toBe(200);
  });

  test('admin Bearer: ten wrong keys, then 429 even for the right key, from that address only', async () => {
    const verify = (address: string, key: string) =>
      fetch(`${harness.server.url}/v1/admin/verify`, { headers: from(address, { authorization: `Bearer ${key}` }) });
    const address = '203.0.113.10';
    for (let attempt = 0; attempt < 10; attempt++) expect((await verify(address, `wrong-${attempt}`)).status).toBe(401);
    const throttled = await verify(address, APP_KEY);
    expect(throttled.status).toBe(429);
    expect((await throttled.json()).error.code).toBe('auth_throttled');
    expect((await verify(ADMIN, APP_KEY)).status).toBe(200);
  });

  test('client keys: thirty wrong keys, then 429 from that address only', async () => {
    const models = (address: string, key: string) =>
      fetch(`${harness.server.url}/v1/models`, { headers: from(address, { authorization: `Bearer ${key}` }) });
    const address = '203.0.113.11';
    for (let attempt = 0; attempt < 30; attempt++)
      expect((await models(address, `sk-wrong-${attempt}`)).status).toBe(401);
    expect((await models(address, API_KEY)).status).toBe(429);
    expect((await models('203.0.113.12', API_KEY)).status).toBe(200);
  });

  test('wrong playground keys count per address too (its calls are then forwarded through app.handle)', async () => {
    const address = '203.0.113.20';
    const call = (client: string, key: string) =>
      fetch(`${harness.server.url}/v1/function/chat/completions`, {
        method: 'POST',
        headers: from(client, { authorization: `Bearer ${key}` }),
        body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] }),
      });
    for (let attempt = 0; attempt < 30; attempt++) expect((await call(address, `wrong-${attempt}`)).status).toBe(401);
    expect((await call(address, 'function-key-for-tests')).status).toBe(429);
    expect((await call('203.0.113.21', 'function-key-for-tests')).status).toBe(200);
  });
});

describe('X-Forwarded-For is believed only from a configured proxy', () => {
  test('the nearest untrusted hop wins; without trust the socket address is the client', () => {
    const request = rememberClientAddress(
      new Request('http://gateway/', { headers: { 'x-forwarded-for': '1.2.3.4, 203.0.113.9, 10.0.0.2' } }),
      '10.0.0.1',
    );
    expect(clientAddressOf(request)).toBe('10.0.0.1');
    expect(clientAddressOf(request, proxyList([]))).toBe('10.0.0.1');
    expect(clientAddressOf(request, proxyList(['10.0.0.0/8']))).toBe('203.0.113.9');
    const mapped = rememberClientAddress(new Request('http://gateway/'), '::ffff:127.0.0.1');
    expect(clientAddressOf(mapped)).toBe('127.0.0.1');
    expect(clientAddressOf(new Request('http://gateway/'))).toBe('unknown');
  });
});

describe('counts are shared through the store', () => {
  const redis = redisPrefix('throttle');
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({
      storageType: 'redis',
      storageUrl: `${REDIS_URL}?prefix=${redis.prefix}`,
      upstreamAccounts: [{ token: 'acct-a', tier: 'basic' }],
      accounts: [{ token: 'acct-a', pool: 'ssoBasic' }],
    });
  });
  afterAll(async () => {
    await cluster.stop();
    await redis.drop();
  });

  test('wrong passwords on one instance lock the address out on the other', async () => {
    const signIn = (instance: number, password: string) =>
      fetch(`${cluster.servers[instance]!.url}/v1/admin/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
    for (let attempt = 0; attempt < 5; attempt++) expect((await signIn(attempt % 2, 'guess')).status).toBe(401);
    expect((await signIn(1, APP_KEY)).status).toBe(429);
    expect((await signIn(0, APP_KEY)).status).toBe(429);
  });
});

describe('behind SERVER_WORKERS=2 (two processes on one port and one SQLite file)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-throttle-workers-'));
  let supervisor: ReturnType<typeof Bun.spawn> | undefined;
  let port = 0;
  beforeAll(async () => {
    const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    port = listener.port;
    listener.stop(true);
    supervisor = Bun.spawn([process.execPath, join(import.meta.dir, '..', '..', 'src', 'index.ts')], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        SERVER_WORKERS: '2',
        SERVER_HOST: '127.0.0.1',
        SERVER_PORT: String(port),
        LOG_FILE_ENABLED: 'false',
        LOG_LEVEL: 'info',
        GROK2API_APP_APP_KEY: APP_KEY,
        GROK2API_APP_TRUSTED_PROXIES: '127.0.0.1',
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
      },
      stdout: 'pipe',
      stderr: 'ignore',
    });
    const reader = (supervisor.stdout as ReadableStream<Uint8Array>).getReader();
    let output = '';
    while ((output.match(/grok2api listening/g) ?? []).length < 2) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`workers exited: ${output.slice(-400)}`);
      output += new TextDecoder().decode(value);
    }
    void (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();
  }, 30_000);
  afterAll(async () => {
    supervisor?.kill('SIGTERM');
    await supervisor?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the lock-out follows the guessing address on every worker, and only that address', async () => {
    // A new connection each time, so the kernel spreads the calls over both processes.
    const signIn = (address: string, password: string) =>
      fetch(`http://127.0.0.1:${port}/v1/admin/session`, {
        method: 'POST',
        headers: from(address, { connection: 'close' }),
        body: JSON.stringify({ password }),
      });
    for (let attempt = 0; attempt < 5; attempt++) expect((await signIn(ATTACKER, 'guess')).status).toBe(401);
    for (let attempt = 0; attempt < 6; attempt++) {
      expect((await signIn(ATTACKER, APP_KEY)).status).toBe(429);
      expect((await signIn(ADMIN, APP_KEY)).status).toBe(200);
    }
  });
});
