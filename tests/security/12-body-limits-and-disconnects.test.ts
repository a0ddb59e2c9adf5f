import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { Logger } from '../../src/logging/logger';
import { API_KEY, APP_KEY, chatPath, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 12: a declared Content-Length over the limit got Bun's bare 413 with no JSON; a client
 * that disconnected before the headers was logged as `error "unhandled error" AbortError` and
 * counted as status="500". Now the 413 is JSON in the route's own shape, decided from the header
 * alone, and an abandoned request is labelled 499 client_closed_request.
 */

let harness: Harness;
const lines: string[] = [];
beforeAll(async () => {
  const logger = new Logger({ write: (line) => lines.push(line), level: 'info', format: 'json' });
  harness = await startHarness({
    logger,
    env: { GROK2API_LIMITS_MAX_BODY_MB: '1', GROK2API_LIMITS_MAX_ADMIN_BODY_MB: '2' },
  });
});
afterAll(() => harness.stop());

/** Sends only the head of a request declaring a huge body, and reads the answer. */
function declareHugeBody(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(harness.server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      const end = received.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? NaN);
      if (end >= 0 && received.length >= end + 4 + length) {
        socket.destroy();
        resolve({ status: Number(received.split(' ')[1]), body: received.slice(end + 4, end + 4 + length) });
      }
    });
    socket.on('error', reject);
    const head = Object.entries({
      host: url.host,
      'content-type': 'application/json',
      'content-length': String(10 * 1024 ** 3),
      ...headers,
    }).map(([name, value]) => `${name}: ${value}`);
    socket.write(`POST ${path} HTTP/1.1\r\n${head.join('\r\n')}\r\n\r\n{"model":`);
  });
}

describe('a declared Content-Length over the limit', () => {
  test('is a JSON 413 in the OpenAI shape (10 GB declared, nothing read)', async () => {
    const answer = await declareHugeBody('/v1/chat/completions', { authorization: `Bearer ${API_KEY}` });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'request_too_large', param: 'body' });
  });

  test('in the Anthropic shape on /v1/messages', async () => {
    const answer = await declareHugeBody('/v1/messages', { 'x-api-key': API_KEY });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  test('the admin limit on admin routes; without a key the answer is 401 first', async () => {
    const admin = await declareHugeBody('/v1/admin/tokens/import', { authorization: `Bearer ${APP_KEY}` });
    expect(admin.status).toBe(413);
    expect(JSON.parse(admin.body).error.message).toContain(String(2 * 1024 * 1024));
    expect((await declareHugeBody('/v1/admin/tokens/import', {})).status).toBe(401);
  });
});

test('a client that leaves before the headers is a 499 client_closed_request, not a 500', async () => {
  harness.simulator.enqueueFault({ kind: 'slow_first_byte', delayMs: 1_500, match: { path: chatPath('rest') } });
  const controller = new AbortController();
  const started = harness.simulator.requests.length;
  const chatRecords = () =>
    lines
      .map((line) => JSON.parse(line))
      .filter((record) => record.message === 'request' && record.path === '/v1/chat/completions');
  const recordsBefore = chatRecords().length;
  const pending = harness
    .api('/v1/chat/completions', {
      method: 'POST',
      signal: controller.signal,
      body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] }),
    })
    .catch((error) => error);
  while (!harness.simulator.requests.slice(started).some((request) => request.path === chatPath('rest')))
    await Bun.sleep(10);
  controller.abort();
  expect(await pending).toBeInstanceOf(Error);
  while (chatRecords().length === recordsBefore) await Bun.sleep(10);
  expect(chatRecords().at(-1)).toMatchObject({ status: 499, code: 'client_closed_request' });
  expect(lines.some((line) => line.includes('unhandled error'))).toBe(false);
  const metrics = await (await fetch(`${harness.server.url}/metrics`)).text();
  expect(metrics).toContain('route="/v1/chat/completions",model="grok-4",status="499"');
  expect(metrics).not.toContain('route="/v1/chat/completions",model="grok-4",status="500"');
});
