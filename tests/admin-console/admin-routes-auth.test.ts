import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Every admin route in the OpenAPI document refuses a call without a credential, with a wrong
 * Bearer key, and with a forged session cookie. The sign-in route is the one route that needs no
 * credential (it is how one gets one). Wrong Bearer keys count against the caller's address: after
 * ten, the rest are a 429 auth_throttled (tests/security/04-admin-bearer-throttle.test.ts).
 */

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

const PUBLIC = new Set(['POST /v1/admin/session']);

test('every admin route rejects a missing or wrong credential', async () => {
  const document = (await (await fetch(`${harness.server.url}/docs/json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes: { method: string; path: string }[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/admin')) continue;
    for (const method of Object.keys(operations)) routes.push({ method: method.toUpperCase(), path });
  }
  expect(routes.length).toBeGreaterThan(15);
  const credentials: Record<string, Record<string, string>> = {
    none: {},
    'wrong bearer': { authorization: 'Bearer not-the-app-key' },
    'forged cookie': { cookie: 'grok2api_session=forged' },
  };
  const failures: string[] = [];
  for (const route of routes) {
    if (PUBLIC.has(`${route.method} ${route.path}`)) continue;
    const url = harness.server.url + route.path.replace(/\{[^}]+\}/g, 'x').replace(/:(\w+)/g, 'x');
    for (const [name, headers] of Object.entries(credentials)) {
      const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
      const response = await fetch(url, {
        method: route.method,
        headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        body: hasBody ? '{}' : undefined,
      });
      const throttled = name === 'wrong bearer' && response.status === 429;
      if (response.status !== 401 && !throttled)
        failures.push(`${route.method} ${route.path} with ${name}: ${response.status}`);
      await response.body?.cancel();
    }
  }
  expect(failures).toEqual([]);
});
