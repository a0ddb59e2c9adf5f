import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import type { AccountStore, Storage } from '../../src/storage/types';

/**
 * Behaviour every storage driver must have. Each driver's test file calls this with a factory
 * that returns a new, empty storage; later drivers (Redis, PostgreSQL, MySQL) run the same suite.
 * Only real time is used (no injected clock), because a remote driver stamps with its own.
 */
export function runAccountStoreContract(makeStorage: () => Promise<Storage>): void {
  let storage: Storage;
  let accounts: AccountStore;
  const at = 1_700_000_000_000;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeEach(async () => {
    storage = await makeStorage();
    accounts = storage.accounts;
  });

  afterEach(async () => {
    await storage.close();
  });

  describe('insert, get, list, count, remove', () => {
    test('a new account gets the defaults of its pool', async () => {
      await accounts.insert([{ token: 'basic-1', pool: 'ssoBasic' }, { token: 'super-1', pool: 'ssoSuper' }, { token: 'custom-1', pool: 'mine' }]);
      const basic = await accounts.get('basic-1');
      expect(basic).toMatchObject({
        token: 'basic-1', pool: 'ssoBasic', status: 'active', statusReason: null, quota: 80, quotaTotal: null,
        consumed: 0, useCount: 0, failCount: 0, lastUsedAt: null, lastSyncAt: null, cooldownUntil: null, tags: [], note: '',
      });
      expect(basic!.createdAt).toBeGreaterThan(0);
      expect((await accounts.get('super-1'))!.quota).toBe(140);
      expect((await accounts.get('custom-1'))!.pool).toBe('mine');
      expect(await accounts.get('missing')).toBeNull();
    });

    test('given fields are kept, tags round-trip', async () => {
      await accounts.insert([
        { token: 't', pool: 'ssoSuper', quota: 3, status: 'cooling', tags: ['nsfw', 'eu'], note: 'hello', createdAt: at, useCount: 9, lastSyncAt: at },
      ]);
      expect(await accounts.get('t')).toMatchObject({ quota: 3, status: 'cooling', tags: ['nsfw', 'eu'], note: 'hello', createdAt: at, useCount: 9, lastSyncAt: at });
    });

    test('insert never overwrites: existing and repeated tokens are duplicates', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 5 }]);
      const result = await accounts.insert([
        { token: 'a', pool: 'ssoSuper', quota: 99 },
        { token: 'b', pool: 'ssoBasic' },
        { token: 'b', pool: 'ssoSuper' },
      ]);
      expect(result).toEqual({ added: ['b'], duplicates: ['a', 'b'] });
      expect(await accounts.get('a')).toMatchObject({ pool: 'ssoBasic', quota: 5 });
      expect((await accounts.get('b'))!.pool).toBe('ssoBasic');
    });

    test('list filters by pool and status; count counts everything', async () => {
      await accounts.insert([
        { token: 'a', pool: 'ssoBasic' },
        { token: 'b', pool: 'ssoBasic', status: 'cooling' },
        { token: 'c', pool: 'ssoSuper' },
      ]);
      expect((await accounts.list()).map((account) => account.token).sort()).toEqual(['a', 'b', 'c']);
      expect((await accounts.list({ pool: 'ssoBasic' })).map((account) => account.token).sort()).toEqual(['a', 'b']);
      expect((await accounts.list({ status: 'active' })).map((account) => account.token).sort()).toEqual(['a', 'c']);
      expect((await accounts.list({ pool: 'ssoBasic', status: 'cooling' })).map((account) => account.token)).toEqual(['b']);
      expect(await accounts.count()).toBe(3);
    });

    test('remove deletes only the given tokens and counts what existed', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }, { token: 'b', pool: 'ssoBasic' }]);
      expect(await accounts.remove(['a', 'nope'])).toBe(1);
      expect(await accounts.get('a')).toBeNull();
      expect(await accounts.count()).toBe(1);
    });
  });

  describe('update and changeStatus', () => {
    test('update changes the given fields, stamps a status change and bumps the version', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      const before = (await accounts.get('a'))!;
      const after = await accounts.update('a', { status: 'disabled', statusReason: 'operator', note: 'n', tags: ['x', 'x', 'y'], pool: 'ssoSuper' });
      expect(after).toMatchObject({ status: 'disabled', statusReason: 'operator', note: 'n', tags: ['x', 'y'], pool: 'ssoSuper', quota: 80 });
      expect(after!.version).toBeGreaterThan(before.version);
      expect(after!.statusChangedAt).toBeGreaterThanOrEqual(before.statusChangedAt);
      expect(await accounts.get('a')).toEqual(after);
      expect(await accounts.update('missing', { note: 'x' })).toBeNull();
    });

    test('changeStatus applies only from the allowed statuses', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }, { token: 'd', pool: 'ssoBasic', status: 'disabled', statusReason: 'operator' }]);
      const cooled = await accounts.changeStatus('a', { to: 'cooling', reason: 'rate_limited', at, from: ['active', 'cooling'], cooldownUntil: at + 5000 });
      expect(cooled).toMatchObject({ status: 'cooling', statusReason: 'rate_limited', cooldownUntil: at + 5000, statusChangedAt: at });
      const untouched = await accounts.changeStatus('d', { to: 'cooling', reason: 'rate_limited', at, from: ['active', 'cooling'] });
      expect(untouched).toMatchObject({ status: 'disabled', statusReason: 'operator' });
      const disabled = await accounts.changeStatus('a', { to: 'disabled', reason: 'account_blocked', at });
      expect(disabled).toMatchObject({ status: 'disabled', statusReason: 'account_blocked', cooldownUntil: null });
    });
  });

  describe('recordSuccess', () => {
    test('charges units and clears the failure count', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 10, failCount: 3 }]);
      const after = await accounts.recordSuccess('a', { units: 4, at });
      expect(after).toMatchObject({ quota: 6, consumed: 4, useCount: 4, lastUsedAt: at, failCount: 0, status: 'active' });
    });

    test('an active account whose quota reaches 0 cools with reason quota_exhausted; quota never goes negative', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 2 }]);
      const after = await accounts.recordSuccess('a', { units: 4, at });
      expect(after).toMatchObject({ quota: 0, consumed: 4, status: 'cooling', statusReason: 'quota_exhausted', statusChangedAt: at });
    });

    test('disabled and expired accounts keep their status', async () => {
      await accounts.insert([
        { token: 'd', pool: 'ssoBasic', quota: 1, status: 'disabled' },
        { token: 'e', pool: 'ssoBasic', quota: 1, status: 'expired' },
      ]);
      expect((await accounts.recordSuccess('d', { units: 1, at }))!.status).toBe('disabled');
      expect((await accounts.recordSuccess('e', { units: 1, at }))!.status).toBe('expired');
    });

    test('a cooling account whose cooldown has passed becomes active again', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 5, status: 'cooling', cooldownUntil: at - 1 }]);
      expect(await accounts.recordSuccess('a', { units: 1, at })).toMatchObject({ status: 'active', cooldownUntil: null, statusReason: null });
    });

    test('many parallel charges sum exactly', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 1000 }]);
      await Promise.all(Array.from({ length: 200 }, (_, index) => accounts.recordSuccess('a', { units: 1 + (index % 2), at })));
      expect(await accounts.get('a')).toMatchObject({ quota: 700, consumed: 300, useCount: 300 });
    });

    test('an unknown token is null', async () => {
      expect(await accounts.recordSuccess('missing', { units: 1, at })).toBeNull();
    });
  });

  describe('recordFailure', () => {
    test('expires at the threshold', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      const first = await accounts.recordFailure('a', { reason: 'unauthorized', at, threshold: 2 });
      expect(first).toMatchObject({ failCount: 1, status: 'active', lastFailAt: at, lastFailReason: 'unauthorized' });
      const second = await accounts.recordFailure('a', { reason: 'unauthorized', at: at + 1, threshold: 2 });
      expect(second).toMatchObject({ failCount: 2, status: 'expired', statusReason: 'unauthorized' });
    });

    test('never expires a disabled account', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', status: 'disabled' }]);
      expect(await accounts.recordFailure('a', { reason: 'unauthorized', at, threshold: 1 })).toMatchObject({ failCount: 1, status: 'disabled' });
    });

    test('parallel failures count exactly', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      await Promise.all(Array.from({ length: 50 }, () => accounts.recordFailure('a', { reason: 'x', at, threshold: 1000 })));
      expect((await accounts.get('a'))!.failCount).toBe(50);
    });
  });

  describe('applySync', () => {
    const sync = (remaining: number) => ({ remaining, total: 140, windowSeconds: 7200, at });

    test('stores the quota window and resets failures', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', failCount: 2 }]);
      const synced = await accounts.applySync('a', sync(50));
      expect(synced).toMatchObject({ quota: 50, quotaTotal: 140, windowSeconds: 7200, lastSyncAt: at, failCount: 0, status: 'active' });
    });

    test('cooling and expired accounts with quota become active; a cooling one starts a new window', async () => {
      await accounts.insert([
        { token: 'c', pool: 'ssoBasic', status: 'cooling', quota: 0, consumed: 80 },
        { token: 'e', pool: 'ssoBasic', status: 'expired' },
      ]);
      expect(await accounts.applySync('c', sync(80))).toMatchObject({ status: 'active', statusReason: null, consumed: 0 });
      expect(await accounts.applySync('e', sync(10))).toMatchObject({ status: 'active', statusReason: null });
    });

    test('an active account with no quota left cools', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      expect(await accounts.applySync('a', sync(0))).toMatchObject({ status: 'cooling', statusReason: 'quota_exhausted', quota: 0 });
    });

    test('disabled stays disabled whatever the sync says', async () => {
      await accounts.insert([{ token: 'd', pool: 'ssoBasic', status: 'disabled', statusReason: 'operator' }]);
      expect(await accounts.applySync('d', sync(0))).toMatchObject({ status: 'disabled', statusReason: 'operator', quota: 0 });
      expect(await accounts.applySync('d', sync(90))).toMatchObject({ status: 'disabled', statusReason: 'operator', quota: 90 });
    });

    test('moves the account to the given pool', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      expect((await accounts.applySync('a', { ...sync(140), pool: 'ssoSuper' }))!.pool).toBe('ssoSuper');
    });
  });

  describe('replaceAll', () => {
    test('adds the missing, updates only given fields of the present, deletes the absent', async () => {
      await accounts.insert([
        { token: 'keep', pool: 'ssoBasic', quota: 7, note: 'stored note' },
        { token: 'same', pool: 'ssoBasic' },
        { token: 'gone', pool: 'ssoBasic' },
      ]);
      const summary = await accounts.replaceAll([
        { token: 'keep', pool: 'ssoSuper', quota: 9 },
        { token: 'same', pool: 'ssoBasic' },
        { token: 'new', pool: 'ssoSuper' },
      ]);
      expect(summary).toEqual({ added: ['new'], updated: ['keep'], removed: ['gone'] });
      expect(await accounts.get('keep')).toMatchObject({ pool: 'ssoSuper', quota: 9, note: 'stored note' });
      expect(await accounts.get('new')).toMatchObject({ pool: 'ssoSuper', quota: 140 });
      expect(await accounts.get('gone')).toBeNull();
    });

    test('an empty set deletes every account, the last one included', async () => {
      await accounts.insert([{ token: 'only', pool: 'ssoBasic' }]);
      expect(await accounts.replaceAll([])).toEqual({ added: [], updated: [], removed: ['only'] });
      expect(await accounts.count()).toBe(0);
    });
  });

  describe('changedSince', () => {
    test('returns the rows written after the given time', async () => {
      await accounts.insert([{ token: 'old', pool: 'ssoBasic' }, { token: 'touched', pool: 'ssoBasic' }]);
      await sleep(15);
      const mark = Date.now();
      await sleep(15);
      await accounts.recordSuccess('touched', { units: 1, at: Date.now() });
      await accounts.insert([{ token: 'fresh', pool: 'ssoSuper' }]);
      const changed = (await accounts.changedSince(mark)).map((account) => account.token).sort();
      expect(changed).toEqual(['fresh', 'touched']);
    });
  });

  describe('connection', () => {
    test('ping answers while open', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });
  });
}
