import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createUpstreamFetch } from '../../src/upstream/egress/browser-fetch';
import { wreqWebSocket } from '../../src/upstream/egress/wreq-client';
import {
  EXTENSION,
  GROUP_X25519_MLKEM768,
  startHelloServer,
  type ClientHello,
  type HelloServer,
} from '../helpers/client-hello';
import { testConfig } from '../upstream/test-config';

// What each upstream client presents at the TLS layer, captured on loopback: the ClientHello a
// Cloudflare edge fingerprints before it sees one header. Chrome 146 (the current release's
// browser, docs/upstream-protocol.md §4.1) sends GREASE, ALPN h2 + http/1.1 (http/1.1 alone for
// a WebSocket), ALPS on the new codepoint naming "h2", brotli certificate compression, an ECH
// GREASE extension and the X25519MLKEM768 key share.

let server: HelloServer;
beforeAll(async () => {
  server = await startHelloServer();
});
afterAll(async () => {
  await server.stop();
});

const url = () => `https://localhost:${server.port}/`;

async function helloOfFetch(httpClient: 'bun' | 'impit' | 'wreq'): Promise<ClientHello> {
  const config = testConfig({ upstream: { http_client: httpClient } });
  const upstreamFetch = createUpstreamFetch(() => config);
  upstreamFetch(url(), { headers: [['User-Agent', config.proxy.user_agent]] }).catch(() => {});
  return server.next();
}

function chromeLike(hello: ClientHello): Record<string, unknown> {
  return {
    grease: hello.grease,
    alps: hello.alps,
    brotliCertificates: hello.certificateCompression.includes(2),
    echGrease: hello.extensions.includes(EXTENSION.encryptedClientHello),
    postQuantumKeyShare: hello.supportedGroups.includes(GROUP_X25519_MLKEM768),
  };
}

describe('ClientHello on loopback', () => {
  test('the bun client (node:https, direct calls): HTTP/1.1 only, no GREASE, ALPS or certificate compression', async () => {
    const hello = await helloOfFetch('bun');
    expect(hello.serverName).toBe('localhost');
    expect(hello.alpn).toEqual(['http/1.1']);
    expect(chromeLike(hello)).toMatchObject({ grease: false, alps: null, brotliCertificates: false, echGrease: false });
  });

  test("Bun's own fetch (the bun client through a proxy): the same non-browser hello", async () => {
    fetch(url()).catch(() => {});
    const hello = await server.next();
    expect(hello.alpn).toEqual(['http/1.1']);
    expect(chromeLike(hello)).toMatchObject({ grease: false, alps: null, brotliCertificates: false, echGrease: false });
  });

  test("Bun's WebSocket (chat gateway and Imagine by default): the same non-browser hello", async () => {
    const socket = new WebSocket(`wss://localhost:${server.port}/ws`);
    socket.addEventListener('error', () => {});
    const hello = await server.next();
    expect(hello.alpn).toEqual(['http/1.1']);
    expect(chromeLike(hello)).toMatchObject({ grease: false, alps: null, brotliCertificates: false });
  });

  test('impit (chrome146 → chrome142): Chrome-like, but ALPS names "impit" where Chrome names "h2"', async () => {
    const hello = await helloOfFetch('impit');
    expect(hello.alpn).toEqual(['h2', 'http/1.1']);
    expect(chromeLike(hello)).toEqual({
      grease: true,
      alps: { codepoint: EXTENSION.alpsNew, protocols: ['impit'] },
      brotliCertificates: true,
      echGrease: true,
      postQuantumKeyShare: true,
    });
  });

  test("wreq (chrome_146) for REST: Chrome's hello, ALPS naming h2", async () => {
    const hello = await helloOfFetch('wreq');
    expect(hello.alpn).toEqual(['h2', 'http/1.1']);
    expect(chromeLike(hello)).toEqual({
      grease: true,
      alps: { codepoint: EXTENSION.alpsNew, protocols: ['h2'] },
      brotliCertificates: true,
      echGrease: true,
      postQuantumKeyShare: true,
    });
  });

  test("wreq for the WebSockets: Chrome's hello with ALPN http/1.1", async () => {
    const config = testConfig({ upstream: { http_client: 'wreq' } });
    const Socket = await wreqWebSocket(config);
    const socket = new Socket(`wss://localhost:${server.port}/ws`, {
      headers: { 'User-Agent': config.proxy.user_agent },
    });
    socket.addEventListener('error', () => {});
    const hello = await server.next();
    expect(hello.alpn).toEqual(['http/1.1']);
    expect(chromeLike(hello)).toMatchObject({
      grease: true,
      brotliCertificates: true,
      echGrease: true,
      postQuantumKeyShare: true,
    });
    // Chrome pairs ALPS with h2 only; wreq still offers it here (recorded, not asserted as right).
    expect(hello.alps?.protocols).toEqual(['h2']);
  });

  test('Chrome permutes its extensions per connection; wreq does too', async () => {
    const orders = new Set<string>();
    for (let attempt = 0; attempt < 3; attempt++) orders.add((await helloOfFetch('wreq')).extensions.join(','));
    expect(orders.size).toBeGreaterThan(1);
  });
});
