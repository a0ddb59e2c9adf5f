import { afterEach, describe, expect, test } from 'bun:test';
import { createServer, type Server as NodeServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import {
  HandshakeAwareWebSocket,
  refusalOf,
  type HandshakeRefusal,
} from '../../src/upstream/egress/handshake-websocket';
import { GatewaySocket } from '../../src/upstream/grok/gateway/gateway-socket';
import { UpstreamError } from '../../src/upstream/errors';

// A refused WebSocket upgrade, as a real server sends it: what the client learns (status, headers,
// body) and how the gateway socket classifies it.

let servers: { stop(): void }[] = [];
afterEach(() => {
  for (const server of servers) server.stop();
  servers = [];
});

function refusingServer(answer: () => Response) {
  const server = Bun.serve<string>({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request, bunServer) {
      if (
        new URL(request.url).pathname === '/open' &&
        bunServer.upgrade(request, { data: request.headers.get('cookie') ?? '' })
      )
        return undefined;
      return answer();
    },
    websocket: {
      message(socket, message) {
        socket.send(`echo ${String(message)} cookie=${String(socket.data)}`);
      },
    },
  });
  servers.push({ stop: () => server.stop(true) });
  return `ws://127.0.0.1:${server.port}`;
}

function refusal(url: string): Promise<{ refusal: HandshakeRefusal | undefined; closeCode: number }> {
  return new Promise((resolve) => {
    const socket = new HandshakeAwareWebSocket(url, { headers: { Cookie: 'sso=abc' } });
    let found: HandshakeRefusal | undefined;
    socket.addEventListener('error', (event) => (found = refusalOf(event)));
    socket.addEventListener('close', (event) => resolve({ refusal: found, closeCode: (event as CloseEvent).code }));
  });
}

describe('HandshakeAwareWebSocket', () => {
  test('a refused upgrade reports its status, headers and body, then closes with 1006', async () => {
    const url = refusingServer(() =>
      Response.json({ error: 'slow down' }, { status: 429, headers: { 'retry-after': '42' } }),
    );
    const { refusal: found, closeCode } = await refusal(`${url}/ws`);
    expect(found?.status).toBe(429);
    expect(found?.headers.get('retry-after')).toBe('42');
    expect(JSON.parse(found!.body)).toEqual({ error: 'slow down' });
    expect(closeCode).toBe(1006);
  });

  test('the body is read up to 16 KiB', async () => {
    const url = refusingServer(
      () => new Response('x'.repeat(100_000), { status: 403, headers: { 'content-type': 'text/html' } }),
    );
    const { refusal: found } = await refusal(`${url}/ws`);
    expect(found?.status).toBe(403);
    expect(found!.body.length).toBe(16 * 1024);
  });

  test('an accepted upgrade carries headers and text frames both ways, also through an HTTP proxy', async () => {
    const url = refusingServer(() => new Response('no', { status: 400 }));
    const seen: string[] = [];
    const proxy: NodeServer = createProxy(createServer());
    proxy.on('connect', (request) => seen.push(`CONNECT ${request.url}`));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    servers.push({ stop: () => proxy.close() });
    const socket = new HandshakeAwareWebSocket(`${url}/open`, {
      headers: { Cookie: 'sso=abc' },
      proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    });
    const reply = await new Promise<string>((resolve, reject) => {
      socket.addEventListener('open', () => socket.send('hello'));
      socket.addEventListener('message', (event) => resolve(String((event as MessageEvent).data)));
      socket.addEventListener('error', () => reject(new Error('failed')));
    });
    expect(reply).toBe('echo hello cookie=sso=abc');
    expect(socket.readyState).toBe(HandshakeAwareWebSocket.OPEN);
    socket.close(1000);
    expect(seen).toEqual([`CONNECT ${new URL(url).host}`]);
  });
});

describe('the gateway socket classifies the refusal like a REST answer', () => {
  const open = (url: string) =>
    GatewaySocket.open({ url, headers: {}, proxyUrl: '', handshakeTimeoutSeconds: 5 }).then(
      () => null,
      (error: unknown) => error as UpstreamError,
    );

  test('429 keeps its Retry-After', async () => {
    const error = await open(
      `${refusingServer(() => new Response('', { status: 429, headers: { 'retry-after': '17' } }))}/ws`,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 17, accountEffect: 'cool' });
  });

  test('a 403 JSON blocked user is the account’s, not a challenge', async () => {
    const body = JSON.stringify({ code: 7, message: 'User is blocked [WKE=unauthorized:blocked-user]', details: [] });
    const error = await open(
      `${refusingServer(() => new Response(body, { status: 403, headers: { 'content-type': 'application/json' } }))}/ws`,
    );
    expect(error?.code).toBe('account_blocked');
  });

  test('a 403 challenge page is a challenge', async () => {
    const page = '<!DOCTYPE html><title>Just a moment...</title><script src="/cdn-cgi/challenge-platform/x"></script>';
    const error = await open(
      `${refusingServer(() => new Response(page, { status: 403, headers: { 'content-type': 'text/html', server: 'cloudflare' } }))}/ws`,
    );
    expect(error?.code).toBe('cloudflare_challenge');
  });
});
