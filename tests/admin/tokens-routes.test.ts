import { describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { errorHandler } from '../../src/http/error-handler';
import { RouteGroups } from '../../src/http/route-groups';
import { AdminAuth } from '../../src/admin-console/session/admin-auth';
import { SessionStore } from '../../src/admin-console/session/session-store';
import { silentLogger } from '../../src/logging/logger';
import { tokensRoutes } from '../../src/admin/tokens-routes';
import type { DeepPartial } from '../../src/config/objects';
import type { Config } from '../../src/config/schema';
import { buildConfig } from '../../src/config/validate';
import { AccountPool, type QuotaSnapshot } from '../../src/pool/account-pool';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import type { NewAccount } from '../../src/storage/types';
import { UpstreamError } from '../../src/upstream/errors';
import { BASIC_MODEL } from '../pool/fixtures';

const ADMIN = 'Bearer admin-secret';

async function makeApp(
  accounts: NewAccount[] = [],
  options: { config?: DeepPartial<Config>; syncQuota?: (token: string) => Promise<QuotaSnapshot> } = {},
) {
  const storage = openSqliteStorage({ path: ':memory:' });
  await storage.accounts.insert(accounts);
  const config = buildConfig({ app: { app_key: 'admin-secret' }, ...options.config });
  const syncCalls: string[] = [];
  const pool = new AccountPool({
    storage,
    config: () => config,
    syncQuota: async (token) => {
      syncCalls.push(token);
      return options.syncQuota ? options.syncQuota(token) : { remaining: 42, total: 80, windowSeconds: 72_000 };
    },
  });
  await pool.load();
  // As the app composes it: the route group goes behind the admin policy (Bearer app_key or a
  // console session) checked before the body is read; the error handler renders ApiErrors as JSON.
  const groups = new RouteGroups({ admin: new AdminAuth(new SessionStore(storage.records), () => config.app.app_key) });
  const app: Elysia = new Elysia()
    .use(errorHandler({ logger: silentLogger, routes: () => app.routes, errorShapeOf: (r) => groups.errorShapeOf(r) }))
    .use(groups.plugin())
    .get('/not-admin', () => 'open')
    .use(groups.add(tokensRoutes({ pool, storage, config: () => config }))) as unknown as Elysia;
  const call = async (method: string, path: string, body?: unknown, authorization: string | null = ADMIN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== null) headers.authorization = authorization;
    const response = await app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  return { app, call, storage, pool, syncCalls };
}

describe('admin auth', () => {
  test('every route needs the admin key; other routes of the app are not affected', async () => {
    const { call } = await makeApp();
    for (const [method, path] of [
      ['GET', '/v1/admin/verify'],
      ['GET', '/v1/admin/tokens'],
      ['POST', '/v1/admin/tokens'],
      ['POST', '/v1/admin/tokens/add'],
      ['POST', '/v1/admin/tokens/delete'],
      ['PATCH', '/v1/admin/tokens'],
      ['POST', '/v1/admin/tokens/refresh'],
    ] as const) {
      const missing = await call(method, path, method === 'GET' ? undefined : {}, null);
      expect(missing.status).toBe(401);
      expect(missing.body.error.type).toBe('authentication_error');
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect((await call(method, path, method === 'GET' ? undefined : {}, 'Bearer wrong')).body.error.message).toBe(
        'Invalid authentication token.',
      );
    }
    expect((await call('GET', '/not-admin', undefined, null)).status).toBe(200);
  });

  test('verify answers success with the right key', async () => {
    const { call } = await makeApp();
    expect(await call('GET', '/v1/admin/verify')).toMatchObject({ status: 200, body: { status: 'success' } });
  });

  test('an empty app_key refuses everything with "App key is not configured"', async () => {
    const { call } = await makeApp([], { config: { app: { app_key: '' } } });
    for (const authorization of [null, 'Bearer ', 'Bearer anything']) {
      const response = await call('GET', '/v1/admin/verify', undefined, authorization);
      expect(response.status).toBe(401);
      expect(response.body.error.message).toBe('App key is not configured');
    }
  });
});

describe('GET /v1/admin/tokens', () => {
  test('lists every account by pool in the reference shape, with our extras', async () => {
    const { call } = await makeApp([
      { token: 'basic-1', pool: 'ssoBasic', tags: ['nsfw'], note: 'n', createdAt: 5 },
      { token: 'super-1', pool: 'ssoSuper', status: 'cooling', statusReason: 'rate_limited', cooldownUntil: 99 },
      { token: 'team-1', pool: 'team' },
    ]);
    const { status, body } = await call('GET', '/v1/admin/tokens?export=true');
    expect(status).toBe(200);
    expect(body.consumed_mode_enabled).toBe(false);
    expect(Object.keys(body.tokens).sort()).toEqual(['ssoBasic', 'ssoSuper', 'team']);
    expect(body.tokens.ssoBasic).toEqual([
      {
        token: 'basic-1',
        status: 'active',
        quota: 80,
        consumed: 0,
        created_at: 5,
        last_used_at: null,
        use_count: 0,
        fail_count: 0,
        last_fail_at: null,
        last_fail_reason: null,
        last_sync_at: null,
        tags: ['nsfw'],
        note: 'n',
        status_reason: null,
        cooldown_until: null,
        quota_total: null,
        window_seconds: null,
        quota_by_mode: {},
      },
    ]);
    expect(body.tokens.ssoSuper[0]).toMatchObject({
      token: 'super-1',
      status: 'cooling',
      quota: 140,
      status_reason: 'rate_limited',
      cooldown_until: 99,
    });
  });

  test('an empty store still lists both standard pools', async () => {
    const { call } = await makeApp([], { config: { token: { consumed_mode_enabled: true } } });
    expect((await call('GET', '/v1/admin/tokens')).body).toEqual({
      tokens: { ssoBasic: [], ssoSuper: [] },
      consumed_mode_enabled: true,
    });
  });
});

describe('GET /v1/admin/tokens masks tokens unless exported', () => {
  const longToken = (tag: string) => `eyJhbGciOiJIUzI1NiJ9.masking-${tag}-0123456789abcdef.signature${tag}`;

  test('the default listing shows masked tokens with an id; ?export=true shows full ones', async () => {
    const { call } = await makeApp([{ token: longToken('a'), pool: 'ssoBasic', note: 'n' }]);
    const masked = await call('GET', '/v1/admin/tokens');
    expect(masked.status).toBe(200);
    const text = JSON.stringify(masked.body);
    expect(text).not.toContain(longToken('a'));
    expect(text).not.toContain('masking-a'); // no middle part either
    const [entry] = masked.body.tokens.ssoBasic;
    expect(entry.token).toBe(`${longToken('a').slice(0, 4)}…${longToken('a').slice(-4)}`);
    expect(entry.id).toMatch(/^[0-9a-f]{16}$/);
    expect(entry).toMatchObject({ status: 'active', quota: 80, note: 'n' }); // otherwise the reference shape
    const full = await call('GET', '/v1/admin/tokens?export=true');
    expect(full.body.tokens.ssoBasic[0].token).toBe(longToken('a'));
    expect(full.body.tokens.ssoBasic[0].id).toBeUndefined();
  });

  test('a PATCH answers with the account masked', async () => {
    const { call } = await makeApp([{ token: longToken('p'), pool: 'ssoBasic' }]);
    const response = await call('PATCH', '/v1/admin/tokens', { token: longToken('p'), note: 'edited' });
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).not.toContain(longToken('p'));
    expect(response.body.token).toMatchObject({ note: 'edited', pool: 'ssoBasic' });
  });

  test('a masked listing posted back keeps every account (masked entries resolve by id or by a unique mask)', async () => {
    const { call, storage } = await makeApp([
      { token: longToken('a'), pool: 'ssoBasic', note: 'first' },
      { token: longToken('b'), pool: 'ssoBasic' },
    ]);
    const listing = (await call('GET', '/v1/admin/tokens')).body.tokens;
    listing.ssoBasic[0].note = 'edited in the page';
    delete listing.ssoBasic[1].id; // the mask alone still identifies it
    const response = await call('POST', '/v1/admin/tokens', listing);
    expect(response.body.summary).toEqual({ added: 0, updated: 1, removed: 0, invalid: 0 });
    expect(await storage.accounts.get(longToken('a'))).toMatchObject({ note: 'edited in the page' });
    expect(await storage.accounts.get(longToken('b'))).not.toBeNull();
  });

  test('a masked entry that matches no single account is a 400 naming it, and nothing is deleted', async () => {
    const { call, storage } = await makeApp([{ token: longToken('a'), pool: 'ssoBasic' }]);
    const response = await call('POST', '/v1/admin/tokens', { ssoBasic: [{ token: 'eyJh…zzzz' }] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'masked_token', param: 'ssoBasic[0].token' });
    expect(await storage.accounts.count()).toBe(1);
  });
});

describe('POST /v1/admin/tokens (replace the set)', () => {
  test('adds, updates and removes in one diff; invalid entries are skipped and counted', async () => {
    const { call, storage, pool } = await makeApp([
      { token: 'keep', pool: 'ssoBasic', quota: 7, note: 'stored' },
      { token: 'move', pool: 'ssoBasic' },
      { token: 'drop', pool: 'ssoBasic' },
    ]);
    const response = await call('POST', '/v1/admin/tokens', {
      ssoBasic: [
        'keep',
        { token: 'sso=new-one', quota: 3, tags: ['nsfw'] },
        17,
        { token: 'bad', status: 'asleep' },
        'keep',
      ],
      ssoSuper: [{ token: 'move', status: 'disabled', note: 'moved' }],
    });
    expect(response).toMatchObject({
      status: 200,
      body: { status: 'success', summary: { added: 1, updated: 1, removed: 1, invalid: 3 } },
    });
    expect(await storage.accounts.get('keep')).toMatchObject({ pool: 'ssoBasic', quota: 7, note: 'stored' });
    expect(await storage.accounts.get('new-one')).toMatchObject({ quota: 3, tags: ['nsfw'] });
    expect(await storage.accounts.get('move')).toMatchObject({ pool: 'ssoSuper', status: 'disabled', note: 'moved' });
    expect(await storage.accounts.get('drop')).toBeNull();
    // The pool index follows at once.
    expect(pool.stats().ssoSuper).toMatchObject({ total: 1, disabled: 1 });
    expect(pool.acquire({ model: BASIC_MODEL, exclude: new Set(['keep']) })!.token).toBe('new-one');
  });

  test('an export posted back changes nothing', async () => {
    const { call } = await makeApp([
      { token: 'a', pool: 'ssoBasic', tags: ['x'] },
      { token: 'b', pool: 'ssoSuper', status: 'cooling' },
    ]);
    const exported = (await call('GET', '/v1/admin/tokens?export=true')).body.tokens;
    expect((await call('POST', '/v1/admin/tokens', exported)).body.summary).toEqual({
      added: 0,
      updated: 0,
      removed: 0,
      invalid: 0,
    });
  });

  test('the last token can be deleted, with ?confirm=replace_all (a bare {} is refused)', async () => {
    const { call, storage } = await makeApp([{ token: 'only', pool: 'ssoBasic' }]);
    expect((await call('POST', '/v1/admin/tokens', {})).status).toBe(409);
    expect(await storage.accounts.count()).toBe(1);
    expect((await call('POST', '/v1/admin/tokens?confirm=replace_all', {})).body.summary).toEqual({
      added: 0,
      updated: 0,
      removed: 1,
      invalid: 0,
    });
    expect(await storage.accounts.count()).toBe(0);
  });

  test('a pool that is not a list is a validation error and changes nothing', async () => {
    const { call, storage } = await makeApp([{ token: 'only', pool: 'ssoBasic' }]);
    const response = await call('POST', '/v1/admin/tokens', { ssoBasic: 'only' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await storage.accounts.count()).toBe(1);
  });
});

describe('POST /v1/admin/tokens/add', () => {
  test('adds newline-separated tokens to ssoBasic by default, counting duplicates and invalid lines', async () => {
    const { call, storage } = await makeApp([{ token: 'existing', pool: 'ssoBasic' }]);
    const response = await call('POST', '/v1/admin/tokens/add', {
      tokens: 'one\r\nsso=two\n\n existing \none\n\u200B\n',
    });
    expect(response.body).toEqual({ status: 'success', added: 2, duplicates: 2, invalid: 1 });
    expect(await storage.accounts.get('two')).toMatchObject({ pool: 'ssoBasic', quota: 80 });
  });

  test('takes a list, a pool, a quota, tags and a note; sync: true syncs what was added', async () => {
    const { call, storage, syncCalls } = await makeApp([{ token: 'existing', pool: 'ssoSuper' }]);
    const response = await call('POST', '/v1/admin/tokens/add', {
      tokens: ['a', 'b', 'existing'],
      pool: 'ssoSuper',
      quota: 10,
      tags: ['eu'],
      note: 'batch 2',
      sync: true,
    });
    expect(response.body).toEqual({
      status: 'success',
      added: 2,
      duplicates: 1,
      invalid: 0,
      synced: { ok: 2, failed: 0 },
    });
    expect(syncCalls.sort()).toEqual(['a', 'b']);
    // The sync result (72,000 s window) also moved them to the Basic pool.
    expect(await storage.accounts.get('a')).toMatchObject({
      quota: 42,
      tags: ['eu'],
      note: 'batch 2',
      pool: 'ssoBasic',
    });
  });

  test('an unknown field is a 400 naming it, not silently dropped', async () => {
    const { call, storage } = await makeApp();
    const response = await call('POST', '/v1/admin/tokens/add', { tokens: ['a'], pol: 'ssoSuper' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ param: 'pol', code: 'unknown_field' });
    expect(await storage.accounts.count()).toBe(0);
  });

  test('a wrong type is rejected before anything is stored', async () => {
    const { call, storage } = await makeApp();
    const response = await call('POST', '/v1/admin/tokens/add', { tokens: ['a'], quota: -1 });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await storage.accounts.count()).toBe(0);
  });
});

describe('POST /v1/admin/tokens/delete', () => {
  test('deletes only the given tokens', async () => {
    const { call, storage, pool } = await makeApp([
      { token: 'a', pool: 'ssoBasic' },
      { token: 'b', pool: 'ssoBasic' },
    ]);
    expect((await call('POST', '/v1/admin/tokens/delete', { tokens: ['sso=a', 'missing'] })).body).toEqual({
      status: 'success',
      removed: 1,
    });
    expect(await storage.accounts.get('a')).toBeNull();
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('b');
  });

  test('no tokens is a 400', async () => {
    const { call } = await makeApp();
    const response = await call('POST', '/v1/admin/tokens/delete', { tokens: [] });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe('No tokens provided');
  });
});

describe('PATCH /v1/admin/tokens', () => {
  test('disabling is sticky until an operator enables; enabling clears the reason', async () => {
    const { call, pool } = await makeApp([{ token: 'a', pool: 'ssoBasic', quota: 5 }]);
    const disabled = await call('PATCH', '/v1/admin/tokens', { token: 'a', status: 'disabled', note: 'paused' });
    expect(disabled.body.token).toMatchObject({
      status: 'disabled',
      status_reason: 'disabled by operator',
      note: 'paused',
      pool: 'ssoBasic',
    });
    await pool.sync('a');
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    const enabled = await call('PATCH', '/v1/admin/tokens', { token: 'a', status: 'active' });
    expect(enabled.body.token).toMatchObject({ status: 'active', status_reason: null, quota: 42 });
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('a');
  });

  test('edits pool, quota and tags', async () => {
    const { call, storage } = await makeApp([{ token: 'a', pool: 'ssoBasic' }]);
    const response = await call('PATCH', '/v1/admin/tokens', {
      token: 'a',
      pool: 'ssoSuper',
      quota: 3,
      tags: ['nsfw'],
    });
    expect(response.status).toBe(200);
    expect(await storage.accounts.get('a')).toMatchObject({ pool: 'ssoSuper', quota: 3, tags: ['nsfw'] });
  });

  test('only active and disabled can be set; an unknown token is a 404', async () => {
    const { call } = await makeApp([{ token: 'a', pool: 'ssoBasic' }]);
    expect((await call('PATCH', '/v1/admin/tokens', { token: 'a', status: 'expired' })).status).toBeGreaterThanOrEqual(
      400,
    );
    const missing = await call('PATCH', '/v1/admin/tokens', { token: 'nobody', note: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Token not found');
  });
});

describe('POST /v1/admin/tokens/refresh', () => {
  test('syncs the given tokens and reports each', async () => {
    const { call, storage } = await makeApp(
      [
        { token: 'good', pool: 'ssoBasic', status: 'cooling', quota: 0 },
        { token: 'broken', pool: 'ssoBasic' },
      ],
      {
        syncQuota: async (token) => {
          if (token === 'broken')
            throw new UpstreamError({ code: 'network', message: 'reset', retryable: true, accountEffect: 'none' });
          return { remaining: 42, total: 80, windowSeconds: 72_000 };
        },
      },
    );
    const response = await call('POST', '/v1/admin/tokens/refresh', {
      token: 'good',
      tokens: ['broken', 'unknown', 'good'],
    });
    expect(response.body).toEqual({ status: 'success', results: { good: true, broken: false, unknown: false } });
    expect(await storage.accounts.get('good')).toMatchObject({ status: 'active', quota: 42 });
  });

  test('empty input is a 400 "No tokens provided", not a 500', async () => {
    const { call } = await makeApp();
    for (const body of [{}, { tokens: [] }, { token: '  ' }]) {
      const response = await call('POST', '/v1/admin/tokens/refresh', body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe('No tokens provided');
    }
  });
});
