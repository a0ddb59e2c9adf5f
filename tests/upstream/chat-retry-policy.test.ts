import { afterEach, describe, expect, test } from 'bun:test';
import type { Config } from '../../src/config/schema';
import { UpstreamError } from '../../src/upstream/errors';
import { GrokClient } from '../../src/upstream/grok/client';
import { line, startFakeUpstream, streamBody, tokenFrame, type FakeUpstream, type Handler } from './fake-upstream';
import { testConfig } from './test-config';

// Layer 1 of a chat turn follows retry.* exactly: attempts, statuses, backoff, Retry-After cap and
// budget. The sleeps are recorded, not slept (random fixed at 0.5).

let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
});

const payload = { message: 'hi', modeId: 'fast' };
const CONVERSATION = line({ result: { conversation: { conversationId: 'c1' } } });

function clientFor(handler: Handler, retry: Partial<Config['retry']>) {
  upstream = startFakeUpstream(handler);
  const config = testConfig({
    upstream: { base_url: upstream.url, assets_url: upstream.url, chat_transport: 'rest' },
    retry,
  });
  const sleeps: number[] = [];
  const client = new GrokClient({
    config: () => config,
    retryEnvironment: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
  });
  return { client, server: upstream, sleeps };
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

const antiBot = () =>
  Response.json({ error: { message: 'Request rejected by anti-bot rules.', code: 7, details: [] } }, { status: 403 });
const unavailable = (retryAfter?: string) =>
  new Response('{}', { status: 503, headers: retryAfter ? { 'retry-after': retryAfter } : {} });

describe('chat layer-1 retry follows retry.*', () => {
  test('retry.max_retry is the number of attempts', async () => {
    const { client, server } = clientFor(antiBot, { max_retry: 2 });
    expect((await failureOf(client.chat({ token: 'tok', payload }))).code).toBe('anti_bot');
    expect(server.requests).toHaveLength(2);
  });

  test('a status missing from retry_status_codes is not retried; an added one is', async () => {
    const first = clientFor(antiBot, { retry_status_codes: [502] });
    await failureOf(first.client.chat({ token: 'tok', payload }));
    expect(first.server.requests).toHaveLength(1);
    await first.server.stop();
    const second = clientFor(() => unavailable(), { retry_status_codes: [503], max_retry: 3 });
    await failureOf(second.client.chat({ token: 'tok', payload }));
    expect(second.server.requests).toHaveLength(3);
    // Full jitter on base × factor^n with random 0.5: 0.25 s, then 0.5 s.
    expect(second.sleeps).toEqual([250, 500]);
  });

  test('Retry-After is honoured and capped at retry_backoff_max', async () => {
    const { client, sleeps } = clientFor(() => unavailable('100'), {
      retry_status_codes: [503],
      max_retry: 2,
      retry_backoff_max: 7,
    });
    await failureOf(client.chat({ token: 'tok', payload }));
    expect(sleeps).toEqual([7000]);
  });

  test('retry_budget bounds the total sleep', async () => {
    const { client, server, sleeps } = clientFor(() => unavailable(), {
      retry_status_codes: [503],
      max_retry: 5,
      retry_budget: 0.6,
    });
    await failureOf(client.chat({ token: 'tok', payload }));
    // 0.25 s fits; 0.25 + 0.5 would exceed 0.6 s, so the third attempt never happens.
    expect(sleeps).toEqual([250]);
    expect(server.requests).toHaveLength(2);
  });

  test('429 and 401 go to account rotation, never to the same account again, even when listed', async () => {
    for (const respond of [
      () => new Response('{"error":"slow down"}', { status: 429 }),
      () => new Response('{}', { status: 401 }),
    ]) {
      const { client, server } = clientFor(respond, { retry_status_codes: [401, 429, 403, 502] });
      await failureOf(client.chat({ token: 'tok', payload }));
      expect(server.requests).toHaveLength(1);
      await server.stop();
    }
  });

  test('a retry succeeds once the upstream recovers, and the answer is not duplicated', async () => {
    let calls = 0;
    const { client, server } = clientFor(
      () => (++calls < 3 ? unavailable() : new Response(streamBody([CONVERSATION, tokenFrame('ok')]))),
      {
        retry_status_codes: [503],
      },
    );
    const stream = await client.chat({ token: 'tok', payload });
    const texts: string[] = [];
    for await (const event of stream.events) if (event.type === 'text') texts.push(event.text);
    expect(texts).toEqual(['ok']);
    expect(server.requests).toHaveLength(3);
  });

  test('an accepted turn that breaks before any content is never sent again', async () => {
    const { client, server } = clientFor(() => new Response(streamBody([CONVERSATION, '{"result":{"resp'])), {
      retry_status_codes: [502],
      max_retry: 3,
    });
    expect((await failureOf(client.chat({ token: 'tok', payload }))).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });
});
