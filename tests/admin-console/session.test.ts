import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';
import { FailureThrottle } from '../../src/security/failure-throttle';
import { SessionStore } from '../../src/admin-console/session/session-store';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

const signIn = (password: string) =>
  fetch(`${harness.server.url}/v1/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });

const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

describe('console sign-in', () => {
  test('a right password opens an HttpOnly SameSite=Strict session that authenticates admin calls', async () => {
    const response = await signIn(APP_KEY);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toMatch(/Max-Age=43200/);
    const body = (await response.json()) as { csrf_token: string; default_password: boolean };
    expect(body.default_password).toBe(false);
    const cookie = cookieOf(response);
    const listing = await fetch(`${harness.server.url}/v1/admin/accounts`, { headers: { cookie } });
    expect(listing.status).toBe(200);

    // State-changing call with the cookie alone: refused (CSRF); with the token: accepted.
    const add = (headers: Record<string, string>) =>
      fetch(`${harness.server.url}/v1/admin/tokens/add`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ tokens: ['session-added-token'] }),
      });
    const withoutCsrf = await add({});
    expect(withoutCsrf.status).toBe(403);
    expect(((await withoutCsrf.json()) as any).error.code).toBe('csrf_failed');
    expect((await add({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await add({ 'x-csrf-token': body.csrf_token })).status).toBe(200);

    // Sign out: the same cookie no longer works.
    const out = await fetch(`${harness.server.url}/v1/admin/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': body.csrf_token },
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${harness.server.url}/v1/admin/accounts`, { headers: { cookie } })).status).toBe(401);
  });

  test('Bearer app_key still works for scripts and needs no CSRF token', async () => {
    const response = await harness.admin('/v1/admin/session');
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).via).toBe('bearer');
  });

  test('a forged cookie is not a session', async () => {
    const response = await fetch(`${harness.server.url}/v1/admin/accounts`, {
      headers: { cookie: 'grok2api_session=forged' },
    });
    expect(response.status).toBe(401);
  });

  test('wrong passwords are throttled per client, then even the right one waits', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await signIn(`guess-${attempt}`)).status).toBe(401);
    const blocked = await signIn(APP_KEY);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('session store and throttle (injected clock)', () => {
  test('a session expires, and changing the password ends it', async () => {
    let now = 1_000_000;
    const storage = openSqliteStorage({ path: ':memory:', clock: () => now });
    const store = new SessionStore(storage.records, () => now);
    const { cookieValue } = await store.open('pw', 60_000);
    expect(await store.find(cookieValue, 'pw')).not.toBeNull();
    expect(await store.find(cookieValue, 'changed')).toBeNull();
    now += 60_001;
    expect(await store.find(cookieValue, 'pw')).toBeNull();
    await storage.close();
  });

  test('the throttle window ends and a success clears the record, in the store too', async () => {
    let now = 1_000_000;
    const storage = openSqliteStorage({ path: ':memory:', clock: () => now });
    const options = { scope: 'console', maxFailures: 2, windowMs: 1_000, records: storage.records, clock: () => now };
    const throttle = new FailureThrottle(options);
    await throttle.recordFailure('a');
    expect(await throttle.retryAfter('a')).toBe(0);
    await throttle.recordFailure('a');
    expect(await throttle.retryAfter('a')).toBe(1_000);
    expect(await throttle.retryAfter('b')).toBe(0);
    // Another instance on the same store sees the same count.
    expect(await new FailureThrottle(options).retryAfter('a')).toBe(1_000);
    now += 1_000;
    expect(await throttle.retryAfter('a')).toBe(0);
    await throttle.recordFailure('a');
    await throttle.recordSuccess('a');
    await throttle.recordFailure('a');
    expect(await throttle.retryAfter('a')).toBe(0);
    await storage.close();
  });
});
