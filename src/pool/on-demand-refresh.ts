import type { Coordinator } from '../storage/coordinator';
import type { Config } from '../config/schema';
import type { Account } from '../storage/types';
import { runBounded } from './run-bounded';

/**
 * When a request finds no account: sync up to `token.on_demand_refresh_max_tokens` cooling
 * accounts without a pending upstream wait (never-synced, then oldest sync first) in case their
 * quota is back. At most once per `on_demand_refresh_min_interval_sec` in this instance, and with a
 * coordinator across all instances: the lock is taken for that long and deliberately not released.
 */
export class OnDemandRefresh {
  private lastRun = -Infinity;

  constructor(
    private readonly deps: {
      config: () => Config;
      clock: () => number;
      coordinator: Coordinator | null;
      /** The cooling accounts: from storage with other instances around, else the local copy. */
      coolingAccounts: () => Promise<Account[]>;
      sync: (token: string) => Promise<Account | null>;
    },
  ) {}

  /** Returns how many accounts came back. */
  async run(): Promise<number> {
    const config = this.deps.config();
    const tokenConfig = config.token;
    if (!tokenConfig.on_demand_refresh_enabled) return 0;
    const now = this.deps.clock();
    const intervalMs = tokenConfig.on_demand_refresh_min_interval_sec * 1000;
    if (now - this.lastRun < intervalMs) return 0;
    this.lastRun = now;
    if (this.deps.coordinator && !(await this.deps.coordinator.tryLock('on-demand-refresh', Math.max(1, intervalMs))))
      return 0;
    // An account the upstream told to wait (Retry-After) comes back by itself when the wait is over.
    const due = (await this.deps.coolingAccounts())
      .filter((account) => account.cooldownUntil === null || account.cooldownUntil <= now)
      .sort((a, b) => (a.lastSyncAt ?? -Infinity) - (b.lastSyncAt ?? -Infinity))
      .slice(0, tokenConfig.on_demand_refresh_max_tokens);
    const outcomes = await runBounded(due, config.usage.concurrent, (account) => this.deps.sync(account.token));
    return outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value?.status === 'active').length;
  }
}
