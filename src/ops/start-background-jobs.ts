import type { Config } from '../config/schema';
import type { Logger } from '../logging/logger';
import type { AccountPool } from '../pool/account-pool';
import { QuotaScheduler, type QuotaSchedulerOptions } from '../pool/quota-scheduler';
import { runBounded } from '../pool/run-bounded';
import { BackgroundJobs } from './background-jobs';

export interface BackgroundWork {
  pool: AccountPool;
  config: () => Config;
  logger: Logger;
  /** Accounts were just imported from token.json: learn their real quotas. */
  syncImported: boolean;
  /** How often the quota scheduler looks for due accounts. Default one minute. */
  schedulerTickMs?: number;
  /** Several instances on one store: the scheduler's lock and its view of cooling accounts. */
  cluster?: QuotaSchedulerOptions['cluster'];
}

/** Starts the process's background work as tracked jobs; `stopAll()` on shutdown. */
export function startBackgroundJobs(work: BackgroundWork): BackgroundJobs {
  const { pool, config, logger } = work;
  const jobs = new BackgroundJobs();
  if (work.syncImported && config().token.auto_refresh) {
    // Requests do not wait for it.
    const tokens = pool.accounts().map((account) => account.token);
    void jobs.once('imported_account_sync', async () => {
      const results = await runBounded(tokens, config().usage.concurrent, (token) => pool.sync(token));
      const ok = results.filter((result) => result.status === 'fulfilled').length;
      logger.info('synced imported accounts', { ok, total: tokens.length });
      return { ok, total: tokens.length };
    });
  }
  // What scheduler.start() would do (a pass a minute), but with its state on record.
  const scheduler = new QuotaScheduler({ pool, config, logger, cluster: work.cluster });
  jobs.every('quota_sync', work.schedulerTickMs ?? 60_000, () =>
    scheduler.runOnce().catch((error) => {
      logger.warn('quota sync pass failed', { error });
      throw error;
    }),
  );
  jobs.every('account_reload', Math.max(1, config().token.reload_interval_sec || 30) * 1000, async () => {
    if (config().token.reload_interval_sec <= 0) return { skipped: true };
    try {
      return { changed: await pool.refreshChanged() };
    } catch (error) {
      logger.warn('account reload failed', { error });
      throw error;
    }
  });
  return jobs;
}
