import { describe, expect, test } from 'bun:test';
import { buildConfig } from '../../src/config/validate';
import { AccountPool } from '../../src/pool/account-pool';
import { UpstreamError, type AccountEffect, type UpstreamErrorCode } from '../../src/upstream/errors';
import { BASIC_MODEL, makePool } from './fixtures';

const CODES: Record<AccountEffect, UpstreamErrorCode> = {
  none: 'server_error',
  cool: 'rate_limited',
  auth_failure: 'unauthorized',
  expire: 'unauthorized',
  disable: 'account_blocked',
};

const upstreamError = (accountEffect: AccountEffect, extra: { retryAfterSeconds?: number; message?: string } = {}) =>
  new UpstreamError({
    code: CODES[accountEffect],
    message: extra.message ?? 'upstream said no',
    retryable: true,
    accountEffect,
    retryAfterSeconds: extra.retryAfterSeconds,
  });

describe('reportSuccess', () => {
  test('charges the units in storage and in the index, and releases the lease', async () => {
    const { pool, storage } = await makePool([
      { token: 'a', pool: 'ssoBasic', quota: 5 },
      { token: 'b', pool: 'ssoBasic', quota: 4 },
    ]);
    const lease = pool.acquire({ model: BASIC_MODEL })!;
    expect(lease.token).toBe('a');
    await pool.reportSuccess(lease, 4);
    expect(pool.inFlight('a')).toBe(0);
    expect(await storage.accounts.get('a')).toMatchObject({ quota: 1, consumed: 4, useCount: 4 });
    // a now has 1 left, b has 4: the index re-sorted.
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('b');
  });

  test('an account that runs out of quota leaves rotation', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic', quota: 1 }]);
    await pool.reportSuccess(pool.acquire({ model: BASIC_MODEL })!, 1);
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'cooling', statusReason: 'quota_exhausted' });
  });
});

describe('reportFailure', () => {
  test('none: the account is left as it was', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    const before = await storage.accounts.get('a');
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('none'));
    expect(await storage.accounts.get('a')).toEqual(before);
    expect(pool.inFlight('a')).toBe(0);
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('a');
  });

  test('cool with Retry-After: out of rotation until the time has passed, then back without a sync', async () => {
    const { pool, storage, clock, syncCalls } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    const start = clock.now;
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('cool', { retryAfterSeconds: 30 }));
    expect(await storage.accounts.get('a')).toMatchObject({
      status: 'cooling',
      statusReason: 'rate_limited',
      cooldownUntil: start + 30_000,
    });
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    clock.now = start + 29_999;
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    clock.now = start + 30_000;
    const lease = pool.acquire({ model: BASIC_MODEL });
    expect(lease?.token).toBe('a');
    await pool.reportSuccess(lease!, 1);
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'active', cooldownUntil: null });
    expect(syncCalls).toEqual([]);
  });

  test('cool without Retry-After: out of rotation until a quota sync says it is back', async () => {
    const { pool, storage, clock } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('cool'));
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'cooling', cooldownUntil: null });
    clock.now += 7 * 24 * 3_600_000;
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    await pool.sync('a');
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('a');
  });

  test('the cooldown takes effect before storage answers', async () => {
    const { pool } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    const pending = pool.reportFailure(
      pool.acquire({ model: BASIC_MODEL })!,
      upstreamError('cool', { retryAfterSeconds: 60 }),
    );
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    await pending;
  });

  test('auth_failure counts toward token.fail_threshold, then expires', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }], {
      config: { token: { fail_threshold: 2 } },
    });
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('auth_failure'));
    expect(await storage.accounts.get('a')).toMatchObject({
      status: 'active',
      failCount: 1,
      lastFailReason: 'unauthorized',
    });
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('auth_failure'));
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'expired', failCount: 2 });
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
  });

  test('a success in between resets the failure count', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }], {
      config: { token: { fail_threshold: 2 } },
    });
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('auth_failure'));
    await pool.reportSuccess(pool.acquire({ model: BASIC_MODEL })!, 1);
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('auth_failure'));
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'active', failCount: 1 });
  });

  test('expire: expired at once', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    await pool.reportFailure(pool.acquire({ model: BASIC_MODEL })!, upstreamError('expire'));
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'expired', statusReason: 'unauthorized' });
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
  });

  test('disable: disabled with the reason, and a later sync does not bring it back', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    await pool.reportFailure(
      pool.acquire({ model: BASIC_MODEL })!,
      upstreamError('disable', { message: 'account suspended' }),
    );
    expect(await storage.accounts.get('a')).toMatchObject({
      status: 'disabled',
      statusReason: 'account_blocked: account suspended',
    });
    await pool.sync('a');
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'disabled', quota: 80 });
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
  });

  test('a late rate limit never re-enables a disabled account', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }]);
    const lease = pool.acquire({ model: BASIC_MODEL })!;
    await pool.update('a', { status: 'disabled' });
    await pool.reportFailure(lease, upstreamError('cool', { retryAfterSeconds: 1 }));
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'disabled', statusReason: 'disabled by operator' });
  });
});

describe('sync', () => {
  test('a short window moves a Basic account to Super, a long one moves it back; custom pools stay', async () => {
    let windowSeconds = 7_200;
    const { pool, storage } = await makePool(
      [
        { token: 'a', pool: 'ssoBasic' },
        { token: 'custom', pool: 'team' },
      ],
      { syncQuota: async () => ({ remaining: 100, total: 140, windowSeconds }) },
    );
    await pool.sync('a');
    await pool.sync('custom');
    expect(await storage.accounts.get('a')).toMatchObject({
      pool: 'ssoSuper',
      quota: 100,
      quotaTotal: 140,
      windowSeconds: 7_200,
    });
    expect((await storage.accounts.get('custom'))!.pool).toBe('team');
    windowSeconds = 72_000;
    await pool.sync('a');
    expect((await storage.accounts.get('a'))!.pool).toBe('ssoBasic');
    expect(pool.stats().ssoBasic!.total).toBe(1);
  });

  test('a sync that proves the account dead expires it, and the error is rethrown', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic' }], {
      syncQuota: async () => {
        throw upstreamError('expire');
      },
    });
    await expect(pool.sync('a')).rejects.toBeInstanceOf(UpstreamError);
    expect((await storage.accounts.get('a'))!.status).toBe('expired');
  });

  test('any other sync failure leaves the account as it was', async () => {
    const { pool, storage } = await makePool([{ token: 'a', pool: 'ssoBasic', status: 'cooling' }], {
      syncQuota: async () => {
        throw upstreamError('auth_failure');
      },
    });
    const before = await storage.accounts.get('a');
    await expect(pool.sync('a')).rejects.toThrow('upstream said no');
    expect(await storage.accounts.get('a')).toEqual(before);
  });

  test('an unknown token is null, without calling Grok', async () => {
    const { pool, syncCalls } = await makePool([]);
    expect(await pool.sync('missing')).toBeNull();
    expect(syncCalls).toEqual([]);
  });
});

describe('administration through the pool', () => {
  test('add, update and remove keep the index in step with storage', async () => {
    const { pool, storage } = await makePool([]);
    expect(await pool.add([{ token: 'a' }, { token: 'b', quota: 3 }], 'ssoSuper')).toEqual({
      added: ['a', 'b'],
      duplicates: [],
    });
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('a');
    await pool.update('a', { status: 'disabled' });
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('b');
    await pool.update('a', { status: 'active' });
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'active', statusReason: null });
    expect(await pool.remove(['a', 'b'])).toBe(2);
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
  });

  test('enabling clears the reason and the failure count', async () => {
    const { pool, storage } = await makePool([
      { token: 'a', pool: 'ssoBasic', status: 'expired', statusReason: 'unauthorized', failCount: 5 },
    ]);
    await pool.update('a', { status: 'active' });
    expect(await storage.accounts.get('a')).toMatchObject({ status: 'active', statusReason: null, failCount: 0 });
  });

  test('stats count accounts and quota per pool', async () => {
    const { pool } = await makePool([
      { token: 'a', pool: 'ssoBasic', quota: 10 },
      { token: 'b', pool: 'ssoBasic', quota: 0, status: 'cooling' },
      { token: 'c', pool: 'ssoSuper', status: 'disabled' },
      { token: 'd', pool: 'team', status: 'expired', quota: 1 },
    ]);
    expect(pool.stats()).toEqual({
      ssoBasic: { total: 2, active: 1, cooling: 1, expired: 0, disabled: 0, quota: 10 },
      ssoSuper: { total: 1, active: 0, cooling: 0, expired: 0, disabled: 1, quota: 140 },
      team: { total: 1, active: 0, cooling: 0, expired: 1, disabled: 0, quota: 1 },
    });
  });

  test('refreshChanged applies what another instance wrote', async () => {
    const first = await makePool([
      { token: 'a', pool: 'ssoBasic' },
      { token: 'b', pool: 'ssoBasic', quota: 10 },
    ]);
    const second = new AccountPool({
      storage: first.storage,
      config: () => buildConfig(),
      syncQuota: async () => ({ remaining: 1, total: 1, windowSeconds: 1 }),
      clock: () => first.clock.now,
    });
    await second.load();
    first.clock.now += 10_000; // past the overlap the change feed re-reads
    await second.update('a', { status: 'disabled' });
    await second.add([{ token: 'c', quota: 99 }], 'ssoBasic');
    expect(first.pool.acquire({ model: BASIC_MODEL })!.token).toBe('a'); // not seen yet
    first.clock.now += 1_000;
    await first.pool.refreshChanged();
    expect(first.pool.acquire({ model: BASIC_MODEL })!.token).toBe('c');
    expect(first.pool.acquire({ model: BASIC_MODEL, exclude: new Set(['c']) })!.token).toBe('b');
  });
});
