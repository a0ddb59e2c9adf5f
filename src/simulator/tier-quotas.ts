import type { Mode, QuotaWindow, SimulatorAccount, Tier } from './types';

// Default per-mode windows by tier, after the P3 numbers of
// docs/upstream-protocol.md §14.2 (Basic auto 20 as in the legacy table, so
// tier inference from `auto.totalQueries` still tells the three tiers apart).
const BASIC_WINDOW_SECONDS = 86_400;
const PAID_WINDOW_SECONDS = 7_200;

const TOTALS: Record<Tier, Record<Mode, number>> = {
  basic: { auto: 20, fast: 30, expert: 8, heavy: 0 },
  super: { auto: 50, fast: 140, expert: 50, heavy: 0 },
  heavy: { auto: 150, fast: 400, expert: 150, heavy: 20 },
};

export function quotaFor(account: SimulatorAccount, mode: Mode): QuotaWindow {
  const override = account.quotas?.[mode];
  if (override) return override;
  const tier = account.tier ?? 'basic';
  return {
    total: TOTALS[tier][mode],
    windowSeconds: tier === 'basic' ? BASIC_WINDOW_SECONDS : PAID_WINDOW_SECONDS,
  };
}
