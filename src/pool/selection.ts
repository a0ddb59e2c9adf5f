import type { ModelTier } from '../catalog/models';
import { hasModeLimit, isModeBlocked, nextModeRelease, remainingFor, windowOf } from '../storage/mode-windows';
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

/**
 * Whether the account can serve a request of this upstream mode now. A `cooling` status caused by
 * a limit on some modes leaves the other modes usable; any other cooling blocks the whole account
 * until its cooldown ends. A mode with its own window needs quota left in it and no running limit;
 * a mode without one draws on the account-wide estimate.
 */
export function isSelectableFor(account: Account, upstreamMode: string, now: number): boolean {
  if (account.status === 'disabled' || account.status === 'expired') return false;
  if (account.status === 'cooling' && !hasModeLimit(account)) {
    if (account.cooldownUntil === null || account.cooldownUntil > now) return false;
  }
  const window = windowOf(account, upstreamMode);
  if (window) return window.remaining > 0 && !isModeBlocked(window, now);
  return account.quota > 0;
}

/** Higher is better: the remaining quota of the request's mode (or least consumed). */
export function priorityFor(account: Account, upstreamMode: string, mode: SelectionMode): number {
  return mode === 'consumed' ? -account.consumed : remainingFor(account, upstreamMode);
}

/**
 * When the account may next become selectable for some mode by itself (a cooldown or a mode's
 * wait time ending), after `now`; null when only a sync or an operator can bring it back.
 */
export function nextWakeUp(account: Account, now: number): number | null {
  if (account.status === 'disabled' || account.status === 'expired') return null;
  // A wake-up that finds nothing selectable costs one re-placement; a missed one strands the account.
  const accountWide =
    account.status === 'cooling' && account.cooldownUntil !== null && account.cooldownUntil > now
      ? account.cooldownUntil
      : null;
  const modeRelease = nextModeRelease(account, now);
  if (accountWide === null) return modeRelease;
  return modeRelease === null ? accountWide : Math.min(accountWide, modeRelease);
}

export function hasAllTags(account: Account, tags: readonly string[]): boolean {
  return tags.every((tag) => account.tags.includes(tag));
}
