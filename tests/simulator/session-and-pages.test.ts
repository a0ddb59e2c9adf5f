import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { getPath } from './simulator-test-client';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({
    accounts: [
      { token: 'token-basic', userId: '497f19f8-49d4-458a-bee4-43ec3dcaf8ca', email: 'user@example.com' },
      { token: 'token-blocked', blocked: true },
    ],
  });
});
afterAll(() => simulator.stop());

describe('/api/auth/session', () => {
  test('an account gets its identity', async () => {
    const response = await getPath(simulator, '/api/auth/session');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'authenticated',
      session: { userId: '497f19f8-49d4-458a-bee4-43ec3dcaf8ca', email: 'user@example.com' },
    });
  });

  test('no or unknown token is unauthenticated, a blocked one is blocked', async () => {
    for (const token of [null, 'token-nobody']) {
      const response = await getPath(simulator, '/api/auth/session', { token });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ status: 'unauthenticated' });
    }
    const blocked = await getPath(simulator, '/api/auth/session', { token: 'token-blocked' });
    expect(await blocked.json()).toEqual({ status: 'blocked' });
  });
});

describe('pages and unknown paths', () => {
  test('/ carries the grok-site-verification meta tag', async () => {
    const response = await getPath(simulator, '/', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toStartWith('text/html');
    expect(await response.text()).toMatch(/<meta name="grok-site-verification" content="sim-verification-[^"]+">/);
  });

  test('/index is a branded 404 page without the meta tag', async () => {
    const response = await getPath(simulator, '/index', { token: null });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('<title>Page not found | Grok</title>');
    expect(html).not.toContain('grok-site-verification');
  });

  test('an unknown path is a JSON 404 and a wrong method a 405', async () => {
    const missing = await getPath(simulator, '/rest/nothing-here');
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe(5);
    const wrongMethod = await getPath(simulator, '/rest/app-chat/conversations/new');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});
