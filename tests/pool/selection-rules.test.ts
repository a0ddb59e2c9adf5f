import { describe, expect, test } from 'bun:test';
import { candidatePools, hasAllTags, isSelectableFor, nextWakeUp, priorityFor } from '../../src/pool/selection';
import { newAccountRecord } from '../../src/storage/account-rules';
import type { Account, ModeWindow, NewAccount } from '../../src/storage/types';

/** The selection rules on their own: exact answers at each boundary, no pool around them. */

const NOW = 1_700_000_000_000;

const account = (fields: Partial<NewAccount> = {}): Account =>
  newAccountRecord({ token: 'token', pool: 'ssoBasic', quota: 10, ...fields }, NOW - 60_000);

const window = (fields: Partial<ModeWindow> = {}): ModeWindow => ({
  remaining: 5,
  total: 20,
  windowSeconds: 7_200,
  syncedAt: NOW - 1_000,
  limitedReason: null,
  limitedUntil: null,
  ...fields,
});

describe('candidatePools', () => {
  test('a super model is served by Super accounts only', () => {
    expect(candidatePools('super')).toEqual(['ssoSuper']);
  });

  test('a basic model tries Basic accounts, then Super ones', () => {
    expect(candidatePools('basic')).toEqual(['ssoBasic', 'ssoSuper']);
  });
});

describe('isSelectableFor', () => {
  test('an active account with quota left is selectable; with none it is not', () => {
    expect(isSelectableFor(account({ quota: 1 }), 'fast', NOW)).toBe(true);
    expect(isSelectableFor(account({ quota: 0 }), 'fast', NOW)).toBe(false);
  });

  test('disabled and expired accounts are never selectable, whatever their quota', () => {
    expect(isSelectableFor(account({ status: 'disabled', quota: 50 }), 'fast', NOW)).toBe(false);
    expect(isSelectableFor(account({ status: 'expired', quota: 50 }), 'fast', NOW)).toBe(false);
  });

  test('an account-wide cooldown blocks until the moment it ends, and not after', () => {
    const cooling = (cooldownUntil: number | null) => account({ status: 'cooling', cooldownUntil });
    expect(isSelectableFor(cooling(null), 'fast', NOW)).toBe(false);
    expect(isSelectableFor(cooling(NOW + 1), 'fast', NOW)).toBe(false);
    expect(isSelectableFor(cooling(NOW), 'fast', NOW)).toBe(true);
    expect(isSelectableFor(cooling(NOW - 1), 'fast', NOW)).toBe(true);
  });

  test('a cooldown that has ended still needs quota', () => {
    expect(isSelectableFor(account({ status: 'cooling', cooldownUntil: NOW - 1, quota: 0 }), 'fast', NOW)).toBe(false);
  });

  test('cooling because of one limited mode leaves the other modes usable', () => {
    const limited = account({
      status: 'cooling',
      cooldownUntil: null,
      modes: { expert: window({ remaining: 0, limitedReason: 'quota_exhausted' }) },
    });
    expect(isSelectableFor(limited, 'expert', NOW)).toBe(false);
    expect(isSelectableFor(limited, 'fast', NOW)).toBe(true);
  });

  test("a mode with its own window uses that window's remaining count, not the account estimate", () => {
    const empty = account({ quota: 50, modes: { fast: window({ remaining: 0 }) } });
    expect(isSelectableFor(empty, 'fast', NOW)).toBe(false);
    const one = account({ quota: 0, modes: { fast: window({ remaining: 1 }) } });
    expect(isSelectableFor(one, 'fast', NOW)).toBe(true);
  });

  test('a rate-limited mode waits until its release time, then is usable again', () => {
    const limitedUntil = (until: number | null) =>
      account({ modes: { fast: window({ remaining: 3, limitedReason: 'rate_limited', limitedUntil: until }) } });
    expect(isSelectableFor(limitedUntil(null), 'fast', NOW)).toBe(false);
    expect(isSelectableFor(limitedUntil(NOW + 1), 'fast', NOW)).toBe(false);
    expect(isSelectableFor(limitedUntil(NOW), 'fast', NOW)).toBe(true);
  });
});

describe('priorityFor', () => {
  test("quota mode ranks by the request mode's remaining count, or the estimate without a window", () => {
    const withWindow = account({ quota: 40, consumed: 7, modes: { expert: window({ remaining: 3 }) } });
    expect(priorityFor(withWindow, 'expert', 'quota')).toBe(3);
    expect(priorityFor(withWindow, 'fast', 'quota')).toBe(40);
  });

  test('consumed mode ranks the least consumed account highest', () => {
    expect(priorityFor(account({ consumed: 7 }), 'fast', 'consumed')).toBe(-7);
    expect(priorityFor(account({ consumed: 2 }), 'fast', 'consumed')).toBeGreaterThan(
      priorityFor(account({ consumed: 7 }), 'fast', 'consumed'),
    );
  });
});

describe('nextWakeUp', () => {
  const limitedMode = (limitedUntil: number | null) => ({
    expert: window({ remaining: 0, limitedReason: 'rate_limited', limitedUntil }),
  });

  test('disabled and expired accounts never wake up by themselves, even with a mode release pending', () => {
    for (const status of ['disabled', 'expired'] as const) {
      expect(
        nextWakeUp(account({ status, cooldownUntil: NOW + 5_000, modes: limitedMode(NOW + 1_000) }), NOW),
      ).toBeNull();
    }
  });

  test('a cooling account wakes when its cooldown ends, if that is still ahead', () => {
    expect(nextWakeUp(account({ status: 'cooling', cooldownUntil: NOW + 5_000 }), NOW)).toBe(NOW + 5_000);
    expect(nextWakeUp(account({ status: 'cooling', cooldownUntil: NOW + 1 }), NOW)).toBe(NOW + 1);
    expect(nextWakeUp(account({ status: 'cooling', cooldownUntil: NOW }), NOW)).toBeNull();
    expect(nextWakeUp(account({ status: 'cooling', cooldownUntil: NOW - 1 }), NOW)).toBeNull();
    expect(nextWakeUp(account({ status: 'cooling', cooldownUntil: null }), NOW)).toBeNull();
  });

  test('a leftover cooldown time on an active account is no wake-up', () => {
    expect(nextWakeUp(account({ status: 'active', cooldownUntil: NOW + 5_000 }), NOW)).toBeNull();
  });

  test('a limited mode wakes the account when its wait ends', () => {
    expect(nextWakeUp(account({ modes: limitedMode(NOW + 2_000) }), NOW)).toBe(NOW + 2_000);
    expect(nextWakeUp(account({ status: 'cooling', modes: limitedMode(NOW + 2_000) }), NOW)).toBe(NOW + 2_000);
    expect(nextWakeUp(account({ modes: limitedMode(null) }), NOW)).toBeNull();
  });

  test('with both a cooldown and a mode release, the earlier one counts', () => {
    const modeFirst = account({ status: 'cooling', cooldownUntil: NOW + 5_000, modes: limitedMode(NOW + 2_000) });
    expect(nextWakeUp(modeFirst, NOW)).toBe(NOW + 2_000);
    const cooldownFirst = account({ status: 'cooling', cooldownUntil: NOW + 1_000, modes: limitedMode(NOW + 2_000) });
    expect(nextWakeUp(cooldownFirst, NOW)).toBe(NOW + 1_000);
  });
});

describe('hasAllTags', () => {
  test('every requested tag must be on the account', () => {
    const tagged = account({ tags: ['eu', 'fast-lane'] });
    expect(hasAllTags(tagged, [])).toBe(true);
    expect(hasAllTags(tagged, ['eu'])).toBe(true);
    expect(hasAllTags(tagged, ['eu', 'fast-lane'])).toBe(true);
    expect(hasAllTags(tagged, ['eu', 'us'])).toBe(false);
    expect(hasAllTags(tagged, ['us'])).toBe(false);
  });
});
