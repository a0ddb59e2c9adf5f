import type { ModelTier } from '../catalog/models';
import { BASIC_POOL, SUPER_POOL, type Account } from '../storage/types';

/**
 * The selection rules as pure functions. The index (pool-index.ts) only keeps accounts where
 * these rules can find them quickly; what is selectable and in which order is decided here.
 */

/** `quota`: most remaining quota first. `consumed`: least consumed first (token.consumed_mode_enabled). */
export type SelectionMode = 'quota' | 'consumed';

const SUPER_ONLY: readonly string[] = [SUPER_POOL];
const BASIC_THEN_SUPER: readonly string[] = [BASIC_POOL, SUPER_POOL];

/**
 * Pools tried in order for a model; the first with a selectable account wins. Super models need a
 * Super account; basic models prefer Basic accounts and keep Super quota for what only it can serve.
 */
export function candidatePools(tier: ModelTier): readonly string[] {
  return tier === 'super' ? SUPER_ONLY : BASIC_THEN_SUPER;
}

/** Active with quota, or cooling whose cooldown has passed (it came back without a sync). */
export function isSelectable(account: Account, now: number): boolean {
  if (account.quota <= 0) return false;
  if (account.status === 'active') return true;
  return account.status === 'cooling' && account.cooldownUntil !== null && account.cooldownUntil <= now;
}

/** A cooling account that will become selectable by itself when its cooldown ends. */
export function isWaitingForCooldown(account: Account, now: number): boolean {
  return account.status === 'cooling' && account.quota > 0 && account.cooldownUntil !== null && account.cooldownUntil > now;
}

/** Higher is better. */
export function priorityOf(account: Account, mode: SelectionMode): number {
  return mode === 'consumed' ? -account.consumed : account.quota;
}

export function hasAllTags(account: Account, tags: readonly string[]): boolean {
  return tags.every((tag) => account.tags.includes(tag));
}
