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
      await accounts.insert([
        { token: 'basic-1', pool: 'ssoBasic' },
        { token: 'super-1', pool: 'ssoSuper' },
        { token: 'custom-1', pool: 'mine' },
      ]);
      const basic = await accounts.get('basic-1');
      expect(basic).toMatchObject({
        token: 'basic-1',
        pool: 'ssoBasic',
        status: 'active',
        statusReason: null,
        quota: 80,
        quotaTotal: null,
        consumed: 0,
        useCount: 0,
        failCount: 0,
        lastUsedAt: null,
        lastSyncAt: null,
        cooldownUntil: null,
        tags: [],
        note: '',
      });
      expect(basic!.createdAt).toBeGreaterThan(0);
      expect((await accounts.get('super-1'))!.quota).toBe(140);
      expect((await accounts.get('custom-1'))!.pool).toBe('mine');
      expect(await accounts.get('missing')).toBeNull();
    });

    test('given fields are kept, tags round-trip', async () => {
      await accounts.insert([
        {
          token: 't',
          pool: 'ssoSuper',
          quota: 3,
          status: 'cooling',
          tags: ['nsfw', 'eu'],
          note: 'hello',
          createdAt: at,
          useCount: 9,
          lastSyncAt: at,
        },
      ]);
      expect(await accounts.get('t')).toMatchObject({
        quota: 3,
        status: 'cooling',
        tags: ['nsfw', 'eu'],
        note: 'hello',
        createdAt: at,
        useCount: 9,
        lastSyncAt: at,
      });
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
      expect((await accounts.list({ pool: 'ssoBasic', status: 'cooling' })).map((account) => account.token)).toEqual([
        'b',
      ]);
      expect(await accounts.count()).toBe(3);
    });

    test('listPage, where a driver has it, reads every account once in pages, while others are added and removed', async () => {
      if (!accounts.listPage) return;
      const tokens = Array.from({ length: 23 }, (_, index) => `page-${index.toString().padStart(2, '0')}`);
      await accounts.insert(tokens.map((token) => ({ token, pool: 'ssoBasic' })));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await accounts.listPage(cursor, 5);
        expect(page.accounts.length).toBeLessThanOrEqual(5);
        seen.push(...page.accounts.map((account) => account.token));
        cursor = page.next;
        // Rows before the cursor change between pages: no row after it is skipped or repeated.
        if (pages++ === 1) {
          await accounts.remove([seen[0]!]);
          await accounts.insert([{ token: 'page-', pool: 'ssoBasic' }]);
        }
      } while (cursor !== null);
      // Once each (the order is the store's key order: with encrypted tokens, not the plain one); the
      // one added meanwhile may or may not be read.
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((token) => token !== 'page-').sort()).toEqual(tokens);
      expect(pages).toBeGreaterThanOrEqual(5);
    });

    test('remove deletes only the given tokens and counts what existed', async () => {
      await accounts.insert([
        { token: 'a', pool: 'ssoBasic' },
        { token: 'b', pool: 'ssoBasic' },
      ]);
      expect(await accounts.remove(['a', 'nope'])).toBe(1);
      expect(await accounts.get('a')).toBeNull();
      expect(await accounts.count()).toBe(1);
    });
  });

  describe('importBatch', () => {
    test('inserts the new, merges into the stored (given fields replace, tags join), returns the rows as stored', async () => {
      await accounts.insert([
        { token: 'stored', pool: 'ssoBasic', quota: 5, tags: ['old'], note: 'kept' },
        { token: 'same', pool: 'ssoBasic', tags: ['x'] },
      ]);
      await accounts.recordSuccess('stored', { units: 2, at });
      const before = (await accounts.get('stored'))!;
      const result = await accounts.importBatch([
        { token: 'stored', pool: 'ssoSuper', quota: 9, tags: ['new', 'old'] },
        { token: 'fresh', pool: 'ssoSuper', tags: ['t'] },
        { token: 'same', pool: 'ssoBasic', tags: ['x'] },
      ]);
      expect(result.added.map((account) => account.token)).toEqual(['fresh']);
      expect(result.added[0]).toEqual((await accounts.get('fresh'))!);
      expect(result.added[0]).toMatchObject({ pool: 'ssoSuper', quota: 140, tags: ['t'], version: 1 });
      const merged = new Map(result.merged.map((account) => [account.token, account]));
      expect([...merged.keys()].sort()).toEqual(['same', 'stored']);
      const stored = (await accounts.get('stored'))!;
      expect(merged.get('stored')).toEqual(stored);
      expect(stored).toMatchObject({ pool: 'ssoSuper', quota: 9, tags: ['old', 'new'], note: 'kept', useCount: 2 });
      expect(stored.createdAt).toBe(before.createdAt);
      expect(stored.version).toBe(before.version + 1);
      // Nothing to change: the stored row as it was, not rewritten.
      const same = (await accounts.get('same'))!;
      expect(merged.get('same')).toEqual(same);
      expect(same.version).toBe(1);
      expect(await accounts.count()).toBe(3);
    });
  });

  describe('update and changeStatus', () => {
    test('update changes the given fields, stamps a status change and bumps the version', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      const before = (await accounts.get('a'))!;
      const after = await accounts.update('a', {
        status: 'disabled',
        statusReason: 'operator',
        note: 'n',
        tags: ['x', 'x', 'y'],
        pool: 'ssoSuper',
      });
      expect(after).toMatchObject({
        status: 'disabled',
        statusReason: 'operator',
        note: 'n',
        tags: ['x', 'y'],
        pool: 'ssoSuper',
        quota: 80,
      });
      expect(after!.version).toBeGreaterThan(before.version);
      expect(after!.statusChangedAt).toBeGreaterThanOrEqual(before.statusChangedAt);
      expect(await accounts.get('a')).toEqual(after);
      expect(await accounts.update('missing', { note: 'x' })).toBeNull();
    });

    test('changeStatus applies only from the allowed statuses', async () => {
      await accounts.insert([
        { token: 'a', pool: 'ssoBasic' },
        { token: 'd', pool: 'ssoBasic', status: 'disabled', statusReason: 'operator' },
      ]);
      const cooled = await accounts.changeStatus('a', {
        to: 'cooling',
        reason: 'rate_limited',
        at,
        from: ['active', 'cooling'],
        cooldownUntil: at + 5000,
      });
      expect(cooled).toMatchObject({
        status: 'cooling',
        statusReason: 'rate_limited',
        cooldownUntil: at + 5000,
        statusChangedAt: at,
      });
      const untouched = await accounts.changeStatus('d', {
        to: 'cooling',
        reason: 'rate_limited',
        at,
        from: ['active', 'cooling'],
      });
      expect(untouched).toMatchObject({ status: 'disabled', statusReason: 'operator' });
      const disabled = await accounts.changeStatus('a', { to: 'disabled', reason: 'account_blocked', at });
      expect(disabled).toMatchObject({ status: 'disabled', statusReason: 'account_blocked', cooldownUntil: null });
    });
  });

  describe('recordSuccess', () => {
    test('charges units and clears the failure count', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 10, failCount: 3 }]);
      const after = await accounts.recordSuccess('a', { units: 4, at });
      expect(after).toMatchObject({
        quota: 6,
        consumed: 4,
        useCount: 4,
        lastUsedAt: at,
        failCount: 0,
        status: 'active',
      });
    });

    test('an active account whose quota reaches 0 cools with reason quota_exhausted; quota never goes negative', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 2 }]);
      const after = await accounts.recordSuccess('a', { units: 4, at });
      expect(after).toMatchObject({
        quota: 0,
        consumed: 4,
        status: 'cooling',
        statusReason: 'quota_exhausted',
        statusChangedAt: at,
      });
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
      expect(await accounts.recordSuccess('a', { units: 1, at })).toMatchObject({
        status: 'active',
        cooldownUntil: null,
        statusReason: null,
      });
    });

    test('many parallel charges sum exactly', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 1000 }]);
      await Promise.all(
        Array.from({ length: 200 }, (_, index) => accounts.recordSuccess('a', { units: 1 + (index % 2), at })),
      );
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
      expect(await accounts.recordFailure('a', { reason: 'unauthorized', at, threshold: 1 })).toMatchObject({
        failCount: 1,
        status: 'disabled',
      });
    });

    test('parallel failures count exactly', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      await Promise.all(
        Array.from({ length: 50 }, () => accounts.recordFailure('a', { reason: 'x', at, threshold: 1000 })),
      );
      expect((await accounts.get('a'))!.failCount).toBe(50);
    });
  });

  describe('applySync', () => {
    const sync = (remaining: number) => ({ remaining, total: 140, windowSeconds: 7200, at });

    test('stores the quota window and resets failures', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', failCount: 2 }]);
      const synced = await accounts.applySync('a', sync(50));
      expect(synced).toMatchObject({
        quota: 50,
        quotaTotal: 140,
        windowSeconds: 7200,
        lastSyncAt: at,
        failCount: 0,
        status: 'active',
      });
    });

    test('cooling and expired accounts with quota become active; a cooling one starts a new window', async () => {
      await accounts.insert([
        { token: 'c', pool: 'ssoBasic', status: 'cooling', quota: 0, consumed: 80 },
        { token: 'e', pool: 'ssoBasic', status: 'expired' },
      ]);
      expect(await accounts.applySync('c', sync(80))).toMatchObject({
        status: 'active',
        statusReason: null,
        consumed: 0,
      });
      expect(await accounts.applySync('e', sync(10))).toMatchObject({ status: 'active', statusReason: null });
    });

    test('an active account with no quota left cools', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      expect(await accounts.applySync('a', sync(0))).toMatchObject({
        status: 'cooling',
        statusReason: 'quota_exhausted',
        quota: 0,
      });
    });

    test('disabled stays disabled whatever the sync says', async () => {
      await accounts.insert([{ token: 'd', pool: 'ssoBasic', status: 'disabled', statusReason: 'operator' }]);
      expect(await accounts.applySync('d', sync(0))).toMatchObject({
        status: 'disabled',
        statusReason: 'operator',
        quota: 0,
      });
      expect(await accounts.applySync('d', sync(90))).toMatchObject({
        status: 'disabled',
        statusReason: 'operator',
        quota: 90,
      });
    });

    test('moves the account to the given pool', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      expect((await accounts.applySync('a', { ...sync(140), pool: 'ssoSuper' }))!.pool).toBe('ssoSuper');
    });
  });

  describe('listing by status', () => {
    const tokensWith = async (status: 'active' | 'cooling' | 'expired' | 'disabled') =>
      (await accounts.list({ status })).map((account) => account.token).sort();

    test('follows every kind of write (the refresh scheduler lists cooling accounts this way)', async () => {
      await accounts.insert([
        { token: 'a', pool: 'ssoBasic', quota: 1 },
        { token: 'b', pool: 'ssoBasic' },
        { token: 'c', pool: 'ssoBasic', status: 'cooling', quota: 0 },
        { token: 'd', pool: 'ssoSuper' },
      ]);
      expect(await tokensWith('active')).toEqual(['a', 'b', 'd']);
      expect(await tokensWith('cooling')).toEqual(['c']);
      await accounts.recordSuccess('a', { units: 1, at }); // quota used up: cooling
      await accounts.recordFailure('b', { reason: 'unauthorized', at, threshold: 1 }); // expired
      await accounts.applySync('c', { remaining: 5, total: 80, windowSeconds: 72_000, at }); // back
      await accounts.update('d', { status: 'disabled' });
      expect(await tokensWith('active')).toEqual(['c']);
      expect(await tokensWith('cooling')).toEqual(['a']);
      expect(await tokensWith('expired')).toEqual(['b']);
      expect(await tokensWith('disabled')).toEqual(['d']);
      await accounts.changeStatus('c', { to: 'cooling', reason: 'rate_limited', at, mode: 'fast' });
      await accounts.remove(['a']);
      expect(await tokensWith('cooling')).toEqual(['c']);
      await accounts.replaceAll([
        { token: 'c', pool: 'ssoBasic', status: 'active' },
        { token: 'e', pool: 'ssoBasic', status: 'cooling' },
      ]);
      expect(await tokensWith('active')).toEqual(['c']);
      expect(await tokensWith('cooling')).toEqual(['e']);
      expect(await tokensWith('expired')).toEqual([]);
      expect(await tokensWith('disabled')).toEqual([]);
      expect((await accounts.list({ status: 'cooling', pool: 'ssoSuper' })).length).toBe(0);
    });
  });

  describe('quota per upstream mode', () => {
    const window = (remaining: number, total: number | null = 50) => ({ remaining, total, windowSeconds: 7200 });

    test('a new account has no mode windows; given windows round-trip', async () => {
      const limited = {
        remaining: 3,
        total: 50,
        windowSeconds: 7200,
        syncedAt: at,
        limitedReason: 'rate_limited',
        limitedUntil: at + 5,
      };
      await accounts.insert([
        { token: 'a', pool: 'ssoBasic' },
        { token: 'b', pool: 'ssoSuper', modes: { expert: limited } },
      ]);
      expect((await accounts.get('a'))!.modes).toEqual({});
      expect((await accounts.get('b'))!.modes).toEqual({ expert: limited });
      expect((await accounts.list()).find((account) => account.token === 'b')!.modes).toEqual({ expert: limited });
    });

    test('a sync stores each mode; a used-up window cools the account for that mode only, a mode the tier lacks does not', async () => {
      await accounts.insert([
        { token: 'a', pool: 'ssoSuper' },
        { token: 'b', pool: 'ssoBasic' },
      ]);
      const synced = await accounts.applySync('a', {
        ...window(120, 140),
        at,
        modes: { fast: window(120, 140), expert: window(0, 50), heavy: window(0, 0) },
      });
      expect(synced).toMatchObject({ status: 'cooling', statusReason: 'quota_exhausted', quota: 120 });
      expect(synced!.modes.fast).toEqual({
        remaining: 120,
        total: 140,
        windowSeconds: 7200,
        syncedAt: at,
        limitedReason: null,
        limitedUntil: null,
      });
      expect(synced!.modes.expert).toMatchObject({
        remaining: 0,
        limitedReason: 'quota_exhausted',
        limitedUntil: null,
      });
      expect(synced!.modes.heavy).toMatchObject({ remaining: 0, total: 0, limitedReason: null });
      const basic = await accounts.applySync('b', {
        ...window(30, 30),
        at,
        modes: { fast: window(30, 30), heavy: window(0, 0) },
      });
      expect(basic).toMatchObject({ status: 'active', quota: 30 });
      expect(await accounts.get('a')).toEqual(synced);
    });

    test('a charge on a mode with a window takes from that window only (and from quota for fast)', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoSuper', quota: 140 }]);
      await accounts.applySync('a', {
        ...window(100, 140),
        at,
        modes: { fast: window(100, 140), expert: window(10, 50) },
      });
      const expert = await accounts.recordSuccess('a', { units: 4, at, mode: 'expert' });
      expect(expert).toMatchObject({ quota: 100, useCount: 4, status: 'active' });
      expect(expert!.modes.expert!.remaining).toBe(6);
      expect(expert!.modes.fast!.remaining).toBe(100);
      const fast = await accounts.recordSuccess('a', { units: 1, at, mode: 'fast' });
      expect(fast).toMatchObject({ quota: 99 });
      expect(fast!.modes.fast!.remaining).toBe(99);
      // A mode without a window draws on the account-wide estimate.
      const auto = await accounts.recordSuccess('a', { units: 2, at, mode: 'auto' });
      expect(auto).toMatchObject({ quota: 97 });
      expect(auto!.modes.auto).toBeUndefined();
    });

    test('emptying a mode window limits that mode and cools the account; a sync brings it back', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoSuper' }]);
      await accounts.applySync('a', {
        ...window(100, 140),
        at,
        modes: { fast: window(100, 140), expert: window(4, 50) },
      });
      const emptied = await accounts.recordSuccess('a', { units: 4, at: at + 1, mode: 'expert' });
      expect(emptied).toMatchObject({
        status: 'cooling',
        statusReason: 'quota_exhausted',
        statusChangedAt: at + 1,
        quota: 100,
      });
      expect(emptied!.modes.expert).toMatchObject({
        remaining: 0,
        limitedReason: 'quota_exhausted',
        limitedUntil: null,
      });
      const back = await accounts.applySync('a', {
        ...window(99, 140),
        at: at + 2,
        modes: { fast: window(99, 140), expert: window(50, 50) },
      });
      expect(back).toMatchObject({ status: 'active', statusReason: null });
      expect(back!.modes.expert).toMatchObject({ remaining: 50, limitedReason: null });
    });

    test('a rate limit on one mode limits only that mode, starting from the estimate when it had no window', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 30 }]);
      const limited = await accounts.changeStatus('a', {
        to: 'cooling',
        reason: 'rate_limited',
        at,
        from: ['active', 'cooling'],
        cooldownUntil: at + 30_000,
        mode: 'fast',
      });
      expect(limited).toMatchObject({ status: 'cooling', statusReason: 'rate_limited', cooldownUntil: at + 30_000 });
      expect(limited!.modes).toEqual({
        fast: {
          remaining: 30,
          total: null,
          windowSeconds: null,
          syncedAt: null,
          limitedReason: 'rate_limited',
          limitedUntil: at + 30_000,
        },
      });
      // Once the wait is over, a success on that mode proves it is back and the account is active again.
      const after = await accounts.recordSuccess('a', { units: 1, at: at + 30_001, mode: 'fast' });
      expect(after).toMatchObject({ status: 'active', statusReason: null, quota: 29 });
      expect(after!.modes.fast).toMatchObject({ remaining: 29, limitedReason: null, limitedUntil: null });
    });

    test("P1's single-window sync with quota left clears every mode window", async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      await accounts.changeStatus('a', { to: 'cooling', reason: 'rate_limited', at, mode: 'expert' });
      const synced = await accounts.applySync('a', { remaining: 80, total: 80, windowSeconds: 72_000, at });
      expect(synced).toMatchObject({ status: 'active', quota: 80, modes: {} });
    });

    test('concurrent charges on one mode window are all counted', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoSuper' }]);
      await accounts.applySync('a', {
        ...window(500, 500),
        at,
        modes: { fast: window(500, 500), expert: window(300, 300) },
      });
      await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          accounts.recordSuccess('a', { units: 1 + (index % 2), at, mode: index % 3 === 0 ? 'fast' : 'expert' }),
        ),
      );
      const account = (await accounts.get('a'))!;
      const charged = (predicate: (index: number) => boolean) =>
        Array.from({ length: 60 }, (_, index) => index)
          .filter(predicate)
          .reduce((sum, index) => sum + 1 + (index % 2), 0);
      expect(account.modes.fast!.remaining).toBe(500 - charged((index) => index % 3 === 0));
      expect(account.modes.expert!.remaining).toBe(300 - charged((index) => index % 3 !== 0));
      expect(account.quota).toBe(account.modes.fast!.remaining);
      expect(account.useCount).toBe(charged(() => true));
    });

    test('an admin patch may set windows; the driver keeps only well-formed ones', async () => {
      await accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
      const patched = await accounts.update('a', {
        modes: {
          fast: {
            remaining: 7,
            total: 30,
            windowSeconds: 86_400,
            syncedAt: null,
            limitedReason: null,
            limitedUntil: null,
          },
        },
      });
      expect(patched!.modes.fast!.remaining).toBe(7);
      expect((await accounts.get('a'))!.modes.fast!.remaining).toBe(7);
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
      await accounts.insert([
        { token: 'old', pool: 'ssoBasic' },
        { token: 'touched', pool: 'ssoBasic' },
      ]);
      await sleep(15);
      const mark = Date.now();
      await sleep(15);
      await accounts.recordSuccess('touched', { units: 1, at: Date.now() });
      await accounts.insert([{ token: 'fresh', pool: 'ssoSuper' }]);
      const changed = (await accounts.changedSince(mark)).map((account) => account.token).sort();
      expect(changed).toEqual(['fresh', 'touched']);
    });

    test('leaves out no row the caller does not already hold in that version', async () => {
      await accounts.insert([
        { token: 'held', pool: 'ssoBasic' },
        { token: 'behind', pool: 'ssoBasic' },
      ]);
      const held = (await accounts.get('held'))!;
      const behind = (await accounts.recordSuccess('behind', { units: 1, at: Date.now() }))!;
      // The caller holds `held` as stored and `behind` one version back.
      const known = (token: string, version: number) =>
        token === 'held' ? version <= held.version : version <= behind.version - 1;
      const rows = await accounts.changedSince(0, known);
      expect(rows.map((account) => account.token)).toContain('behind');
      expect(rows.find((account) => account.token === 'behind')).toEqual(behind);
    });
  });

  describe('getMany', () => {
    test('reads the stored rows of the given tokens, in more than one read, and leaves out the absent', async () => {
      const tokens = Array.from({ length: 1_203 }, (_, index) => `many-${index}`);
      await accounts.insert(tokens.map((token) => ({ token, pool: 'ssoBasic' })));
      await accounts.recordSuccess('many-7', { units: 1, at: Date.now() });
      const asked = [...tokens.filter((_, index) => index % 2 === 1), 'never stored', 'it\'s "quoted"'];
      const rows = await accounts.getMany(asked);
      expect(rows.map((account) => account.token).sort()).toEqual(asked.slice(0, -2).sort());
      expect(rows.find((account) => account.token === 'many-7')).toEqual((await accounts.get('many-7'))!);
      expect(await accounts.getMany([])).toEqual([]);
    });
  });

  describe('removedSince', () => {
    test('names the tokens remove and replaceAll deleted after the given time, nothing else', async () => {
      await accounts.insert([
        { token: 'early', pool: 'ssoBasic' },
        { token: 'removed', pool: 'ssoBasic' },
        { token: 'replaced away', pool: 'ssoBasic' },
        { token: 'kept', pool: 'ssoBasic' },
      ]);
      await accounts.remove(['early']);
      await sleep(15);
      const mark = Date.now();
      await sleep(15);
      expect(await accounts.remove(['removed', 'never stored'])).toBe(1);
      await accounts.replaceAll([{ token: 'kept', pool: 'ssoBasic' }]);
      expect((await accounts.removedSince(mark)).sort()).toEqual(['removed', 'replaced away']);
      expect((await accounts.removedSince(0)).sort()).toEqual(['early', 'removed', 'replaced away']);
      expect(await accounts.removedSince(Date.now() + 60_000)).toEqual([]);
    });
  });

  describe('connection', () => {
    test('ping answers while open', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });
  });
}
