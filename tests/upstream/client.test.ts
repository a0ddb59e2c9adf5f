import { afterEach, describe, expect, test } from 'bun:test';
import type { Config } from '../../src/config/schema';
import { UpstreamError } from '../../src/upstream/errors';
import { GrokClient } from '../../src/upstream/grok/client';
import type { GrokEvent } from '../../src/upstream/grok/frames';
import type { RetryEnvironment } from '../../src/upstream/retry';
import { line, startFakeUpstream, streamBody, tokenFrame, type FakeUpstream, type Handler } from './fake-upstream';
import { testConfig } from './test-config';

let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
});

const noSleep: RetryEnvironment = { sleep: async () => {}, random: () => 0.5 };

function clientFor(handler: Handler, overrides: Parameters<typeof testConfig>[0] = {}) {
  upstream = startFakeUpstream(handler);
  const base = upstream.url;
  const config: Config = testConfig({
    ...overrides,
    upstream: { base_url: base, assets_url: `${base}/assets`, chat_transport: 'rest', ...overrides.upstream },
    proxy: { cf_clearance: 'clear-1', ...overrides.proxy },
  });
  return { client: new GrokClient({ config: () => config, retryEnvironment: noSleep }), server: upstream };
}

async function collect(events: AsyncIterable<GrokEvent>): Promise<GrokEvent[]> {
  const seen: GrokEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

const CONVERSATION = line({ result: { conversation: { conversationId: 'conv_1' } } });
const payload = { message: 'hi', modeId: 'fast' };

describe('GrokClient.chat', () => {
  test('sends the browser headers, cookies and statsig, and streams events', async () => {
    const body = [
      CONVERSATION,
      line({ result: { response: { token: '想', isThinking: true, messageTag: 'analysis', responseId: 'resp_1' } } }),
      tokenFrame('你好👋 <grok:ren'),
      tokenFrame('der card_id="x" type="render_file"></grok:render>done'),
      line({
        result: {
          response: {
            modelResponse: {
              responseId: 'resp_1',
              message: '你好👋 done',
              metadata: { llm_info: { modelHash: 'h1' } },
            },
          },
        },
      }),
      line({ result: { response: { finalMetadata: {}, isSoftStop: true } } }),
    ].join('');
    // Deliver the body in 3-byte pieces so characters and tags split across reads.
    const pieces = body.match(/[\s\S]{1,3}/gu) ?? [];
    const { client, server } = clientFor(
      () => new Response(streamBody(pieces), { headers: { 'content-type': 'application/json' } }),
    );

    const stream = await client.chat({ token: 'sso=tok-a', payload });
    const events = await collect(stream.events);
    expect(events).toEqual([
      { type: 'conversation', conversationId: 'conv_1' },
      { type: 'reasoning', text: '想', responseId: 'resp_1' },
      { type: 'text', text: '你好👋 ', responseId: 'resp_1' },
      { type: 'text', text: 'done', responseId: 'resp_1' },
      {
        type: 'final',
        responseId: 'resp_1',
        message: '你好👋 done',
        rawMessage: '你好👋 done',
        generatedImageUrls: [],
        modelHash: 'h1',
      },
      { type: 'done' },
    ]);

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0];
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/rest/app-chat/conversations/new');
    expect(JSON.parse(sent.body)).toEqual(payload);
    expect(sent.headers.get('cookie')).toBe('sso=tok-a; sso-rw=tok-a; cf_clearance=clear-1');
    expect(sent.headers.get('origin')).toBe(server.url);
    expect(sent.headers.get('referer')).toBe(`${server.url}/`);
    expect(sent.headers.get('content-type')).toBe('application/json');
    expect(sent.headers.get('user-agent')).toBe(testConfig().proxy.user_agent);
    // The current release sends no client hints and no Sentry baggage on REST calls (§4.3).
    expect(sent.headers.get('sec-ch-ua-platform')).toBeNull();
    expect(sent.headers.get('baggage')).toBeNull();
    expect(sent.headers.get('cache-control')).toBe('no-cache');
    expect(sent.headers.get('pragma')).toBe('no-cache');
    expect(sent.headers.get('x-xai-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const statsig = Buffer.from(sent.headers.get('x-statsig-id') ?? '', 'base64').toString('utf8');
    expect(statsig).toStartWith('e:TypeError: Cannot read properties of ');
  });

  test('pre-flight: an in-band error before any content rejects chat()', async () => {
    const { client } = clientFor(
      () => new Response(streamBody([CONVERSATION, line({ error: { message: 'rate limited', code: 8 } })])),
    );
    const error = await failureOf(client.chat({ token: 'tok', payload }));
    expect(error).toMatchObject({ code: 'rate_limited', accountEffect: 'cool', retryable: true });
  });

  test('an in-band anti-bot error is retried with a new statsig value up to retry.max_retry attempts, then reported', async () => {
    const { client, server } = clientFor(
      () => new Response(streamBody([line({ error: { message: 'Request rejected by anti-bot rules.', code: 7 } })])),
    );
    const error = await failureOf(client.chat({ token: 'tok', payload }));
    expect(error.code).toBe('anti_bot');
    expect(server.requests).toHaveLength(3);
  });

  test('an HTTP 403 anti-bot answer is retried once and can succeed', async () => {
    let calls = 0;
    const { client, server } = clientFor(() =>
      ++calls === 1
        ? Response.json(
            { error: { message: 'Request rejected by anti-bot rules.', code: 7, details: [] } },
            { status: 403 },
          )
        : new Response(streamBody([CONVERSATION, tokenFrame('ok')])),
    );
    const stream = await client.chat({ token: 'tok', payload });
    expect((await collect(stream.events)).map((event) => event.type)).toEqual(['conversation', 'text', 'done']);
    expect(server.requests).toHaveLength(2);
  });

  test.each([
    [
      () =>
        new Response('<!DOCTYPE html><title>Just a moment...</title>', {
          status: 403,
          headers: { 'content-type': 'text/html' },
        }),
      'cloudflare_challenge',
      3,
    ],
    [() => new Response('{"error":"token expired"}', { status: 401 }), 'unauthorized', 1],
    [
      () => new Response('{"error":{"message":"slow down"}}', { status: 429, headers: { 'retry-after': '42' } }),
      'rate_limited',
      1,
    ],
    [() => new Response('{}', { status: 503 }), 'server_error', 1],
  ])('HTTP failures are classified (%#)', async (respond, code, attempts) => {
    const { client, server } = clientFor(respond);
    const error = await failureOf(client.chat({ token: 'secret-token', payload }));
    expect(String(error.code)).toBe(code);
    expect(server.requests).toHaveLength(attempts);
    expect(error.message).not.toContain('secret-token');
    if (code === 'rate_limited') expect(error.retryAfterSeconds).toBe(42);
  });

  test('the idle timeout ends a stalled stream with stream_idle_timeout', async () => {
    const { client } = clientFor(() => new Response(streamBody([CONVERSATION, tokenFrame('partial')], 'hold')), {
      chat: { stream_timeout: 0.2 },
    });
    const stream = await client.chat({ token: 'tok', payload });
    const seen: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of stream.events) seen.push(event.type);
      })(),
    );
    expect(seen).toEqual(['conversation', 'text']);
    expect(error).toMatchObject({ code: 'stream_idle_timeout', retryable: false });
  });

  test('a stall before any content rejects chat() but is not replayed: the upstream accepted the turn', async () => {
    const { client, server } = clientFor(() => new Response(streamBody([CONVERSATION], 'hold')), {
      chat: { stream_timeout: 0.2 },
    });
    const error = await failureOf(client.chat({ token: 'tok', payload }));
    expect(error).toMatchObject({ code: 'stream_idle_timeout', retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  test('a body cut inside a frame is stream_truncated', async () => {
    const { client } = clientFor(
      () => new Response(streamBody([CONVERSATION, tokenFrame('partial'), '{"result":{"response":{"tok'])),
    );
    const stream = await client.chat({ token: 'tok', payload });
    const seen: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of stream.events) seen.push(event.type);
      })(),
    );
    expect(seen).toEqual(['conversation', 'text']);
    expect(error).toMatchObject({ code: 'stream_truncated', retryable: false });
  });

  test('a connection broken mid-stream is a non-retryable failure', async () => {
    const { client } = clientFor(
      () =>
        new Response(
          new ReadableStream({
            async start(controller) {
              controller.enqueue(new TextEncoder().encode(CONVERSATION + tokenFrame('partial')));
              await Bun.sleep(20);
              controller.error(new Error('upstream crashed'));
            },
          }),
        ),
    );
    const stream = await client.chat({ token: 'tok', payload });
    const error = await failureOf(collect(stream.events));
    expect(['network', 'stream_truncated']).toContain(error.code);
    expect(error.retryable).toBe(false);
  });

  test('no response head within chat.timeout is a timeout', async () => {
    const { client } = clientFor(
      async () => {
        await Bun.sleep(2000);
        return new Response('late');
      },
      { chat: { timeout: 0.1 } },
    );
    const error = await failureOf(client.chat({ token: 'tok', payload }));
    // The POST went out: the upstream may be generating, so it is never sent again.
    expect(error).toMatchObject({ code: 'timeout', retryable: false, accountEffect: 'none' });
  });

  test("the caller's abort releases the upstream connection", async () => {
    let cancelled = () => {};
    const cancelledPromise = new Promise<void>((resolve) => (cancelled = resolve));
    const { client, server } = clientFor(
      () => new Response(streamBody([CONVERSATION, tokenFrame('a')], 'hold', () => cancelled())),
      {
        chat: { stream_timeout: 0 },
      },
    );
    const controller = new AbortController();
    const stream = await client.chat({ token: 'tok', payload, signal: controller.signal });
    const iterator = stream.events[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'conversation' });
    expect((await iterator.next()).value).toMatchObject({ type: 'text' });
    const pending = iterator.next();
    controller.abort(new Error('client went away'));
    expect(
      await pending.then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    ).toBe('client went away');
    await Promise.race([cancelledPromise, server.disconnected]);
  });

  test('close() releases the upstream connection and ends the iterator', async () => {
    let cancelled = () => {};
    const cancelledPromise = new Promise<void>((resolve) => (cancelled = resolve));
    const { client, server } = clientFor(
      () => new Response(streamBody([CONVERSATION, tokenFrame('a')], 'hold', () => cancelled())),
      {
        chat: { stream_timeout: 0 },
      },
    );
    const stream = await client.chat({ token: 'tok', payload });
    const iterator = stream.events[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const pending = iterator.next();
    stream.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await Promise.race([cancelledPromise, server.disconnected]);
  });

  test('a refused connection is a retryable network error', async () => {
    const { client, server } = clientFor(() => new Response('unused'));
    await server.stop();
    const error = await failureOf(client.chat({ token: 'tok', payload }));
    expect(error).toMatchObject({ code: 'network', retryable: true, accountEffect: 'none' });
  });

  test('a malformed token is refused before any request', async () => {
    const { client, server } = clientFor(() => new Response('unused'));
    const error = await failureOf(client.chat({ token: ' \u200B ', payload }));
    expect(error.code).toBe('unauthorized');
    expect(server.requests).toHaveLength(0);
  });
});

describe('GrokClient account calls', () => {
  test('rateLimits: P1 body by default, per-model body otherwise, tolerant parsing', async () => {
    const answers = [
      { windowSizeSeconds: 7200, remainingQueries: 137, totalQueries: 140, lowEffortRateLimits: null },
      { rateLimits: { remainingTokens: 5, window_size_seconds: 3600 } },
    ];
    const { client, server } = clientFor(() => Response.json(answers.shift()));
    expect(await client.rateLimits('tok')).toEqual({ remaining: 137, total: 140, windowSeconds: 7200 });
    expect(await client.rateLimits('tok', 'expert')).toEqual({ remaining: 5, total: null, windowSeconds: 3600 });
    expect(server.requests.map((request) => JSON.parse(request.body))).toEqual([
      { requestKind: 'DEFAULT', modelName: 'grok-4-1-thinking-1129' },
      { modelName: 'expert' },
    ]);
    expect(server.requests[0].path).toBe('/rest/rate-limits');
    expect(server.requests[0].headers.get('x-statsig-id')).toBeTruthy();
  });

  test('rateLimits retries a 502 and treats a 401 with markers as a confirmed expiry', async () => {
    const answers = [
      new Response('bad gateway', { status: 502 }),
      Response.json({ remainingQueries: 1 }),
      Response.json({ error: 'unauthenticated' }, { status: 401 }),
    ];
    const { client, server } = clientFor(() => answers.shift() ?? new Response('', { status: 500 }));
    expect(await client.rateLimits('tok', 'fast')).toEqual({ remaining: 1, total: null, windowSeconds: null });
    expect(server.requests).toHaveLength(2);
    const error = await failureOf(client.rateLimits('tok', 'fast'));
    expect(error).toMatchObject({ code: 'unauthorized', accountEffect: 'expire' });
    expect(server.requests).toHaveLength(3);
  });

  test('rateLimits without a remaining count is a bad response', async () => {
    const { client } = clientFor(() => Response.json({ hello: 'world' }));
    expect((await failureOf(client.rateLimits('tok'))).code).toBe('bad_response');
  });

  test('uploadFile sends the legacy JSON body when upload_protocol is legacy', async () => {
    const { client, server } = clientFor(
      () => Response.json({ fileMetadataId: 'file-1', fileUri: 'users/u/file-1/content' }),
      {
        upstream: { upload_protocol: 'legacy' },
      },
    );
    const result = await client.uploadFile('tok', {
      name: 'a.png',
      mimeType: 'image/png',
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(result).toEqual({ fileId: 'file-1', fileUri: 'users/u/file-1/content' });
    expect(server.requests[0].path).toBe('/rest/app-chat/upload-file');
    expect(JSON.parse(server.requests[0].body)).toEqual({
      fileName: 'a.png',
      fileMimeType: 'image/png',
      content: 'AQID',
    });
  });

  test('session reads the identity and recognises blocked accounts', async () => {
    const answers = [
      Response.json({
        status: 'authenticated',
        session: { userId: '497f19f8-49d4-458a-bee4-43ec3dcaf8ca', email: 'a@example.com' },
      }),
      Response.json({ user: { id: 'not-a-uuid', email: 'b@example.com' } }),
      Response.json({ status: 'blocked' }),
    ];
    const { client, server } = clientFor(() => answers.shift() ?? new Response('', { status: 500 }));
    expect(await client.session('tok')).toEqual({
      userId: '497f19f8-49d4-458a-bee4-43ec3dcaf8ca',
      email: 'a@example.com',
    });
    expect(await client.session('tok')).toEqual({ userId: null, email: 'b@example.com' });
    expect(await failureOf(client.session('tok'))).toMatchObject({ code: 'account_blocked', accountEffect: 'disable' });
    expect(server.requests[0].method).toBe('GET');
    expect(server.requests[0].path).toBe('/api/auth/session');
    expect(server.requests[0].headers.get('x-statsig-id')).toBeNull();
  });
});
