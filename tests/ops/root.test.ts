import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ accounts: [] });
});
afterAll(() => harness.stop());

const root = (method: string, accept: string) =>
  fetch(`${harness.server.url}/`, { method, headers: { accept }, redirect: 'manual' });

test('GET / sends a browser to the console, without a key', async () => {
  const response = await root('GET', 'text/html,application/xhtml+xml,*/*;q=0.8');
  expect(response.status).toBe(302);
  expect(response.headers.get('location')).toBe('/admin');
});

test('GET / from a non-browser names the console, docs and API', async () => {
  const response = await root('GET', '*/*');
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ name: 'grok2api', console: '/admin', docs: '/docs', api: '/v1' });
});

test('HEAD / answers 200 with no body (clients probe the base URL)', async () => {
  const response = await root('HEAD', '*/*');
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
});
