import { expect, test } from 'bun:test';
import { findModel } from '../../src/catalog/models';
import { buildConfig } from '../../src/config/validate';
import { AccountPool } from '../../src/pool/account-pool';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import type { ModeWindow } from '../../src/storage/types';
import { UpstreamError } from '../../src/upstream/errors';
import { makePool } from './fixtures';

const FAST = findModel('grok-4.1-fast')!;
const EXPERT = findModel('grok-4.1-expert')!;
const AUTO = findModel('grok-4')!;

const window = (remaining: number, extra: Partial<ModeWindow> = {}): ModeWindow => ({
  remaining,
  total: 50,
  windowSeconds: 7_200,
  syncedAt: null,
  limitedReason: null,
  limitedUntil: null,
  ...extra,
});
const rateLimited = (retryAfterSeconds?: number) =>
  new UpstreamError({
    code: 'rate_limited',
    message: 'limited',
    retryable: false,
    accountEffect: 'cool',
    retryAfterSeconds,
  });

test('each mode picks by its own remaining quota; a mode without a window uses the account-wide estimate', async () => {
  const { pool } = await makePool([
    { token: 'fast-rich', pool: 'ssoBasic', quota: 10, modes: { fast: window(40), expert: window(1) } },
    { token: 'expert-rich', pool: 'ssoBasic', quota: 10, modes: { fast: window(5), expert: window(30) } },
    { token: 'estimate', pool: 'ssoBasic', quota: 20 },
  ]);
  const pickFor = (model = FAST) => {
    const lease = pool.acquire({ model })!;
    lease.release();
    return lease.token;
  };
  expect(pickFor(FAST)).toBe('fast-rich');
  expect(pickFor(EXPERT)).toBe('expert-rich');
  expect(pickFor(AUTO)).toBe('estimate'); // nobody has an auto window: 20 > 10 > 10
});

test('a 429 with Retry-After limits only its mode, which comes back by itself when the wait is over', async () => {
  const { pool, storage, clock } = await makePool([
    { token: 'a', pool: 'ssoBasic', modes: { fast: window(30), expert: window(8) } },
  ]);
  const start = clock.now;
  await pool.reportFailure(pool.acquire({ model: EXPERT })!, rateLimited(60));
  expect(await storage.accounts.get('a')).toMatchObject({ status: 'cooling', statusReason: 'rate_limited' });
  expect(pool.acquire({ model: EXPERT })).toBeNull();
  const fast = pool.acquire({ model: FAST });
  expect(fast?.token).toBe('a');
  await pool.reportSuccess(fast!, 1);
  expect((await storage.accounts.get('a'))!.modes.fast!.remaining).toBe(29);
  clock.now = start + 59_999;
  expect(pool.acquire({ model: EXPERT })).toBeNull();
  clock.now = start + 60_000;
  const expert = pool.acquire({ model: EXPERT });
  expect(expert?.token).toBe('a');
  await pool.reportSuccess(expert!, 4);
  expect(await storage.accounts.get('a')).toMatchObject({ status: 'active', statusReason: null });
  expect((await storage.accounts.get('a'))!.modes.expert).toMatchObject({ remaining: 4, limitedReason: null });
});

test('per-mode sync: one call per mode the tier can use, windows stored, the fast window mirrored in quota', async () => {
  const calls: string[] = [];
  const store = openSqliteStorage({ path: ':memory:' });
  await store.accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
  const config = buildConfig();
  const totals: Record<string, number> = { fast: 140, auto: 50, expert: 50 };
  const pool = new AccountPool({
    storage: store,
    config: () => config,
    quotaModes: ['fast', 'auto', 'expert', 'heavy'],
    coordinator: null,
    syncQuota: async (token, mode) => {
      calls.push(`${token}:${mode}`);
      return { remaining: totals[mode!]! - 1, total: totals[mode!]!, windowSeconds: 7_200 };
    },
  });
  await pool.load();
  // In the Basic pool: only Basic's modes are asked; their Super totals move the account to Super.
  const first = (await pool.sync('a'))!;
  expect(calls.sort()).toEqual(['a:auto', 'a:fast']);
  expect(first).toMatchObject({ pool: 'ssoSuper', quota: 139, quotaTotal: 140 });
  // Now a Super account: `expert` is asked too, never `heavy` (no Heavy signal).
  calls.length = 0;
  const synced = (await pool.sync('a'))!;
  expect(calls.sort()).toEqual(['a:auto', 'a:expert', 'a:fast']);
  expect(Object.keys(synced.modes).sort()).toEqual(['auto', 'expert', 'fast']);
  expect(synced.modes.expert).toMatchObject({ remaining: 49, total: 50 });
  await store.close();
});

test('a Basic account costs two quota calls and is never asked about heavy; windows of modes it cannot use are dropped', async () => {
  const calls: string[] = [];
  const store = openSqliteStorage({ path: ':memory:' });
  const stale = {
    remaining: 0,
    total: 8,
    windowSeconds: 86_400,
    syncedAt: 1,
    limitedReason: 'quota_exhausted',
    limitedUntil: null,
  };
  await store.accounts.insert([{ token: 'b', pool: 'ssoBasic', modes: { expert: stale } }]);
  const config = buildConfig();
  const totals: Record<string, number> = { fast: 30, auto: 20 };
  const pool = new AccountPool({
    storage: store,
    config: () => config,
    quotaModes: ['fast', 'auto', 'expert', 'heavy'],
    coordinator: null,
    syncQuota: async (token, mode) => {
      calls.push(`${token}:${mode}`);
      return { remaining: totals[mode!]!, total: totals[mode!]!, windowSeconds: 86_400 };
    },
  });
  await pool.load();
  const synced = (await pool.sync('b'))!;
  expect(calls.sort()).toEqual(['b:auto', 'b:fast']);
  expect(synced.pool).toBe('ssoBasic');
  expect(Object.keys(synced.modes).sort()).toEqual(['auto', 'fast']);
  await store.close();
});
