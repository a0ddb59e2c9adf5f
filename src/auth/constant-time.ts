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

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Digests of configured keys, computed once per key value rather than on every request. */
const keyDigests = new Map<string, Buffer>();
const MAX_CACHED_KEYS = 1024;

function keyDigest(key: string): Buffer {
  let value = keyDigests.get(key);
  if (!value) {
    if (keyDigests.size >= MAX_CACHED_KEYS) keyDigests.clear(); // keys rotated many times: start over
    value = digest(key);
    keyDigests.set(key, value);
  }
  return value;
}

/** True when the candidate matches any of the keys; every key is compared, whatever matches. */
export function matchesAnyKey(candidate: string, keys: readonly string[]): boolean {
  const candidateDigest = digest(candidate);
  let matched = false;
  for (const key of keys) matched = (timingSafeEqual(candidateDigest, keyDigest(key)) && key.length > 0) || matched;
  return matched;
}
