import type { Config } from '../config/schema';
import { SUPER_POOL, type Account } from '../storage/types';
import type { AccountPool } from './account-pool';
import { runBounded } from './run-bounded';

/**
 * Brings cooling accounts back: every tick, when `token.auto_refresh` is on, syncs the cooling
 * accounts whose last sync is older than their pool's interval (Super: super_refresh_interval_hours,
 * others: refresh_interval_hours), oldest first, `usage.concurrent` at a time. The config is read
 * on every tick, so interval and switch changes apply without a restart.
 */

const HOUR_MS = 3_600_000;

type TokenConfig = Config['token'];

function intervalMs(account: Account, token: TokenConfig): number {
  const hours = account.pool === SUPER_POOL ? token.super_refresh_interval_hours : token.refresh_interval_hours;
  return hours * HOUR_MS;
}

/**
 * Cooling accounts due for a sync, never-synced first, then oldest first. A failed attempt counts
 * like a sync for timing (`lastAttempts`), so an unreachable upstream is not asked every tick.
 */
export function accountsDueForSync(
  accounts: readonly Account[],
  token: TokenConfig,
  now: number,
  lastAttempts: ReadonlyMap<string, number> = new Map(),
): Account[] {
  const reference = (account: Account) =>
    Math.max(account.lastSyncAt ?? -Infinity, lastAttempts.get(account.token) ?? -Infinity);
  return accounts
    .filter((account) => account.status === 'cooling')
    .filter((account) => now - reference(account) >= intervalMs(account, token))
    .sort((a, b) => reference(a) - reference(b));
}

/** The part of the app logger the scheduler uses; it redacts the `token` field itself. */
export interface SchedulerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface QuotaSchedulerOptions {
  pool: AccountPool;
  config: () => Config;
  clock?: () => number;
  /** How often to look for due accounts. Default one minute. */
  tickMs?: number;
  logger?: SchedulerLogger;
  /**
   * Several instances on one store: a named lock so exactly one runs a pass at a time, and the
   * cooling accounts read from storage under that lock (this instance's copy may be a moment behind
   * the pass another instance just finished).
   */
  cluster?: {
    tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null>;
    coolingAccounts(): Promise<Account[]>;
  };
}

export interface QuotaRunSummary {
  synced: number;
  failed: number;
  /** True when another instance held the refresh lock, so this one did nothing. */
  skipped?: boolean;
}

/** A pass that outlives this is presumed dead (its instance crashed) and another may start. */
const REFRESH_LOCK_MS = 10 * 60_000;

export class QuotaScheduler {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;
  private readonly lastAttempts = new Map<string, number>();
  private readonly clock: () => number;

  constructor(private readonly options: QuotaSchedulerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => this.runOnce().catch((error) => this.options.logger?.warn('quota sync pass failed', { error }));
    this.timer = setInterval(tick, this.options.tickMs ?? 60_000);
    this.timer.unref?.(); // never keeps the process alive on its own
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass. A pass still running makes the next one a no-op rather than a second wave. */
  async runOnce(): Promise<QuotaRunSummary> {
    const config = this.options.config();
    if (!config.token.auto_refresh || this.running) return { synced: 0, failed: 0 };
    this.running = true;
    const cluster = this.options.cluster;
    let lock: { release(): Promise<void> } | null = null;
    try {
      if (cluster) {
        lock = await cluster.tryLock('quota-refresh', REFRESH_LOCK_MS);
        if (!lock) return { synced: 0, failed: 0, skipped: true };
      }
      const now = this.clock();
      const cooling = cluster ? await cluster.coolingAccounts() : this.options.pool.accounts({ status: 'cooling' });
      const due = accountsDueForSync(cooling, config.token, now, this.lastAttempts);
      // Forget accounts that are no longer cooling, so the map does not grow without bound.
      const stillCooling = new Set(cooling.map((account) => account.token));
      for (const token of this.lastAttempts.keys()) if (!stillCooling.has(token)) this.lastAttempts.delete(token);
      for (const account of due) this.lastAttempts.set(account.token, now);
      const outcomes = await runBounded(due, config.usage.concurrent, (account) =>
        this.options.pool.sync(account.token),
      );
      outcomes.forEach((outcome, position) => {
        if (outcome.status === 'rejected') {
          this.options.logger?.warn('quota sync failed', { token: due[position]!.token, error: outcome.reason });
        }
      });
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
      if (due.length > 0) this.options.logger?.info('quota sync pass', { synced: due.length - failed, failed });
      return { synced: due.length - failed, failed };
    } finally {
      this.running = false;
      await lock
        ?.release()
        .catch((error) => this.options.logger?.warn('could not release the refresh lock', { error }));
    }
  }
}
