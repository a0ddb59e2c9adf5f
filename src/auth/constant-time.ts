import { timingSafeEqual, createHash } from 'node:crypto';

/**
 * Compares two secrets without leaking, through timing, how much of a guess was right.
 * Both sides are hashed first so their lengths never differ (timingSafeEqual needs equal lengths).
 */
export function secretsEqual(candidate: string, expected: string): boolean {
  const left = createHash('sha256').update(candidate, 'utf8').digest();
  const right = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(left, right) && expected.length > 0;
}

/** True when the candidate matches any of the keys; every key is compared, whatever matches. */
export function matchesAnyKey(candidate: string, keys: readonly string[]): boolean {
  let matched = false;
  for (const key of keys) matched = secretsEqual(candidate, key) || matched;
  return matched;
}
