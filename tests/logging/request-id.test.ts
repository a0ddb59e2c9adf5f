import { afterEach, expect, test } from 'bun:test';
import { Logger } from '../../src/logging/logger';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/** Every line logged while serving a request carries that request's id, the one in x-request-id. */

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

async function withCapture() {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    level: 'debug',
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  harness = await startHarness({
    accounts: [
      { token: 'log-a', tier: 'basic' },
      { token: 'log-b', tier: 'basic' },
    ],
    logger,
    env: { GROK2API_LOG_LOG_ALL_REQUESTS: 'true' },
  });
  return { lines, harness };
}

/** The request line is written after the response went out, so the test waits for it (bounded). */
async function eventually<T>(read: () => T | undefined): Promise<T | undefined> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = read();
    if (value !== undefined) return value;
    await Bun.sleep(10);
  }
  return undefined;
}

const body = (stream: boolean) =>
  JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'hi' }], stream });

test('a failover warning deep in the chat pipeline and the request line share the response x-request-id', async () => {
  const { lines, harness } = await withCapture();
  harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path: '/rest/app-chat/conversations/new' } });
  const response = await harness.api('/v1/chat/completions', { method: 'POST', body: body(false) });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-request-id');
  expect(id).toBeTruthy();
  const warning = lines.find((line) => line.message === 'upstream attempt failed');
  expect(warning?.requestId).toBe(id);
  const requestLine = await eventually(() =>
    lines.find((line) => line.message === 'request' && line.path === '/v1/chat/completions'),
  );
  expect(requestLine).toMatchObject({ requestId: id, status: 200 });
});

test('ids of concurrent requests do not mix, streaming or not, and a client id is kept', async () => {
  const { lines, harness } = await withCapture();
  harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path: '/rest/app-chat/conversations/new' } });
  const [first, second] = await Promise.all([
    harness.api('/v1/chat/completions', {
      method: 'POST',
      body: body(true),
      headers: { 'x-request-id': 'client-one' },
    }),
    harness.api('/v1/chat/completions', {
      method: 'POST',
      body: body(false),
      headers: { 'x-request-id': 'client-two' },
    }),
  ]);
  await first.text();
  await second.text();
  // One of the two met the 429 (which one is a race); its warning carries its own id, never the other's.
  const warnings = lines.filter((line) => line.message === 'upstream attempt failed');
  expect(warnings).toHaveLength(1);
  expect(['client-one', 'client-two']).toContain(warnings[0]!.requestId as string);
  await eventually(() => (lines.filter((line) => line.message === 'request').length >= 2 ? true : undefined));
  const logged = lines
    .filter((line) => line.message === 'request')
    .map((line) => line.requestId)
    .sort();
  expect(logged).toEqual(['client-one', 'client-two']);
});

test('the request line has the status the client got, also for errors', async () => {
  const { lines, harness } = await withCapture();
  await harness.api('/v1/nowhere');
  await harness.api('/v1/chat/completions', { method: 'POST', body: '{}' });
  await eventually(() => (lines.filter((line) => line.message === 'request').length >= 2 ? true : undefined));
  const statuses = lines.filter((line) => line.message === 'request').map((line) => [line.path, line.status]);
  expect(statuses).toEqual([
    ['/v1/nowhere', 404],
    ['/v1/chat/completions', 400],
  ]);
  // Lines outside any request (start-up) have no id.
  expect(lines.find((line) => line.message === 'grok2api listening')?.requestId).toBeUndefined();
});
