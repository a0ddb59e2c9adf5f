import { afterAll, beforeAll, expect, test } from 'bun:test';
import type OpenAI from 'openai';
import { startHarness, type Harness } from '../helpers/gateway-harness';
import { parseMetrics, valueOf, type Sample } from './prometheus-text';

/**
 * /metrics after a known sequence of requests against the simulator: every count is exact.
 * Each test continues from the previous one's state, so they run in order.
 */

const METRICS_TOKEN = 'scrape-secret';
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    accounts: [
      { token: 'metrics-a', tier: 'basic' },
      { token: 'metrics-b', tier: 'basic' },
    ],
    env: {
      GROK2API_METRICS_TOKEN: METRICS_TOKEN,
      GROK2API_RETRY_RETRY_BACKOFF_BASE: '0.01',
      GROK2API_RETRY_RETRY_BACKOFF_MAX: '0.02',
    },
  });
});
afterAll(() => harness.stop());

async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${harness.server.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseMetrics(await response.text());
}

const chat = { method: 'POST', route: '/v1/chat/completions', model: 'grok-4.1-fast' };
const ask = (stream: boolean) =>
  harness.client.chat.completions.create({
    model: 'grok-4.1-fast',
    messages: [{ role: 'user', content: 'hello' }],
    stream,
  } as never);

test('the token protects /metrics; before any traffic every gauge is present', async () => {
  expect((await fetch(`${harness.server.url}/metrics`)).status).toBe(401);
  expect((await fetch(`${harness.server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
    401,
  );
  const samples = await scrape();
  expect(valueOf(samples, 'grok2api_accounts', { pool: 'ssoBasic', status: 'active' })).toBe(2);
  expect(valueOf(samples, 'grok2api_accounts', { pool: 'ssoSuper', status: 'active' })).toBe(0);
  expect(valueOf(samples, 'grok2api_quota_remaining', { pool: 'ssoBasic' })).toBeGreaterThan(0);
  expect(valueOf(samples, 'grok2api_streams_in_flight')).toBe(0);
  expect(valueOf(samples, 'grok2api_upstream_outage')).toBe(0);
  expect(valueOf(samples, 'grok2api_media_cache_bytes')).toBe(0);
  expect(valueOf(samples, 'grok2api_job_queue_depth')).toBe(0);
  expect(samples.some((sample) => sample.name === 'grok2api_build_info' && sample.value === 1)).toBe(true);
  expect(valueOf(samples, 'grok2api_requests_total', { route: '/metrics', status: '401' })).toBe(2);
});

test('requests by route, model and status; latency; time to first token of streams', async () => {
  const quotaBefore = valueOf(await scrape(), 'grok2api_quota_remaining', { pool: 'ssoBasic' });
  await ask(false);
  await ask(false);
  let streamed = '';
  for await (const chunk of (await ask(true)) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>)
    streamed += chunk.choices[0]?.delta.content ?? '';
  expect(streamed).toContain('Hello from the Grok simulator');
  const wrongKey = await fetch(`${harness.server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
  });
  expect(wrongKey.status).toBe(401);
  const unknownModel = await harness.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
  });
  expect(unknownModel.status).toBe(404);
  expect((await harness.api('/v1/not-a-route')).status).toBe(404);

  const samples = await scrape();
  expect(valueOf(samples, 'grok2api_requests_total', { ...chat, status: '200' })).toBe(3);
  // Refused before its body is read (src/http/route-groups.ts), so its model is not known.
  expect(valueOf(samples, 'grok2api_requests_total', { ...chat, model: '', status: '401' })).toBe(1);
  expect(valueOf(samples, 'grok2api_requests_total', { ...chat, model: 'unknown', status: '404' })).toBe(1);
  expect(valueOf(samples, 'grok2api_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  expect(valueOf(samples, 'grok2api_request_duration_seconds_count', { route: '/v1/chat/completions' })).toBe(5);
  expect(
    valueOf(samples, 'grok2api_request_duration_seconds_bucket', { route: '/v1/chat/completions', le: '+Inf' }),
  ).toBe(5);
  expect(valueOf(samples, 'grok2api_time_to_first_token_seconds_count', { model: 'grok-4.1-fast' })).toBe(1);
  expect(valueOf(samples, 'grok2api_streams_in_flight')).toBe(0);
  expect(valueOf(samples, 'grok2api_upstream_errors_total', { kind: 'rate_limited' })).toBe(0);
  // Three answered turns were charged one unit each.
  expect(valueOf(samples, 'grok2api_quota_remaining', { pool: 'ssoBasic' })).toBe(quotaBefore - 3);
});

test('a stream counts as in flight until it ends, also when the client leaves', async () => {
  // The upstream sends a few frames, then goes silent: the stream stays open until the client leaves.
  harness.simulator.enqueueFault({ kind: 'stall', afterFrames: 3 });
  const abort = new AbortController();
  const response = await harness.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }], stream: true }),
    signal: abort.signal,
  });
  // The observed body keeps the response's headers, the request id included.
  expect(response.headers.get('content-type')).toStartWith('text/event-stream');
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const reader = response.body!.getReader();
  await reader.read();
  expect(valueOf(await scrape(), 'grok2api_streams_in_flight')).toBe(1);
  abort.abort();
  await reader.read().catch(() => {});
  let inFlight = 1;
  for (let attempt = 0; attempt < 200 && inFlight !== 0; attempt++) {
    await Bun.sleep(10);
    inFlight = valueOf(await scrape(), 'grok2api_streams_in_flight');
  }
  expect(inFlight).toBe(0);
  const samples = await scrape();
  expect(valueOf(samples, 'grok2api_request_duration_seconds_count', { route: '/v1/chat/completions' })).toBe(6);
  expect(valueOf(samples, 'grok2api_requests_total', { ...chat, status: '200' })).toBe(4);
});

test('a 429 counts an upstream error by kind and a failover; the account shows as cooling', async () => {
  harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path: '/rest/app-chat/conversations/new' } });
  const firstTokensBefore = valueOf(await scrape(), 'grok2api_time_to_first_token_seconds_count', {
    model: 'grok-4.1-fast',
  });
  await ask(false);
  const samples = await scrape();
  expect(valueOf(samples, 'grok2api_upstream_errors_total', { kind: 'rate_limited' })).toBe(1);
  expect(valueOf(samples, 'grok2api_failovers_total')).toBe(1);
  expect(valueOf(samples, 'grok2api_accounts', { pool: 'ssoBasic', status: 'cooling' })).toBe(1);
  expect(valueOf(samples, 'grok2api_accounts', { pool: 'ssoBasic', status: 'active' })).toBe(1);
  expect(valueOf(samples, 'grok2api_requests_total', { ...chat, status: '200' })).toBe(5);
  // Only streams measure time to first token.
  expect(valueOf(samples, 'grok2api_time_to_first_token_seconds_count', { model: 'grok-4.1-fast' })).toBe(
    firstTokensBefore,
  );
});

test('a retried upload counts as an upstream retry', async () => {
  harness.simulator.enqueueFault({ kind: 'server_error', status: 502, match: { path: '/http/upload-file-v2/direct' } });
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='; // a whole 1×1 PNG: a truncated one is refused
  await harness.client.chat.completions.create({
    model: 'grok-4.1-fast',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        ],
      },
    ],
  });
  const uploads = harness.simulator.requests.filter((request) => request.path === '/http/upload-file-v2/direct');
  expect(uploads).toHaveLength(2);
  expect(valueOf(await scrape(), 'grok2api_upstream_retries_total')).toBe(1);
});

test('the media cache gauge follows the files the gateway cached; the video job gauge returns to 0', async () => {
  const image = await harness.client.images.generate({
    model: 'grok-imagine-1.0',
    prompt: 'a lighthouse',
    n: 1,
    response_format: 'url',
  });
  expect(image.data?.[0]?.url).toContain('/v1/files/image/');
  const { readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const folder = join(harness.dataDir, 'tmp', 'image');
  const onDisk = readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
  expect(onDisk).toBeGreaterThan(0);
  expect(valueOf(await scrape(), 'grok2api_media_cache_bytes')).toBe(onDisk);

  const video = await harness.api('/v1/videos', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-imagine-1.0-video', prompt: 'waves', seconds: '6', wait: true }),
  });
  expect(video.status).toBe(200);
  expect(valueOf(await scrape(), 'grok2api_job_queue_depth')).toBe(0);
  expect(valueOf(await scrape(), 'grok2api_media_cache_bytes')).toBeGreaterThan(onDisk);
});
