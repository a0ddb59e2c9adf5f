import { describe, expect, test } from 'bun:test';
import {
  estimatedWindow,
  hasModeLimit,
  isModeBlocked,
  modeWindowsKey,
  nextModeRelease,
  parseModeWindows,
  PRIMARY_MODE,
  QUOTA_MODES,
  remainingFor,
  windowOf,
} from '../../src/storage/mode-windows';
import type { ModeWindow } from '../../src/storage/types';

/** Quota windows per upstream mode: lookups, limits and their release times, and stored JSON. */

const NOW = 10_000;

const window = (fields: Partial<ModeWindow> = {}): ModeWindow => ({
  remaining: 5,
  total: 20,
  windowSeconds: 7_200,
  syncedAt: 900,
  limitedReason: null,
  limitedUntil: null,
  ...fields,
});

describe('mode windows', () => {
  test('the modes and the one the account-wide quota mirrors', () => {
    expect(QUOTA_MODES).toEqual(['auto', 'fast', 'expert', 'heavy']);
    expect(PRIMARY_MODE).toBe('fast');
  });

  test("a mode's own window, never an inherited property", () => {
    const account = { modes: { fast: window({ remaining: 3 }) } };
    expect(windowOf(account, 'fast')).toEqual(window({ remaining: 3 }));
    expect(windowOf(account, 'expert')).toBeUndefined();
    expect(windowOf(account, 'constructor')).toBeUndefined();
    expect(windowOf(account, 'toString')).toBeUndefined();
  });

  test("remaining: the mode's window, else the account-wide estimate", () => {
    const account = { quota: 40, modes: { fast: window({ remaining: 3 }), heavy: window({ remaining: 0 }) } };
    expect(remainingFor(account, 'fast')).toBe(3);
    expect(remainingFor(account, 'heavy')).toBe(0);
    expect(remainingFor(account, 'expert')).toBe(40);
  });

  test('a limit blocks until its release time; a window without a reason never blocks', () => {
    expect(isModeBlocked(window(), NOW)).toBe(false);
    expect(isModeBlocked(window({ limitedUntil: NOW + 5 }), NOW)).toBe(false);
    expect(isModeBlocked(window({ limitedReason: 'rate_limited' }), NOW)).toBe(true);
    expect(isModeBlocked(window({ limitedReason: 'rate_limited', limitedUntil: NOW + 1 }), NOW)).toBe(true);
    expect(isModeBlocked(window({ limitedReason: 'rate_limited', limitedUntil: NOW }), NOW)).toBe(false);
    expect(isModeBlocked(window({ limitedReason: 'rate_limited', limitedUntil: NOW - 1 }), NOW)).toBe(false);
  });

  test('an account has a mode limit when any window has a reason, whatever its time', () => {
    expect(hasModeLimit({ modes: {} })).toBe(false);
    expect(hasModeLimit({ modes: { fast: window(), expert: window() } })).toBe(false);
    expect(
      hasModeLimit({ modes: { fast: window(), expert: window({ limitedReason: 'x', limitedUntil: NOW - 5 }) } }),
    ).toBe(true);
  });

  test('the next release is the earliest future limit time', () => {
    const limited = (limitedUntil: number | null, limitedReason: string | null = 'rate_limited') =>
      window({ limitedReason, limitedUntil });
    expect(nextModeRelease({ modes: {} }, NOW)).toBeNull();
    expect(nextModeRelease({ modes: { a: limited(NOW + 50), b: limited(NOW + 20), c: limited(NOW + 90) } }, NOW)).toBe(
      NOW + 20,
    );
    expect(nextModeRelease({ modes: { a: limited(NOW + 20), b: limited(NOW + 50) } }, NOW)).toBe(NOW + 20);
    expect(nextModeRelease({ modes: { a: limited(NOW), b: limited(NOW - 5), c: limited(null) } }, NOW)).toBeNull();
    expect(nextModeRelease({ modes: { a: limited(NOW + 1) } }, NOW)).toBe(NOW + 1);
    expect(nextModeRelease({ modes: { a: limited(NOW + 30, null) } }, NOW)).toBeNull();
  });

  test('a first window copies the estimate', () => {
    expect(estimatedWindow({ quota: 12 })).toEqual({
      remaining: 12,
      total: null,
      windowSeconds: null,
      syncedAt: null,
      limitedReason: null,
      limitedUntil: null,
    });
  });
});

describe('parseModeWindows', () => {
  test('well-formed windows pass, from an object or JSON text', () => {
    const windows = { fast: window(), heavy: window({ remaining: 0, limitedReason: 'rate_limited', limitedUntil: 5 }) };
    expect(parseModeWindows(windows)).toEqual(windows);
    expect(parseModeWindows(JSON.stringify(windows))).toEqual(windows);
  });

  test('anything that is not an object of windows gives no windows', () => {
    for (const value of ['{oops', 'null', '[1]', '3', 7, null, undefined, [window()], 'true']) {
      expect(parseModeWindows(value)).toEqual({});
    }
  });

  test('entries without a finite remaining count are dropped; the others are kept', () => {
    expect(
      parseModeWindows({
        fast: window(),
        a: null,
        b: 'x',
        c: { remaining: '5' },
        d: { remaining: Number.NaN },
        e: { remaining: Number.POSITIVE_INFINITY },
      }),
    ).toEqual({ fast: window() });
  });

  test('a negative count becomes 0; malformed optional fields become null', () => {
    expect(
      parseModeWindows({
        fast: {
          remaining: -3,
          total: 'lots',
          windowSeconds: Number.NaN,
          syncedAt: null,
          limitedReason: 7,
          limitedUntil: '1',
        },
        auto: { remaining: 2, total: 9, windowSeconds: 60, syncedAt: 5, limitedReason: 'r', limitedUntil: 8 },
      }),
    ).toEqual({
      fast: { remaining: 0, total: null, windowSeconds: null, syncedAt: null, limitedReason: null, limitedUntil: null },
      auto: { remaining: 2, total: 9, windowSeconds: 60, syncedAt: 5, limitedReason: 'r', limitedUntil: 8 },
    });
    expect(parseModeWindows({ fast: { remaining: 4 } })).toEqual({
      fast: { remaining: 4, total: null, windowSeconds: null, syncedAt: null, limitedReason: null, limitedUntil: null },
    });
  });
});

describe('modeWindowsKey', () => {
  test('the same windows in any key order give the same key; any difference changes it', () => {
    const a = { fast: window(), expert: window({ remaining: 1 }) };
    const b = { expert: window({ remaining: 1 }), fast: window() };
    expect(modeWindowsKey(a)).toBe(modeWindowsKey(b));
    expect(modeWindowsKey(a)).not.toBe(modeWindowsKey({ ...a, expert: window({ remaining: 2 }) }));
    expect(modeWindowsKey(a)).not.toBe(modeWindowsKey({ fast: window() }));
    expect(modeWindowsKey({})).toBe('[]');
  });
});
