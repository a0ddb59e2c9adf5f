import { ACCOUNT_STATUSES, type AccountStatus, type ModeWindow } from './types';

/**
 * Values many accounts hold alike, shared instead of copied: every instance keeps each account in
 * memory (the pool index), so at 100k accounts a fresh empty array, empty object and status and
 * pool string per account cost about 20 MB. The shared empties are frozen: the account rules
 * never change an account's arrays or objects in place (they build new ones), and a change in
 * place would throw rather than alter every account at once.
 */

export const NO_TAGS: string[] = Object.freeze([]) as unknown as string[];
export const NO_MODES: Record<string, ModeWindow> = Object.freeze({}) as Record<string, ModeWindow>;

export const sharedTags = (tags: string[]): string[] => (tags.length === 0 ? NO_TAGS : tags);

export const sharedModes = (modes: Record<string, ModeWindow>): Record<string, ModeWindow> => {
  for (const _mode in modes) return modes;
  return NO_MODES;
};

/** The status constant equal to `status` (a driver's row brings a new string per row). */
export const sharedStatus = (status: string): AccountStatus =>
  ACCOUNT_STATUSES.find((known) => known === status) ?? (status as AccountStatus);

/** Pools are a handful of names; at most this many are remembered (names beyond are used as given). */
const POOL_NAMES = 1_000;
const poolNames = new Map<string, string>();

export function sharedPool(pool: string): string {
  const known = poolNames.get(pool);
  if (known !== undefined) return known;
  if (poolNames.size < POOL_NAMES) poolNames.set(pool, pool);
  return pool;
}
