import { afterAll, beforeAll, expect, test } from 'bun:test';
import zlib from 'node:zlib';
import { orderedFetch } from '../../src/upstream/egress/ordered-http';
import { startWireRecorder, type WireRecorder } from '../helpers/wire-recorder';

// The bun client's direct REST transport: our header order and casing on the wire, decoded
// bodies, and the caller's abort reaching a body in flight.

const TEXT = 'grok 你好 👋 '.repeat(50);
const ENCODERS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: (bytes) => zlib.gzipSync(bytes),
  deflate: (bytes) => zlib.deflateSync(bytes),
  br: (bytes) => zlib.brotliCompressSync(bytes),
  zstd: (bytes) => zlib.zstdCompressSync(bytes),
};

let server: ReturnType<typeof Bun.serve>;
let recorder: WireRecorder;
beforeAll(async () => {
  server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request) {
      const path = new URL(request.url).pathname.slice(1);
      if (path === 'endless') {
        // A chunk every 5 ms until the client goes away (then enqueue throws: the stream is closed).
        const body = new ReadableStream({
          pull: (controller) =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                try {
                  controller.enqueue(new Uint8Array(64));
                } catch {
                  // closed by the client's abort
                }
                resolve();
              }, 5),
            ),
        });
        return new Response(body);
      }
      const encode = ENCODERS[path];
      if (!encode) return new Response(TEXT);
      return new Response(new Uint8Array(encode(Buffer.from(TEXT))), { headers: { 'content-encoding': path } });
    },
  });
  recorder = await startWireRecorder();
  recorder.setTarget(`http://127.0.0.1:${server.port}`);
});
afterAll(async () => {
  await recorder.stop();
  server.stop(true);
});

test('headers leave in our order and casing, after Host, Connection and Content-Length', async () => {
  const headers: [string, string][] = [
    ['Pragma', 'no-cache'],
    ['User-Agent', 'UA'],
    ['Content-Type', 'application/json'],
    ['x-statsig-id', 's'],
    ['Cookie', 'sso=a'],
  ];
  const response = await orderedFetch(`${recorder.url}/plain`, { method: 'POST', headers, body: '{"a":1}' });
  expect(await response.text()).toBe(TEXT);
  const head = recorder.heads.at(-1)!;
  expect(head.method).toBe('POST');
  expect(head.headers.map(([name]) => name)).toEqual([
    'Host',
    'Connection',
    'Content-Length',
    ...headers.map(([name]) => name),
  ]);
  expect(head.headers[2]).toEqual(['Content-Length', '7']);
});

test.each(Object.keys(ENCODERS))('a %s body is decoded', async (encoding) => {
  const response = await orderedFetch(`http://127.0.0.1:${server.port}/${encoding}`, {
    headers: [['Accept-Encoding', 'gzip, deflate, br, zstd']],
  });
  expect(response.headers.get('content-encoding')).toBeNull();
  expect(await response.text()).toBe(TEXT);
});

test('aborting ends a body in flight', async () => {
  const controller = new AbortController();
  const response = await orderedFetch(`http://127.0.0.1:${server.port}/endless`, { signal: controller.signal });
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  let failed = false;
  try {
    while (!(await reader.read()).done);
  } catch {
    failed = true;
  }
  expect(failed).toBe(true);
});

test('an aborted signal rejects before anything is sent', async () => {
  const before = recorder.heads.length;
  await expect(orderedFetch(`${recorder.url}/plain`, { signal: AbortSignal.abort() })).rejects.toThrow();
  expect(recorder.heads.length).toBe(before);
});
