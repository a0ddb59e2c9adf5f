import { BASIC_POOL, SUPER_POOL } from '../storage/types';

/**
 * P1 tier detection (docs/upstream-protocol.md §14.2): a quota window shorter than 4 h
 * is a Super subscription, 4 h or longer is Basic. Only the two standard pools move; an account
 * an operator put in a custom pool stays there.
 */
export const SUPER_WINDOW_LIMIT_SECONDS = 14_400;

export function poolForWindow(currentPool: string, windowSeconds: number | null): string {
  if (windowSeconds === null || (currentPool !== BASIC_POOL && currentPool !== SUPER_POOL)) return currentPool;
  return windowSeconds >= SUPER_WINDOW_LIMIT_SECONDS ? BASIC_POOL : SUPER_POOL;
}

/** Subscription tiers as §14.2 names them; Heavy accounts serve from the Super pool. */
export type AccountTier = 'basic' | 'super' | 'heavy';

const TIER_RANK: Record<AccountTier, number> = { basic: 0, super: 1, heavy: 2 };

/** Window sizes (`totalQueries`) that identify a tier, per mode (§14.2, G's inference table). */
const TIER_BY_TOTAL: Readonly<Record<string, Readonly<Record<number, AccountTier>>>> = {
  auto: { 7: 'basic', 20: 'basic', 50: 'super', 150: 'heavy' },
  fast: { 30: 'basic', 140: 'super', 400: 'heavy' },
};

/**
 * G's tier detection from per-mode windows (§14.2): `auto` and `fast` totals point at a tier, any
 * `heavy` window means Heavy; conflicting signals give the lower tier; no known signal gives null.
 */
export function tierFromModes(modes: Readonly<Partial<Record<string, { total: number | null }>>>): AccountTier | null {
  const signals: AccountTier[] = [];
  for (const [mode, totals] of Object.entries(TIER_BY_TOTAL)) {
    const total = modes[mode]?.total;
    const tier = total === null || total === undefined ? undefined : totals[total];
    if (tier) signals.push(tier);
  }
  if ((modes.heavy?.total ?? 0) > 0) signals.push('heavy');
  if (signals.length === 0) return null;
  return signals.reduce((lowest, tier) => (TIER_RANK[tier] < TIER_RANK[lowest] ? tier : lowest));
}

/**
 * The pool for an account synced per mode: the tier from the windows when they identify one,
 * otherwise P1's window-length rule on the primary window. Custom pools never move.
 */
export function poolForModes(
  currentPool: string,
  modes: Readonly<Partial<Record<string, { total: number | null }>>>,
  primaryWindowSeconds: number | null,
): string {
  if (currentPool !== BASIC_POOL && currentPool !== SUPER_POOL) return currentPool;
  const tier = tierFromModes(modes);
  if (tier === null) return poolForWindow(currentPool, primaryWindowSeconds);
  return tier === 'basic' ? BASIC_POOL : SUPER_POOL;
}
