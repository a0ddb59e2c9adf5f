import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { closeEgressBridges } from '../../src/upstream/egress/egress-proxy';
import { CHAT_TRANSPORTS, startHarness, type Harness } from '../helpers/gateway-harness';

// proxy.skip_proxy_ssl_verify: an https:// proxy with a self-signed certificate (the `proxy`
// package behind node:https, certificate made with openssl) is refused unless the operator says so.

let folder: string;
let proxyServer: ReturnType<typeof createProxy>;
let proxyPort: number;
const seen: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'grok2api-proxy-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-keyout',
      join(folder, 'key.pem'),
      '-out',
      join(folder, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  proxyServer = createProxy(
    createServer({ key: readFileSync(join(folder, 'key.pem')), cert: readFileSync(join(folder, 'cert.pem')) }),
  );
  proxyServer.on('request', (request) => seen.push(`${request.method} ${request.url}`));
  proxyServer.on('connect', (request) => seen.push(`CONNECT ${request.url}`));
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxyServer.address() as AddressInfo).port;
});
afterAll(async () => {
  await closeEgressBridges();
  proxyServer.close();
  rmSync(folder, { recursive: true, force: true });
});

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
  seen.length = 0;
});

const ask = (h: Harness) =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
  });

describe.each(CHAT_TRANSPORTS)('an https proxy with an untrusted certificate over %s', (transport) => {
  test('is refused by default (502 upstream_error, nothing reaches the proxy as a request)', async () => {
    harness = await startHarness({
      transport,
      env: { GROK2API_PROXY_BASE_PROXY_URL: `https://127.0.0.1:${proxyPort}`, GROK2API_RETRY_MAX_RETRY: '1' },
    });
    const response = await ask(harness);
    expect(response.status).toBe(502);
    expect(seen).toEqual([]);
  });

  test('is used with proxy.skip_proxy_ssl_verify', async () => {
    harness = await startHarness({
      transport,
      env: {
        GROK2API_PROXY_BASE_PROXY_URL: `https://127.0.0.1:${proxyPort}`,
        GROK2API_PROXY_SKIP_PROXY_SSL_VERIFY: 'true',
      },
    });
    expect((await ask(harness)).status).toBe(200);
    expect(seen.length).toBeGreaterThan(0);
  });
});
