import { MODELS, SERVED_KINDS, type CatalogModel, type UpstreamMode } from '../catalog/models';
import { BASIC_POOL, SUPER_POOL } from '../storage/types';
import { tierFromModes, type AccountTier } from './tier-detection';

/**
 * The upstream modes whose windows matter to this build: the modes of the models it serves. A sync
 * asks about exactly these (one rate-limits call each, docs/upstream-protocol.md §14.1),
 * in a fixed order so the calls are predictable.
 */
export function quotaModesOf(models: readonly CatalogModel[] = MODELS): UpstreamMode[] {
  const used = new Set(models.filter((model) => SERVED_KINDS.has(model.kind)).map((model) => model.mode));
  return (['fast', 'auto', 'expert', 'heavy'] as const).filter((mode) => used.has(mode));
}

/**
 * The modes worth asking about for one account: those its tier can use (docs/upstream-protocol.md
 * §14.2: Basic has `fast` and `auto`, Super adds `expert`, only Heavy has `heavy`), of the modes
 * this build serves. The tier comes from the windows stored by the last sync, else the pool
 * (Super pool without a Heavy signal: Super). `fast` and `auto` are always asked, so a tier change
 * (an upgrade) shows in their totals and widens the next sync. Custom pools: every served mode.
 */
export function quotaModesForAccount(
  served: readonly UpstreamMode[],
  account: { pool: string; modes: Readonly<Partial<Record<string, { total: number | null }>>> },
): UpstreamMode[] {
  if (account.pool !== BASIC_POOL && account.pool !== SUPER_POOL) return [...served];
  const tier = tierFromModes(account.modes) ?? (account.pool === SUPER_POOL ? 'super' : 'basic');
  const usable: ReadonlySet<UpstreamMode> = TIER_MODES[tier];
  return served.filter((mode) => usable.has(mode));
}

const TIER_MODES: Record<AccountTier, ReadonlySet<UpstreamMode>> = {
  basic: new Set(['fast', 'auto']),
  super: new Set(['fast', 'auto', 'expert']),
  heavy: new Set(['fast', 'auto', 'expert', 'heavy']),
};
