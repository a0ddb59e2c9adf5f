import { describe, expect, test } from 'bun:test';
import {
  defaultQuota,
  newAccountRecord,
  QUOTA_EXHAUSTED,
  sameAccount,
  withFailure,
  withPatch,
  withStatusChange,
  withSuccess,
  withSync,
} from '../../src/storage/account-rules';
import type { Account, AccountStatus, ModeWindow, NewAccount } from '../../src/storage/types';

/**
 * Every state transition of the account rules, asserted as the exact account that comes out (the
 * drivers and the pool all apply these functions, so a wrong field here is wrong everywhere).
 */

const CREATED = 1_000;
const AT = 50_000;

const account = (fields: Partial<NewAccount> = {}): Account =>
  newAccountRecord({ token: 'token', pool: 'ssoBasic', quota: 10, ...fields }, CREATED);

const window = (fields: Partial<ModeWindow> = {}): ModeWindow => ({
  remaining: 5,
  total: 20,
  windowSeconds: 7_200,
  syncedAt: 900,
  limitedReason: null,
  limitedUntil: null,
  ...fields,
});

describe('defaultQuota and newAccountRecord', () => {
  test('a new account starts with the P1 estimate of its pool', () => {
    expect(defaultQuota('ssoSuper')).toBe(140);
    expect(defaultQuota('ssoBasic')).toBe(80);
    expect(defaultQuota('custom')).toBe(80);
  });

  test('a minimal input gets every default', () => {
    expect(newAccountRecord({ token: 't', pool: '' }, CREATED)).toEqual({
      token: 't',
      pool: 'ssoBasic',
      status: 'active',
      statusReason: null,
      statusChangedAt: CREATED,
      quota: 80,
      quotaTotal: null,
      windowSeconds: null,
      consumed: 0,
      useCount: 0,
      failCount: 0,
      lastFailAt: null,
      lastFailReason: null,
      lastUsedAt: null,
      lastSyncAt: null,
      cooldownUntil: null,
      createdAt: CREATED,
      tags: [],
      note: '',
      updatedAt: CREATED,
      version: 1,
      modes: {},
    });
    expect(newAccountRecord({ token: 't', pool: 'ssoSuper' }, CREATED).quota).toBe(140);
  });

  test('given fields are kept; quota is clamped at 0 and tags are trimmed and unique', () => {
    const record = newAccountRecord(
      {
        token: 't',
        pool: 'ssoSuper',
        status: 'cooling',
        statusReason: 'rate_limited',
        quota: -5,
        quotaTotal: 140,
        windowSeconds: 7_200,
        consumed: 3,
        useCount: 4,
        failCount: 1,
        lastFailAt: 10,
        lastFailReason: 'unauthorized',
        lastUsedAt: 20,
        lastSyncAt: 30,
        cooldownUntil: 40,
        createdAt: 5,
        tags: [' eu ', 'eu', '', '  ', 'us'],
        note: 'spare',
        modes: { fast: window(), broken: { remaining: 'x' } as unknown as ModeWindow },
      },
      CREATED,
    );
    expect(record).toEqual({
      token: 't',
      pool: 'ssoSuper',
      status: 'cooling',
      statusReason: 'rate_limited',
      statusChangedAt: CREATED,
      quota: 0,
      quotaTotal: 140,
      windowSeconds: 7_200,
      consumed: 3,
      useCount: 4,
      failCount: 1,
      lastFailAt: 10,
      lastFailReason: 'unauthorized',
      lastUsedAt: 20,
      lastSyncAt: 30,
      cooldownUntil: 40,
      createdAt: 5,
      tags: ['eu', 'us'],
      note: 'spare',
      updatedAt: CREATED,
      version: 1,
      modes: { fast: window() },
    });
  });
});

describe('withSuccess on the account-wide estimate', () => {
  test('a charge takes units off the quota and counts them; failures are forgotten', () => {
    const before = account({ quota: 10, consumed: 1, useCount: 2, failCount: 2 });
    expect(withSuccess(before, { units: 3, at: AT })).toEqual({
      ...before,
      quota: 7,
      consumed: 4,
      useCount: 5,
      lastUsedAt: AT,
      failCount: 0,
    });
  });

  test('negative units charge nothing', () => {
    const before = account({ quota: 10, consumed: 1, useCount: 2 });
    expect(withSuccess(before, { units: -3, at: AT })).toEqual({ ...before, lastUsedAt: AT });
  });

  test('the charge that empties the quota starts a cooldown with no end (a sync ends it)', () => {
    const before = account({ quota: 2 });
    expect(withSuccess(before, { units: 5, at: AT })).toEqual({
      ...before,
      quota: 0,
      consumed: 5,
      useCount: 5,
      lastUsedAt: AT,
      status: 'cooling',
      statusReason: QUOTA_EXHAUSTED,
      cooldownUntil: null,
      statusChangedAt: AT,
    });
  });

  test('emptying the quota of an account already cooling keeps when it started cooling', () => {
    const before = account({ status: 'cooling', statusReason: 'rate_limited', quota: 1, cooldownUntil: AT - 1 });
    const after = withSuccess(before, { units: 1, at: AT });
    expect(after.status).toBe('cooling');
    expect(after.statusReason).toBe(QUOTA_EXHAUSTED);
    expect(after.cooldownUntil).toBeNull();
    expect(after.statusChangedAt).toBe(CREATED);
  });

  test('a disabled or expired account is charged but keeps its status', () => {
    for (const status of ['disabled', 'expired'] as AccountStatus[]) {
      const before = account({ status, quota: 1 });
      expect(withSuccess(before, { units: 1, at: AT })).toEqual({
        ...before,
        quota: 0,
        consumed: 1,
        useCount: 1,
        lastUsedAt: AT,
      });
    }
  });

  test('a success at or after the end of a cooldown brings the account back', () => {
    for (const cooldownUntil of [AT, AT - 1]) {
      const before = account({ status: 'cooling', statusReason: 'rate_limited', quota: 5, cooldownUntil });
      expect(withSuccess(before, { units: 1, at: AT })).toEqual({
        ...before,
        quota: 4,
        consumed: 1,
        useCount: 1,
        lastUsedAt: AT,
        status: 'active',
        statusReason: null,
        cooldownUntil: null,
        statusChangedAt: AT,
      });
    }
  });

  test('a success before the cooldown ends, or with no end set, leaves the account cooling', () => {
    for (const cooldownUntil of [AT + 1, null]) {
      const before = account({ status: 'cooling', statusReason: 'rate_limited', quota: 5, cooldownUntil });
      const after = withSuccess(before, { units: 1, at: AT });
      expect(after.status).toBe('cooling');
      expect(after.statusReason).toBe('rate_limited');
      expect(after.cooldownUntil).toBe(cooldownUntil);
      expect(after.statusChangedAt).toBe(CREATED);
    }
  });

  test('an account cooling for a limited mode stays cooling after its cooldown', () => {
    const before = account({
      status: 'cooling',
      quota: 5,
      cooldownUntil: AT - 1,
      modes: { heavy: window({ remaining: 0, limitedReason: 'rate_limited', limitedUntil: AT + 5 }) },
    });
    const after = withSuccess(before, { units: 1, at: AT });
    expect(after.status).toBe('cooling');
    expect(after.quota).toBe(4);
  });

  test('a leftover cooldown time on an active account changes nothing about its status', () => {
    const before = account({ status: 'active', statusReason: 'note', quota: 5, cooldownUntil: AT - 10 });
    const after = withSuccess(before, { units: 1, at: AT });
    expect(after.status).toBe('active');
    expect(after.statusReason).toBe('note');
    expect(after.cooldownUntil).toBe(AT - 10);
    expect(after.statusChangedAt).toBe(CREATED);
  });

  test('a mode without a window of its own is charged on the estimate', () => {
    const before = account({ quota: 10, modes: { expert: window({ remaining: 3 }) } });
    const after = withSuccess(before, { units: 1, at: AT, mode: 'fast' });
    expect(after.quota).toBe(9);
    expect(after.modes).toEqual({ expert: window({ remaining: 3 }) });
  });
});

describe('withSuccess on a mode with its own window', () => {
  test('only that window goes down; quota mirrors it for fast', () => {
    const before = account({
      quota: 10,
      consumed: 1,
      useCount: 1,
      failCount: 1,
      modes: { fast: window({ remaining: 3 }) },
    });
    expect(withSuccess(before, { units: 2, at: AT, mode: 'fast' })).toEqual({
      ...before,
      modes: { fast: window({ remaining: 1 }) },
      quota: 1,
      consumed: 3,
      useCount: 3,
      lastUsedAt: AT,
      failCount: 0,
    });
  });

  test('another mode leaves the estimate alone', () => {
    const before = account({ quota: 10, modes: { expert: window({ remaining: 3 }) } });
    const after = withSuccess(before, { units: 1, at: AT, mode: 'expert' });
    expect(after.modes.expert).toEqual(window({ remaining: 2 }));
    expect(after.quota).toBe(10);
    expect(after.status).toBe('active');
  });

  test('negative units charge nothing on a window either', () => {
    const before = account({ modes: { expert: window({ remaining: 3 }) } });
    const after = withSuccess(before, { units: -4, at: AT, mode: 'expert' });
    expect(after.modes.expert!.remaining).toBe(3);
    expect(after.consumed).toBe(0);
    expect(after.useCount).toBe(0);
  });

  test('emptying a window limits that mode until a sync and cools the account', () => {
    const before = account({ quota: 10, modes: { expert: window({ remaining: 2 }) } });
    expect(withSuccess(before, { units: 3, at: AT, mode: 'expert' })).toEqual({
      ...before,
      modes: { expert: window({ remaining: 0, limitedReason: QUOTA_EXHAUSTED, limitedUntil: null }) },
      consumed: 3,
      useCount: 3,
      lastUsedAt: AT,
      status: 'cooling',
      statusReason: QUOTA_EXHAUSTED,
      cooldownUntil: null,
      statusChangedAt: AT,
    });
  });

  test("a success at or after a limited window's wait time lifts the limit and the cooling", () => {
    for (const limitedUntil of [AT, AT - 1]) {
      const before = account({
        status: 'cooling',
        statusReason: 'rate_limited',
        modes: { expert: window({ remaining: 4, limitedReason: 'rate_limited', limitedUntil }) },
      });
      expect(withSuccess(before, { units: 1, at: AT, mode: 'expert' })).toEqual({
        ...before,
        modes: { expert: window({ remaining: 3 }) },
        consumed: 1,
        useCount: 1,
        lastUsedAt: AT,
        status: 'active',
        statusReason: null,
        cooldownUntil: null,
        statusChangedAt: AT,
      });
    }
  });

  test('a release time on a window without a limit is left alone', () => {
    const before = account({ modes: { expert: window({ remaining: 4, limitedUntil: AT - 5 }) } });
    const after = withSuccess(before, { units: 1, at: AT, mode: 'expert' });
    expect(after.modes.expert).toEqual(window({ remaining: 3, limitedUntil: AT - 5 }));
    expect(after.status).toBe('active');
  });

  test('before the wait time, or with none, the limit stays and the account keeps cooling', () => {
    for (const limitedUntil of [AT + 1, null]) {
      const before = account({
        status: 'cooling',
        statusReason: 'rate_limited',
        modes: { expert: window({ remaining: 4, limitedReason: 'rate_limited', limitedUntil }) },
      });
      const after = withSuccess(before, { units: 1, at: AT, mode: 'expert' });
      expect(after.modes.expert).toEqual(window({ remaining: 3, limitedReason: 'rate_limited', limitedUntil }));
      expect(after.status).toBe('cooling');
      expect(after.statusChangedAt).toBe(CREATED);
    }
  });

  test('an active account charged on a still-limited mode starts cooling with that reason', () => {
    const before = account({
      modes: { expert: window({ remaining: 4, limitedReason: 'rate_limited', limitedUntil: AT + 9 }) },
    });
    const after = withSuccess(before, { units: 1, at: AT, mode: 'expert' });
    expect(after.status).toBe('cooling');
    expect(after.statusReason).toBe('rate_limited');
    expect(after.cooldownUntil).toBeNull();
    expect(after.statusChangedAt).toBe(AT);
  });

  test('an active account whose other mode is limited starts cooling as quota exhausted', () => {
    const before = account({
      modes: { expert: window({ remaining: 4 }), heavy: window({ remaining: 0, limitedReason: QUOTA_EXHAUSTED }) },
    });
    const after = withSuccess(before, { units: 1, at: AT, mode: 'expert' });
    expect(after.status).toBe('cooling');
    expect(after.statusReason).toBe(QUOTA_EXHAUSTED);
  });

  test('a cooling account with no mode limited left but no estimate quota stays cooling', () => {
    const before = account({
      status: 'cooling',
      statusReason: QUOTA_EXHAUSTED,
      quota: 0,
      modes: { expert: window({ remaining: 4 }) },
    });
    const after = withSuccess(before, { units: 1, at: AT, mode: 'expert' });
    expect(after.status).toBe('cooling');
    expect(after.statusChangedAt).toBe(CREATED);
  });

  test('a disabled or expired account is charged on the window but keeps its status', () => {
    for (const status of ['disabled', 'expired'] as AccountStatus[]) {
      const before = account({ status, modes: { fast: window({ remaining: 1 }) } });
      const after = withSuccess(before, { units: 1, at: AT, mode: 'fast' });
      expect(after.status).toBe(status);
      expect(after.modes.fast).toEqual(window({ remaining: 0, limitedReason: QUOTA_EXHAUSTED }));
      expect(after.quota).toBe(0);
    }
  });
});

describe('withFailure', () => {
  test('a failure below the threshold is counted only', () => {
    const before = account({ failCount: 0 });
    expect(withFailure(before, { reason: 'unauthorized', at: AT, threshold: 2 })).toEqual({
      ...before,
      failCount: 1,
      lastFailAt: AT,
      lastFailReason: 'unauthorized',
    });
  });

  test('the failure that reaches the threshold expires the account', () => {
    const before = account({ status: 'cooling', cooldownUntil: AT + 5, failCount: 1 });
    expect(withFailure(before, { reason: 'unauthorized', at: AT, threshold: 2 })).toEqual({
      ...before,
      failCount: 2,
      lastFailAt: AT,
      lastFailReason: 'unauthorized',
      status: 'expired',
      statusReason: 'unauthorized',
      cooldownUntil: null,
      statusChangedAt: AT,
    });
  });

  test('a threshold below 1 counts as 1', () => {
    expect(withFailure(account(), { reason: 'x', at: AT, threshold: 0 }).status).toBe('expired');
    expect(withFailure(account(), { reason: 'x', at: AT, threshold: -3 }).status).toBe('expired');
  });

  test('a disabled account stays disabled however many failures it has', () => {
    const before = account({ status: 'disabled', failCount: 9 });
    const after = withFailure(before, { reason: 'x', at: AT, threshold: 1 });
    expect(after.status).toBe('disabled');
    expect(after.failCount).toBe(10);
    expect(after.statusChangedAt).toBe(CREATED);
  });
});

describe('withSync', () => {
  const sync = (fields: Partial<Parameters<typeof withSync>[1]> = {}) => ({
    remaining: 30,
    total: 80,
    windowSeconds: 72_000,
    at: AT,
    ...fields,
  });

  test('an active account takes the answered window and forgets its failures', () => {
    const before = account({ quota: 2, consumed: 6, failCount: 2 });
    expect(withSync(before, sync())).toEqual({
      ...before,
      quota: 30,
      quotaTotal: 80,
      windowSeconds: 72_000,
      lastSyncAt: AT,
      failCount: 0,
    });
  });

  test('a cooling account with quota back is active again and its consumed count restarts', () => {
    const before = account({
      status: 'cooling',
      statusReason: QUOTA_EXHAUSTED,
      quota: 0,
      consumed: 80,
      cooldownUntil: AT + 9,
    });
    expect(withSync(before, sync())).toEqual({
      ...before,
      quota: 30,
      quotaTotal: 80,
      windowSeconds: 72_000,
      lastSyncAt: AT,
      consumed: 0,
      status: 'active',
      statusReason: null,
      cooldownUntil: null,
      statusChangedAt: AT,
    });
  });

  test('an expired account that syncs with quota is active again and keeps its consumed count', () => {
    const before = account({ status: 'expired', statusReason: 'unauthorized', consumed: 7 });
    const after = withSync(before, sync());
    expect(after.status).toBe('active');
    expect(after.consumed).toBe(7);
    expect(after.statusReason).toBeNull();
    expect(after.statusChangedAt).toBe(AT);
  });

  test('a disabled account takes the numbers but stays disabled', () => {
    const before = account({ status: 'disabled', quota: 0 });
    const after = withSync(before, sync());
    expect(after.status).toBe('disabled');
    expect(after.quota).toBe(30);
    expect(after.statusChangedAt).toBe(CREATED);
  });

  test('no quota left: an active or expired account cools until the next sync', () => {
    for (const status of ['active', 'expired'] as AccountStatus[]) {
      const before = account({ status, statusReason: 'x', cooldownUntil: AT + 5 });
      expect(withSync(before, sync({ remaining: -4 }))).toEqual({
        ...before,
        quota: 0,
        quotaTotal: 80,
        windowSeconds: 72_000,
        lastSyncAt: AT,
        status: 'cooling',
        statusReason: QUOTA_EXHAUSTED,
        cooldownUntil: null,
        statusChangedAt: AT,
      });
    }
  });

  test('no quota left on an account already cooling keeps when it started cooling', () => {
    const before = account({ status: 'cooling', statusReason: 'rate_limited', quota: 3 });
    const after = withSync(before, sync({ remaining: 0 }));
    expect(after.statusChangedAt).toBe(CREATED);
    expect(after.statusReason).toBe(QUOTA_EXHAUSTED);
  });

  test('a single-window answer with quota clears the mode windows; one without keeps them', () => {
    const modes = { expert: window({ remaining: 0, limitedReason: QUOTA_EXHAUSTED }) };
    expect(withSync(account({ status: 'cooling', modes }), sync()).modes).toEqual({});
    const kept = withSync(account({ modes }), sync({ remaining: 0 }));
    expect(kept.modes).toEqual(modes);
    expect(kept.status).toBe('cooling');
  });

  test('a sync moves the account to the detected pool, or leaves it where it is', () => {
    expect(withSync(account(), sync({ pool: 'ssoSuper' })).pool).toBe('ssoSuper');
    expect(withSync(account(), sync()).pool).toBe('ssoBasic');
  });

  test('per-mode answers become windows; a used-up mode is limited, a mode the tier lacks is not', () => {
    const before = account({ modes: { auto: window({ remaining: 9 }) } });
    const after = withSync(
      before,
      sync({
        modes: {
          fast: { remaining: 30, total: 80, windowSeconds: 72_000 },
          expert: { remaining: 0, total: 20, windowSeconds: 7_200 },
          heavy: { remaining: 0, total: 0, windowSeconds: null },
          voice: { remaining: -2, total: null, windowSeconds: null },
        },
      }),
    );
    const synced = (
      remaining: number,
      total: number | null,
      windowSeconds: number | null,
      limitedReason: string | null,
    ) => ({
      remaining,
      total,
      windowSeconds,
      syncedAt: AT,
      limitedReason,
      limitedUntil: null,
    });
    expect(after.modes).toEqual({
      auto: window({ remaining: 9 }),
      fast: synced(30, 80, 72_000, null),
      expert: synced(0, 20, 7_200, QUOTA_EXHAUSTED),
      heavy: synced(0, 0, null, null),
      voice: synced(0, null, null, null),
    });
    // The used-up expert mode keeps the account cooling (for that mode only).
    expect(after.status).toBe('cooling');
    expect(after.statusReason).toBe(QUOTA_EXHAUSTED);
    expect(after.statusChangedAt).toBe(AT);
  });

  test('every mode answered with quota: a cooling account is active again', () => {
    const before = account({
      status: 'cooling',
      quota: 0,
      consumed: 4,
      modes: { expert: window({ remaining: 0, limitedReason: QUOTA_EXHAUSTED }) },
    });
    const after = withSync(before, sync({ modes: { expert: { remaining: 5, total: 20, windowSeconds: 7_200 } } }));
    expect(after.status).toBe('active');
    expect(after.consumed).toBe(0);
    expect(after.modes.expert!.limitedReason).toBeNull();
  });

  test('an empty estimate with a mode that has quota is usable: the account is active', () => {
    const before = account({ status: 'expired', quota: 0 });
    const after = withSync(
      before,
      sync({ remaining: 0, modes: { expert: { remaining: 5, total: 20, windowSeconds: 7_200 } } }),
    );
    expect(after.status).toBe('active');
    expect(after.quota).toBe(0);
  });

  test('an empty estimate whose only windows with quota are limited is not usable', () => {
    const before = account({
      status: 'active',
      quota: 0,
      modes: { expert: window({ remaining: 5, limitedReason: 'rate_limited', limitedUntil: AT + 100 }) },
    });
    const after = withSync(before, sync({ remaining: 0, modes: {} }));
    expect(after.status).toBe('cooling');
    expect(after.modes).toEqual(before.modes);
  });

  test('a mode with no quota and no window size does not make an empty account usable', () => {
    const before = account({ status: 'active', quota: 0 });
    const after = withSync(
      before,
      sync({ remaining: 0, modes: { heavy: { remaining: 0, total: 0, windowSeconds: null } } }),
    );
    expect(after.status).toBe('cooling');
  });
});

describe('withStatusChange', () => {
  test('a change applies only from the listed statuses; otherwise the same account comes back', () => {
    const disabled = account({ status: 'disabled' });
    expect(
      withStatusChange(disabled, { to: 'cooling', reason: 'rate_limited', at: AT, from: ['active', 'cooling'] }),
    ).toBe(disabled);
    const active = account();
    expect(
      withStatusChange(active, {
        to: 'cooling',
        reason: 'rate_limited',
        at: AT,
        from: ['active'],
        cooldownUntil: AT + 60,
      }),
    ).toEqual({
      ...active,
      status: 'cooling',
      statusReason: 'rate_limited',
      statusChangedAt: AT,
      cooldownUntil: AT + 60,
    });
  });

  test('cooling without an end waits for a sync; any other status clears the cooldown', () => {
    expect(withStatusChange(account(), { to: 'cooling', reason: 'x', at: AT }).cooldownUntil).toBeNull();
    const cooling = account({ status: 'cooling', cooldownUntil: AT + 60 });
    expect(withStatusChange(cooling, { to: 'active', reason: null, at: AT, cooldownUntil: AT + 99 })).toEqual({
      ...cooling,
      status: 'active',
      statusReason: null,
      statusChangedAt: AT,
      cooldownUntil: null,
    });
  });

  test('the same status with a new reason keeps when the status started', () => {
    const before = account({ status: 'cooling', statusReason: 'a', cooldownUntil: AT + 5 });
    const after = withStatusChange(before, { to: 'cooling', reason: 'b', at: AT, cooldownUntil: AT + 9 });
    expect(after).toEqual({ ...before, statusReason: 'b', cooldownUntil: AT + 9 });
  });

  test('a change that changes nothing returns the same object', () => {
    const before = account({ status: 'expired', statusReason: 'unauthorized' });
    expect(withStatusChange(before, { to: 'expired', reason: 'unauthorized', at: AT })).toBe(before);
  });

  test('cooling for one mode limits that window (from the estimate when it has none)', () => {
    const before = account({ quota: 12, modes: { expert: window({ remaining: 3 }) } });
    const limited = withStatusChange(before, {
      to: 'cooling',
      reason: 'rate_limited',
      at: AT,
      mode: 'expert',
      cooldownUntil: AT + 30,
    });
    expect(limited.modes).toEqual({
      expert: window({ remaining: 3, limitedReason: 'rate_limited', limitedUntil: AT + 30 }),
    });
    const fresh = withStatusChange(before, { to: 'cooling', reason: null, at: AT, mode: 'heavy' });
    expect(fresh.modes.heavy).toEqual({
      remaining: 12,
      total: null,
      windowSeconds: null,
      syncedAt: null,
      limitedReason: 'rate_limited',
      limitedUntil: null,
    });
    expect(fresh.modes.expert).toEqual(window({ remaining: 3 }));
  });

  test('a mode on a change to another status touches no window', () => {
    const before = account({ status: 'cooling', modes: { expert: window({ remaining: 3 }) } });
    const after = withStatusChange(before, { to: 'active', reason: null, at: AT, mode: 'expert' });
    expect(after.modes).toEqual(before.modes);
    expect(after.status).toBe('active');
  });
});

describe('withPatch', () => {
  test('given fields change; undefined ones are ignored; status changes are stamped', () => {
    const before = account({ note: 'old', tags: ['a'] });
    expect(withPatch(before, { note: 'new', status: 'disabled', pool: undefined }, AT)).toEqual({
      ...before,
      note: 'new',
      status: 'disabled',
      statusChangedAt: AT,
    });
  });

  test('a patch without modes or tags keeps the windows and tags', () => {
    const before = account({ tags: ['a'], modes: { fast: window() } });
    const after = withPatch(before, { note: 'x' }, AT);
    expect(after.modes).toEqual({ fast: window() });
    expect(after.tags).toEqual(['a']);
  });

  test('tags are cleaned, modes parsed and quota clamped', () => {
    const before = account();
    const after = withPatch(
      before,
      { tags: [' x ', 'x', '', 'y'], modes: { fast: window(), bad: null as unknown as ModeWindow }, quota: -3 },
      AT,
    );
    expect(after).toEqual({ ...before, tags: ['x', 'y'], modes: { fast: window() }, quota: 0 });
  });

  test('a patch that changes nothing returns the same object, and the same status keeps its time', () => {
    const before = account({ note: 'n', tags: ['a', 'b'], modes: { fast: window() } });
    expect(withPatch(before, { note: 'n', tags: ['a', 'b'], modes: { fast: window() }, status: 'active' }, AT)).toBe(
      before,
    );
    expect(withPatch(before, { note: 'other', status: 'active' }, AT).statusChangedAt).toBe(CREATED);
  });
});

describe('sameAccount', () => {
  test('storage bookkeeping is ignored; any other field counts', () => {
    const base = account({ tags: ['a', 'b'], modes: { fast: window() } });
    expect(sameAccount(base, { ...base, updatedAt: 99, version: 7 })).toBe(true);
    expect(sameAccount(base, { ...base, modes: { fast: window() } })).toBe(true);
    expect(sameAccount(base, { ...base, tags: ['a', 'b'] })).toBe(true);
    expect(sameAccount(base, { ...base, tags: ['b', 'a'] })).toBe(false);
    expect(sameAccount(base, { ...base, tags: ['a'] })).toBe(false);
    expect(sameAccount(base, { ...base, modes: { fast: window({ remaining: 4 }) } })).toBe(false);
    expect(sameAccount(base, { ...base, quota: 11 })).toBe(false);
    expect(sameAccount(base, { ...base, note: 'x' })).toBe(false);
  });
});
