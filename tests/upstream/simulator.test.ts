import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import type { Config } from '../../src/config/schema';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { UpstreamError } from '../../src/upstream/errors';
import { GrokClient } from '../../src/upstream/grok/client';
import type { GrokEvent } from '../../src/upstream/grok/frames';
import { testConfig } from './test-config';

// The same client against the project's Grok simulator: the contract both sides were built to.

let sim: Simulator;
let config: Config;
let client: GrokClient;

beforeEach(async () => {
  sim = await startSimulator({ accounts: [{ token: 'tok-a', tier: 'basic' }] });
  // These tests drive the REST chat stream; the gateway transport has its own tests.
  config = testConfig({
    upstream: { base_url: sim.url, assets_url: sim.url, accounts_url: sim.url, chat_transport: 'rest' },
    chat: { stream_timeout: 0.3 },
  });
  client = new GrokClient({ config: () => config, retryEnvironment: { sleep: async () => {}, random: () => 0.5 } });
});

afterEach(async () => {
  await sim.stop();
});

const payload = { message: 'What is 2+2?', modeId: 'fast', temporary: true };
const thinkingPayload = { message: 'What is 2+2?', modeId: 'expert', temporary: true };

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

async function activeStreams(): Promise<number> {
  const health = (await (await fetch(`${sim.url}/__simulator/health`)).json()) as { activeStreams: number };
  return health.activeStreams;
}

const ANSWER_TOKENS = ['你好', '👋 <grok:ren', 'der card_id="none" type="render_file"></grok:render>', 'four {"4"}'];

describe('GrokClient against the simulator', () => {
  for (const framing of ['ndjson', 'sse', 'concatenated'] as const) {
    test(`a full ${framing} stream in 3-byte pieces becomes events`, async () => {
      sim.setOptions({ framing, chunkBytes: 3 });
      sim.script({ answerTokens: ANSWER_TOKENS, thinkingTokens: ['Let me ', 'think 🤔'] });
      const stream = await client.chat({ token: 'tok-a', payload: thinkingPayload });
      const events = await collect(stream.events);

      const text = events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('');
      const reasoning = events.flatMap((event) => (event.type === 'reasoning' ? [event.text] : [])).join('');
      expect(text).toBe('你好👋 four {"4"}');
      expect(reasoning).toBe('Let me think 🤔');
      expect(events[0].type).toBe('conversation');
      const final = events.find((event) => event.type === 'final');
      expect(final).toMatchObject({ type: 'final', message: '你好👋 four {"4"}', rawMessage: ANSWER_TOKENS.join('') });
      expect(final?.type === 'final' && typeof final.modelHash === 'string').toBe(true);
      expect(events.at(-1)).toEqual({ type: 'done' });
    });
  }

  test('what we sent: path, cookies, statsig, browser headers', async () => {
    config = testConfig({ ...config, proxy: { ...config.proxy, cf_clearance: 'clear-1', cf_cookies: '__cf_bm=bm-1' } });
    await collect((await client.chat({ token: 'sso=tok-a', payload })).events);
    const sent = sim.requests.find((request) => request.path === '/rest/app-chat/conversations/new');
    expect(sent).toBeDefined();
    expect(sent?.method).toBe('POST');
    expect(sent?.cookies).toMatchObject({ sso: 'tok-a', 'sso-rw': 'tok-a', cf_clearance: 'clear-1', __cf_bm: 'bm-1' });
    expect(sent?.headers['x-statsig-id']).toBeTruthy();
    expect(sent?.headers.origin).toBe(sim.url);
    expect(sent?.headers.referer).toBe(`${sim.url}/`);
    expect(sent?.headers['sec-fetch-mode']).toBe('cors');
    expect(sent?.body).toEqual(payload);
  });

  test('a manual 70-byte statsig passes the strict check', async () => {
    sim.setOptions({ strictStatsig: true });
    const value = Buffer.alloc(70, 1).toString('base64');
    config = testConfig({ ...config, upstream: { ...config.upstream, statsig_mode: 'manual', statsig_value: value } });
    await collect((await client.chat({ token: 'tok-a', payload })).events);
    expect(sim.requests.at(-1)?.headers['x-statsig-id']).toBe(value);
  });

  test('pre-flight rejects an in-band rate limit', async () => {
    sim.enqueueFault({ kind: 'inband_error', code: 8 });
    expect(await failureOf(client.chat({ token: 'tok-a', payload }))).toMatchObject({
      code: 'rate_limited',
      accountEffect: 'cool',
    });
  });

  test('pre-flight rejects an in-band usage limit', async () => {
    sim.enqueueFault({ kind: 'usage_limit' });
    expect(await failureOf(client.chat({ token: 'tok-a', payload }))).toMatchObject({
      code: 'usage_limit',
      accountEffect: 'cool',
    });
  });

  test('an in-band anti-bot rejection is retried once', async () => {
    sim.enqueueFault({ kind: 'inband_error', code: 7 });
    const events = await collect((await client.chat({ token: 'tok-a', payload })).events);
    expect(events.at(-1)).toEqual({ type: 'done' });
    expect(sim.requests.filter((request) => request.path === '/rest/app-chat/conversations/new')).toHaveLength(2);
  });

  test('a Cloudflare challenge is retried up to retry.max_retry attempts, then reported', async () => {
    sim.enqueueFault({ kind: 'cloudflare', times: 3 });
    const error = await failureOf(client.chat({ token: 'tok-a', payload }));
    expect(error).toMatchObject({ code: 'cloudflare_challenge', accountEffect: 'none', status: 403 });
  });

  test('HTTP 429 and an unknown token are classified', async () => {
    sim.enqueueFault({ kind: 'rate_limited', retryAfterSeconds: 30 });
    expect(await failureOf(client.chat({ token: 'tok-a', payload }))).toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 30,
    });
    expect(await failureOf(client.chat({ token: 'tok-unknown', payload }))).toMatchObject({ code: 'unauthorized' });
  });

  test('a stall mid-stream ends with stream_idle_timeout', async () => {
    sim.enqueueFault({ kind: 'stall', afterFrames: 3 });
    const stream = await client.chat({ token: 'tok-a', payload });
    const seen: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of stream.events) seen.push(event.type);
      })(),
    );
    expect(seen).toContain('text');
    expect(error).toMatchObject({ code: 'stream_idle_timeout', retryable: false });
  });

  test('a cut mid-stream ends with stream_truncated', async () => {
    sim.enqueueFault({ kind: 'cut', afterFrames: 3 });
    const stream = await client.chat({ token: 'tok-a', payload });
    const error = await failureOf(collect(stream.events));
    expect(error).toMatchObject({ code: 'stream_truncated', retryable: false });
  });

  test('stream errors in the final frame surface as stream_error', async () => {
    sim.enqueueFault({ kind: 'stream_errors', message: 'generation failed' });
    const error = await failureOf(client.chat({ token: 'tok-a', payload }).then((stream) => collect(stream.events)));
    expect(error.code).toBe('stream_error');
  });

  test('aborting releases the upstream stream', async () => {
    config = testConfig({ ...config, chat: { ...config.chat, stream_timeout: 0 } });
    sim.enqueueFault({ kind: 'stall', afterFrames: 3 });
    const controller = new AbortController();
    const stream = await client.chat({ token: 'tok-a', payload, signal: controller.signal });
    expect(await activeStreams()).toBe(1);
    const reading = collect(stream.events).catch((error: unknown) => error);
    controller.abort(new Error('gone'));
    expect(await reading).toMatchObject({ message: 'gone' });
    while ((await activeStreams()) !== 0) await Bun.sleep(10);
  });

  test('rate limits, session and upload', async () => {
    expect(await client.rateLimits('tok-a', 'fast')).toEqual({ remaining: 30, total: 30, windowSeconds: 86_400 });
    expect(await client.rateLimits('tok-a')).toEqual({ remaining: 30, total: 30, windowSeconds: 86_400 });
    const identity = await client.session('tok-a');
    expect(identity.userId).toMatch(/^[0-9a-f-]{36}$/);
    const file = { name: 'a.txt', mimeType: 'text/plain', bytes: new TextEncoder().encode('hello') };
    expect((await client.uploadFile('tok-a', file)).fileId).toBeTruthy();
    expect(sim.requests.some((request) => request.path === '/http/upload-file-v2/direct')).toBe(true);
    config = testConfig({ ...config, upstream: { ...config.upstream, upload_protocol: 'legacy' } });
    expect((await client.uploadFile('tok-a', file)).fileId).toBeTruthy();
    expect(sim.requests.find((request) => request.path === '/rest/app-chat/upload-file')?.body).toMatchObject({
      fileName: 'a.txt',
      fileMimeType: 'text/plain',
      content: 'aGVsbG8=',
    });
  });

  test('rate limits of an unknown token are a confirmed expiry', async () => {
    expect(await failureOf(client.rateLimits('tok-unknown', 'fast'))).toMatchObject({
      code: 'unauthorized',
      accountEffect: 'expire',
    });
  });
});
