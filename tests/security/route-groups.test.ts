import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { ApiError } from '../../src/http/errors';
import { routeGroup, routeGroups, RouteGroups } from '../../src/http/route-groups';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Each route group declares who may call it and how its errors look; the gate and the error
 * handler read that declaration, not the URL. These pin what the declarations decide at the
 * edges: paths no route takes, methods a path does not take, and credentials that open one
 * group but not its neighbour.
 */

describe('the gateway', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { GROK2API_METRICS_ENABLED: 'false', GROK2API_METRICS_TOKEN: 'scrape' } });
  });
  afterAll(() => harness.stop());

  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${harness.server.url}${path}`, { method, headers: { authorization: `Bearer ${API_KEY}`, ...headers } });

  test('the Anthropic group answers in its shape on paths and methods it does not take', async () => {
    const wrongMethod = await call('GET', '/v1/messages');
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const below = await call('POST', '/v1/messages/batches');
    expect(below.status).toBe(404);
    expect(await below.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const countTokens = await call('GET', '/v1/messages/count_tokens');
    expect(countTokens.status).toBe(405);
    expect((await countTokens.json()).type).toBe('error');
  });

  test('the other groups, and paths under no group, answer in the OpenAI shape', async () => {
    for (const [method, path, status] of [
      ['GET', '/v1/chat/completions', 405],
      ['POST', '/v1/chat/completions/extra', 404],
      ['GET', '/v1/messagesx', 404],
      ['GET', '/v1/nothing-here', 404],
    ] as const) {
      const response = await call(method, path);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect((await response.json()).error.code).toBeString();
    }
  });

  test("the Python project's ?app_key= opens the task stream, not the other admin routes", async () => {
    const refresh = await fetch(`${harness.server.url}/v1/admin/tokens/refresh/async?app_key=${APP_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokens: ['x'] }),
    });
    expect(refresh.status).toBe(401);
    const stream = await fetch(`${harness.server.url}/v1/admin/batch/no-such-task/stream?app_key=${APP_KEY}`);
    expect(stream.status).toBe(404);
  });

  test('metrics switched off answer 404 whatever the token', async () => {
    expect((await fetch(`${harness.server.url}/metrics`)).status).toBe(404);
    const wrong = await fetch(`${harness.server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(404);
  });
});

describe('RouteGroups', () => {
  const refuseAll = {
    check() {
      throw new ApiError({ status: 401, message: 'no', code: 'invalid_api_key' });
    },
  };

  test('a plugin that declares no group cannot be added, nor one whose kind has no policy', () => {
    const groups = new RouteGroups({ admin: refuseAll });
    expect(() => groups.add(new Elysia({ name: 'plain' }).get('/x', () => 'x'))).toThrow('declares no route group');
    const client = routeGroup(
      { access: 'client' },
      new Elysia({ name: 'client' }).get('/y', () => 'y'),
    );
    expect(() => groups.add(client)).toThrow('No client access policy');
  });

  test('routes added to the app around the groups are named as undeclared', () => {
    const groups = new RouteGroups({ admin: refuseAll });
    const declared = routeGroups('both', [
      routeGroup(
        { access: 'admin' },
        new Elysia({ name: 'admin' }).post('/a/:id', () => 'a'),
      ),
      routeGroup(
        { access: 'public' },
        new Elysia({ name: 'public' }).get('/b', () => 'b'),
      ),
    ]);
    const app = new Elysia().use(groups.add(declared)).get('/c', () => 'c');
    expect(groups.undeclared(app.routes)).toEqual(['GET /c']);
  });

  test('the gate runs the policy of the route a request goes to, with its modifiers', async () => {
    const groups = new RouteGroups({ admin: refuseAll });
    const task = (request: Request) => new URL(request.url).searchParams.has('task_id');
    const app = new Elysia()
      .onError(({ error }) => (error instanceof ApiError ? error.toJsonResponse() : undefined))
      .use(groups.plugin())
      .use(
        groups.add(
          routeGroup(
            { access: 'admin', capability: task },
            new Elysia({ name: 'a' }).get('/a', () => 'a'),
          ),
        ),
      )
      .use(
        groups.add(
          routeGroup(
            { access: 'public' },
            new Elysia({ name: 'b' }).get('/b', () => 'b'),
          ),
        ),
      );
    const status = async (path: string) => (await app.handle(new Request(`http://localhost${path}`))).status;
    expect(await status('/a')).toBe(401);
    expect(await status('/a/')).toBe(401);
    expect(await status('/a?task_id=1')).toBe(200);
    expect(await status('/b')).toBe(200);
  });
});
