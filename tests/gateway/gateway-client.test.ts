import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import type { Config } from '../../src/config/schema';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { UpstreamError } from '../../src/upstream/errors';
import { GrokClient } from '../../src/upstream/grok/client';
import type { GrokEvent } from '../../src/upstream/grok/frames';
import { startGatewayChat } from '../../src/upstream/grok/gateway/gateway-chat';
import { testConfig } from '../upstream/test-config';

// Our gateway client against the simulator's gateway: transport choice, identity cache, the
// heartbeat, abort, and the multipart upload option.

const USER_ID = '497f19f8-49d4-458a-bee4-43ec3dcaf8ca';
let simulator: Simulator;
let config: Config;
let client: GrokClient;

beforeEach(async () => {
  simulator = await startSimulator({
    accounts: [
      { token: 'tok-a', tier: 'super', userId: USER_ID },
      { token: 'tok-no-uuid', tier: 'super', userId: 'legacy-user-7' },
    ],
  });
  config = testConfig({
    upstream: { base_url: simulator.url, assets_url: simulator.url, accounts_url: simulator.url, chat_transport: 'ws' },
    chat: { stream_timeout: 2 },
  });
  client = new GrokClient({ config: () => config, retryEnvironment: { sleep: async () => {}, random: () => 0.5 } });
});
afterEach(() => simulator.stop());

const payload = { message: '[user]\nWhat is 2+2?', modeId: 'fast', fileAttachments: [] as string[] };
const paths = () => simulator.requests.map((request) => `${request.method} ${request.path}`);

async function answer(token = 'tok-a'): Promise<string> {
  const stream = await client.chat({ token, payload });
  let text = '';
  for await (const event of stream.events) if (event.type === 'text') text += event.text;
  return text;
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

describe('transport selection', () => {
  test('ws: the user id is looked up once per account and reused', async () => {
    expect(await answer()).toContain('Hello from the Grok simulator (mode fast)');
    expect(await answer()).toContain('You said: What is 2+2?');
    expect(paths().filter((path) => path === 'GET /api/auth/session')).toHaveLength(1);
    expect(paths().filter((path) => path === 'GET /ws/mgw/')).toHaveLength(2);
    expect(paths()).not.toContain('POST /rest/app-chat/conversations/new');
  });

  test('ws: an account without a UUID user id cannot use the gateway', async () => {
    const error = await failureOf(client.chat({ token: 'tok-no-uuid', payload }));
    expect(error.message).toContain('no UUID user id');
    expect(error.accountEffect).toBe('none');
  });

  test('auto: an account without a UUID user id is served over REST', async () => {
    config.upstream.chat_transport = 'auto';
    expect(await answer('tok-no-uuid')).toContain('Hello from the Grok simulator');
    expect(paths()).toContain('POST /rest/app-chat/conversations/new');
    expect(paths()).not.toContain('GET /ws/mgw/');
  });

  test('auto: a gateway that answers 404 falls back to REST; ws reports it', async () => {
    config.upstream.chat_transport = 'auto';
    simulator.enqueueFault({ kind: 'status', status: 404, match: { path: '/ws/mgw/' } });
    expect(await answer()).toContain('Hello from the Grok simulator');
    expect(paths()).toEqual(['GET /api/auth/session', 'GET /ws/mgw/', 'POST /rest/app-chat/conversations/new']);
    config.upstream.chat_transport = 'ws';
    simulator.enqueueFault({ kind: 'status', status: 404, match: { path: '/ws/mgw/' } });
    expect((await failureOf(client.chat({ token: 'tok-a', payload }))).status).toBe(404);
  });

  test('rest: no identity lookup and no socket', async () => {
    config.upstream.chat_transport = 'rest';
    await answer();
    expect(paths()).toEqual(['POST /rest/app-chat/conversations/new']);
  });

  test('an account rejected at the handshake is looked up again next time', async () => {
    simulator.enqueueFault({ kind: 'unauthorized', match: { path: '/ws/mgw/' } });
    expect((await failureOf(client.chat({ token: 'tok-a', payload }))).accountEffect).toBe('auth_failure');
    await answer();
    expect(paths().filter((path) => path === 'GET /api/auth/session')).toHaveLength(2);
  });
});

describe('the socket', () => {
  test('pings while the answer is slow, and a client abort closes the socket', async () => {
    simulator.setOptions({ tokenDelayMs: 60 });
    simulator.script({ answerTokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    const controller = new AbortController();
    const stream = await startGatewayChat({
      config,
      token: 'tok-a',
      userId: USER_ID,
      turn: { mode: 'fast', message: 'x', fileIds: [] },
      signal: controller.signal,
      heartbeatSeconds: 0.05,
    });
    const seen: GrokEvent[] = [];
    const ending = await (async () => {
      for await (const event of stream.events) {
        seen.push(event);
        if (seen.filter((item) => item.type === 'text').length === 4) controller.abort(new Error('client gone'));
      }
      return 'ended quietly';
    })().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    // A quiet end would read as a completed turn and be charged; the abort must surface.
    expect(ending).toBe('client gone');
    const pings = simulator.requests.filter(
      (request) => request.method === 'WS' && (request.body as { event: { type: string } }).event.type === 'ping',
    );
    expect(pings.length).toBeGreaterThan(0);
    // The simulator sees the socket go away and stops streaming.
    for (let i = 0; i < 100 && (await health()).activeStreams > 0; i++) await Bun.sleep(10);
    expect((await health()).activeStreams).toBe(0);
    expect(seen.some((event) => event.type === 'done')).toBe(false);
  });

  test('an abort before the turn was sent ends the stream with the abort, not as a finished answer', async () => {
    const controller = new AbortController();
    const stream = await startGatewayChat({
      config,
      token: 'tok-a',
      userId: USER_ID,
      turn: { mode: 'fast', message: 'x', fileIds: [] },
      signal: controller.signal,
    });
    controller.abort(new Error('client gone'));
    const seen: GrokEvent[] = [];
    const ending = await (async () => {
      for await (const event of stream.events) seen.push(event);
      return 'ended quietly';
    })().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    expect(ending).toBe('client gone');
    expect(seen.some((event) => event.type === 'done')).toBe(false);
  });

  test('attachments travel as file mentions before the one text chunk', async () => {
    const stream = await startGatewayChat({
      config,
      token: 'tok-a',
      userId: USER_ID,
      turn: { mode: 'fast', message: 'see file', fileIds: ['file-1'] },
    });
    for await (const _ of stream.events);
    const item = simulator.requests.find(
      (request) =>
        request.method === 'WS' &&
        (request.body as { event: { type: string } }).event.type === 'conversation.item.create',
    )!;
    const event = (item.body as { event: Record<string, any> }).event;
    expect(event.item.x_grok.input_chunks).toEqual([
      { mention: { target: { file_mention: { file_id: 'file-1' } } } },
      { text: { text: 'see file' } },
    ]);
    expect(event.file_attachment_ids).toEqual(['file-1']);
    expect(event.item.file_attachment_ids).toEqual(['file-1']);
  });
});

async function health(): Promise<{ activeStreams: number }> {
  return (await fetch(`${simulator.url}/__simulator/health`)).json() as Promise<{ activeStreams: number }>;
}

describe('multipart upload (upstream.upload_protocol = multipart)', () => {
  test('sends one file part without x-xai-request-id and returns the metadata id', async () => {
    config.upstream.upload_protocol = 'multipart';
    const uploaded = await client.uploadFile('tok-a', {
      name: 'note\r\n.txt',
      mimeType: 'text/plain',
      bytes: new TextEncoder().encode('hello'),
    });
    const [request] = simulator.requests;
    expect(request!.path).toBe('/http/upload-file-v2/direct');
    expect(request!.headers['content-type']).toStartWith('multipart/form-data; boundary=');
    expect(request!.headers['x-xai-request-id']).toBeUndefined();
    const body = request!.body as { file: { fileName: string; type: string; size: number } };
    expect(Object.keys(body)).toEqual(['file']);
    expect(body.file).toMatchObject({ fileName: 'note.txt', size: 5 });
    expect(body.file.type).toStartWith('text/plain');
    expect(uploaded.fileId).toBeTruthy();
    expect(uploaded.fileUri).toContain(USER_ID);
  });
});

describe('deadlines from config', () => {
  test('chat.connect_timeout bounds a handshake that never completes', async () => {
    // Accepts TCP and then says nothing, like a black-holed proxy.
    const silent = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    try {
      const blackHole = testConfig({
        upstream: { base_url: `http://127.0.0.1:${silent.port}` },
        chat: { connect_timeout: 0.2 },
      });
      const error = await failureOf(
        startGatewayChat({
          config: blackHole,
          token: 'tok-a',
          userId: USER_ID,
          turn: { mode: 'fast', message: 'x', fileIds: [] },
        }),
      );
      expect(error).toMatchObject({ code: 'timeout', retryable: true, accountEffect: 'none' });
      expect(error.message).toContain('0.2s');
    } finally {
      silent.stop(true);
    }
  });

  test('a turn that goes silent after response.create times out on chat.stream_timeout and is never sent again', async () => {
    simulator.enqueueFault({ kind: 'stall', afterFrames: 0 });
    config.chat.stream_timeout = 0.2;
    const error = await failureOf(client.chat({ token: 'tok-a', payload }));
    expect(error).toMatchObject({ code: 'stream_idle_timeout', retryable: false });
    expect(paths().filter((path) => path === 'GET /ws/mgw/')).toHaveLength(1);
  });
});
