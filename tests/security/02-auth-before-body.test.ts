import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 2: bodies were read and validated before authentication (an unauthenticated 60 MB import
 * was parsed and answered 400; `{"model":` without a key was a 400 json_invalid). Now every route
 * group — client API, admin, playground — is authenticated before its body is read: a body that
 * never ends is refused at once, which could not happen if anything waited for it.
 */

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: 'function-key-for-tests' },
  });
});
afterAll(() => harness.stop());

/** A chunked body that sends a little and then never ends. */
function endlessBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"model":"grok-4","messages":['));
    },
  });
}

const post = (path: string, headers: Record<string, string>, body: BodyInit) =>
  fetch(`${harness.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);

describe('authentication comes before the body', () => {
  test('a truncated JSON body without a key is a 401, not a 400 json_invalid', async () => {
    const response = await post('/v1/chat/completions', {}, '{"model":');
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('invalid_api_key');
  });

  test('a large unauthenticated import is a 401 (its body is not parsed)', async () => {
    const body = JSON.stringify({ content: 'x'.repeat(20 * 1024 * 1024) });
    const response = await post('/v1/admin/tokens/import', { authorization: 'Bearer wrong-admin-key' }, body);
    expect(response.status).toBe(401);
  });

  test.each([
    ['client API', '/v1/chat/completions', {}],
    ['client API, wrong key', '/v1/responses', { authorization: 'Bearer wrong' }],
    ['Anthropic API', '/v1/messages', { 'x-api-key': 'wrong' }],
    ['admin API', '/v1/admin/tokens/import', {}],
    ['admin API, API key is not an admin key', '/v1/admin/config', { authorization: `Bearer ${API_KEY}` }],
    ['playground', '/v1/function/chat/completions', { authorization: 'Bearer wrong' }],
  ] as const)('%s: a body that never ends is refused at once', async (_name, path, headers) => {
    const response = await post(path, headers, endlessBody());
    expect(response.status).toBe(401);
    const body = await response.json();
    // Each route answers in its own error shape.
    if (path === '/v1/messages') expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    else expect(body.error.type).toBe('authentication_error');
  });

  test('every documented route that takes a body refuses it unread without a credential', async () => {
    const document = await (await fetch(`${harness.server.url}/docs/json`)).json();
    const refused: string[] = [];
    const answered: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item).map((name) => name.toUpperCase())) {
        if (!['POST', 'PUT', 'PATCH'].includes(method) || path === '/v1/admin/session') continue;
        const url = harness.server.url + path.replace(/\{[^}]+\}/g, 'x');
        const init = { method, headers: { 'content-type': 'application/json' }, body: endlessBody(), duplex: 'half' };
        const response = await fetch(url, init as RequestInit);
        (response.status === 401 ? refused : answered).push(`${method} ${path} ${response.status}`);
        await response.body?.cancel();
      }
    }
    expect(refused.length).toBeGreaterThan(25);
    expect(answered).toEqual([]);
  });

  test('spellings of a protected path either reach the gate or no route at all', async () => {
    const body = JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] });
    const paths = [
      '/v1/chat/%63ompletions',
      '/v1//chat/completions',
      '/v1/chat/completions/',
      '/V1/chat/completions',
      '/v1/admin/config/',
      '/v1/admin//config',
      '/v1/admin/config;x',
    ];
    for (const path of paths) {
      const response = await post(path, {}, body);
      expect([401, 404]).toContain(response.status);
      await response.body?.cancel();
    }
  });

  test('the one route that needs no credential, console sign-in, takes 16 KB at most', async () => {
    const response = await post('/v1/admin/session', {}, JSON.stringify({ password: 'x'.repeat(20_000) }));
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('request_too_large');
  });

  test('with the right key the same routes still parse and validate the body', async () => {
    const chat = await post('/v1/chat/completions', { authorization: `Bearer ${API_KEY}` }, '{"model":');
    expect(chat.status).toBe(400);
    expect((await chat.json()).error.code).toBe('json_invalid');
    const config = await post('/v1/admin/config', { authorization: `Bearer ${APP_KEY}` }, '[1,');
    expect(config.status).toBe(400);
  });
});
