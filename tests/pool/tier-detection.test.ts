import { expect, test } from 'bun:test';
import { poolForModes, tierFromModes } from '../../src/pool/tier-detection';

const total = (value: number | null) => ({ total: value });

test('per-mode totals name the tier (§14.2); conflicting signals give the lower one; nothing known gives null', () => {
  expect(tierFromModes({ auto: total(20), fast: total(30) })).toBe('basic');
  expect(tierFromModes({ auto: total(7) })).toBe('basic');
  expect(tierFromModes({ auto: total(50), fast: total(140) })).toBe('super');
  expect(tierFromModes({ auto: total(150), fast: total(400), heavy: total(20) })).toBe('heavy');
  expect(tierFromModes({ fast: total(140), heavy: total(0) })).toBe('super');
  expect(tierFromModes({ auto: total(50), fast: total(30) })).toBe('basic'); // conflict: the lower tier
  expect(tierFromModes({ auto: total(99), fast: total(null) })).toBeNull();
});

test('the pool follows the tier; unknown totals fall back to the window rule; custom pools never move', () => {
  expect(poolForModes('ssoBasic', { fast: total(400) }, 86_400)).toBe('ssoSuper');
  expect(poolForModes('ssoSuper', { fast: total(30) }, 7_200)).toBe('ssoBasic');
  expect(poolForModes('ssoBasic', { fast: total(77) }, 7_200)).toBe('ssoSuper');
  expect(poolForModes('ssoSuper', {}, 86_400)).toBe('ssoBasic');
  expect(poolForModes('team', { fast: total(140) }, 7_200)).toBe('team');
});
