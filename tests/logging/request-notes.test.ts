import { expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { buildConfig } from '../../src/config/validate';
import { errorHandler } from '../../src/http/error-handler';
import { Logger } from '../../src/logging/logger';
import { IGNORED_HEADER, noteIgnored } from '../../src/logging/request-context';
import { invalidRequest } from '../../src/http/errors';
import { requestLog } from '../../src/ops/request-log';

/** What a request dropped shows in a response header and its log line; a refusal logs its code and param. */

const config = buildConfig();

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    level: 'debug',
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const app = new Elysia()
    .use(errorHandler({ logger, routes: () => [] }))
    .use(requestLog(logger, () => config))
    .post('/object', () => {
      noteIgnored('tools[4] namespace multi_agent_v1 flattened');
      noteIgnored('tools[5] web_fetch dropped');
      return { ok: true };
    })
    .post('/response', () => {
      noteIgnored('metadata.beta dropped');
      return new Response('data: x\n\n', { headers: { 'content-type': 'text/event-stream' } });
    })
    .post('/plain', () => ({ ok: true }))
    .post('/refused', () => {
      throw invalidRequest('messages must not be empty', 'messages', 'empty_conversation');
    });
  return { app, lines };
}

async function requestLine(lines: Record<string, unknown>[], path: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const line = lines.find((entry) => entry.message === 'request' && entry.path === path);
    if (line) return line;
    await Bun.sleep(5);
  }
  return undefined;
}

test('ignored features are listed in the response header and in the request log line', async () => {
  const { app, lines } = appWithLog();
  const response = await app.handle(new Request('http://gateway/object', { method: 'POST' }));
  expect(response.headers.get(IGNORED_HEADER)).toBe(
    'tools[4] namespace multi_agent_v1 flattened; tools[5] web_fetch dropped',
  );
  expect(await requestLine(lines, '/object')).toMatchObject({
    status: 200,
    ignored: ['tools[4] namespace multi_agent_v1 flattened', 'tools[5] web_fetch dropped'],
  });
});

test('a handler that returns its own Response (a stream) gets the header too', async () => {
  const { app } = appWithLog();
  const response = await app.handle(new Request('http://gateway/response', { method: 'POST' }));
  expect(response.headers.get(IGNORED_HEADER)).toBe('metadata.beta dropped');
});

test('a request that ignored nothing has no header and, being quick and successful, no log line', async () => {
  const { app, lines } = appWithLog();
  const response = await app.handle(new Request('http://gateway/plain', { method: 'POST' }));
  expect(response.headers.get(IGNORED_HEADER)).toBeNull();
  await Bun.sleep(20);
  expect(lines.find((entry) => entry.path === '/plain')).toBeUndefined();
});

test('a refused request logs the error code and param, not only the status', async () => {
  const { app, lines } = appWithLog();
  const response = await app.handle(new Request('http://gateway/refused', { method: 'POST' }));
  expect(response.status).toBe(400);
  expect(await requestLine(lines, '/refused')).toMatchObject({
    status: 400,
    code: 'empty_conversation',
    param: 'messages',
  });
});
