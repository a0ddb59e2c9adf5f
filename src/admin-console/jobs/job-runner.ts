import { maskSecret, redactText } from '../../logging/logger';
import type { Logger } from '../../logging/logger';
import type { AccountPool } from '../../pool/account-pool';
import type { AccountStore } from '../../storage/types';
import type { AccountIds } from '../accounts/account-ids';
import { matchingTokens, type LocalAccounts } from '../accounts/account-query';
import type { BatchAction, BatchJob } from './batch-job';
import type { JobStore } from './job-store';
import { enableNsfwForAccount } from './nsfw-action';
import { clearAssetsForAccount } from './assets-action';
import type { AccountUpstream } from '../accounts/account-upstream';

/**
 * Runs a batch job on this instance: resolves its accounts, works through them in chunks with
 * bounded concurrency, and after every chunk saves progress (the heartbeat other instances read)
 * and checks whether any instance asked to cancel.
 */

export interface JobRunnerDependencies {
  jobs: JobStore;
  accounts: AccountStore;
  pool: AccountPool;
  ids: AccountIds;
  /** This instance's pool index: ids and filters resolve there instead of reading every stored row. */
  local?: LocalAccounts;
  logger: Logger;
  /** Accounts worked on at once for this action (each action has its own config section). */
  concurrency: (action: BatchAction) => number;
  /** Upstream account calls (enable NSFW, online assets); absent where the console runs without a Grok client. */
  upstream?: AccountUpstream;
  clock?: () => number;
}

const MAX_ERRORS = 50;

/** One account's outcome: null failure on success; the asset actions also count files. */
interface ItemOutcome {
  failure: string | null;
  count?: number;
  found?: number;
}

export class JobRunner {
  private readonly clock: () => number;

  constructor(private readonly deps: JobRunnerDependencies) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Starts the job in the background; resolves once it has finished (tests await it). */
  async run(job: BatchJob): Promise<void> {
    try {
      const local = this.deps.local;
      const tokens =
        'ids' in job.target
          ? await this.deps.ids.resolve(this.deps.accounts, job.target.ids, local)
          : await matchingTokens(this.deps.accounts, job.target.filter, local);
      job.total = tokens.length;
      await this.beat(job);
      const chunkSize = Math.max(1, this.deps.concurrency(job.action)) * 4;
      for (let start = 0; start < tokens.length; start += chunkSize) {
        if (await this.deps.jobs.cancelRequested(job.id)) return await this.finish(job, 'cancelled');
        const chunk = tokens.slice(start, start + chunkSize);
        await this.runChunk(job, chunk);
        await this.beat(job);
      }
      if (await this.deps.jobs.cancelRequested(job.id)) return await this.finish(job, 'cancelled');
      await this.finish(job, 'succeeded');
    } catch (error) {
      const reason = redactText(error instanceof Error ? error.message : String(error));
      this.deps.logger.error('batch job failed', { job: job.id, error: reason });
      job.errors.push({ account: '-', reason });
      await this.finish(job, 'failed');
    }
  }

  private async runChunk(job: BatchJob, tokens: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        const outcome = await this.apply(job.action, token).catch(
          (error: unknown): ItemOutcome => ({
            failure: redactText(error instanceof Error ? error.message : String(error)),
          }),
        );
        const failure = outcome.failure;
        if (job.results) {
          const reason = failure === null ? {} : { reason: failure };
          job.results[this.deps.ids.idOf(token)] = {
            ok: failure === null,
            ...reason,
            count: outcome.count,
            found: outcome.found,
          };
        }
        job.processed += 1;
        if (failure === null) job.succeeded += 1;
        else {
          job.failed += 1;
          if (job.errors.length < MAX_ERRORS) job.errors.push({ account: maskSecret(token), reason: failure });
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(Math.max(1, this.deps.concurrency(job.action)), tokens.length) }, worker),
    );
  }

  private async apply(action: BatchAction, token: string): Promise<ItemOutcome> {
    if (action === 'count_assets') {
      if (!this.deps.upstream) return { failure: 'no upstream client on this instance' };
      return { failure: null, count: await this.deps.upstream.countAssets(token) };
    }
    if (action === 'clear_assets') {
      if (!this.deps.upstream) return { failure: 'no upstream client on this instance' };
      const cleared = await clearAssetsForAccount(token, this.deps.upstream);
      return { failure: cleared.failure, count: cleared.deleted, found: cleared.found };
    }
    return { failure: await this.failureOf(action, token) };
  }

  /** Null on success, else why it failed. */
  private async failureOf(
    action: Exclude<BatchAction, 'count_assets' | 'clear_assets'>,
    token: string,
  ): Promise<string | null> {
    switch (action) {
      case 'refresh': {
        const account = await this.deps.pool.sync(token);
        return account === null ? 'account not found' : null;
      }
      case 'enable':
        return (await this.deps.pool.update(token, { status: 'active' })) === null ? 'account not found' : null;
      case 'disable':
        return (await this.deps.pool.update(token, { status: 'disabled' })) === null ? 'account not found' : null;
      case 'delete':
        return (await this.deps.pool.remove([token])) === 1 ? null : 'account not found';
      case 'enable_nsfw': {
        const upstream = this.deps.upstream;
        if (!upstream) return 'no upstream client on this instance';
        return enableNsfwForAccount(token, {
          accounts: this.deps.accounts,
          pool: this.deps.pool,
          enableNsfw: (account) => upstream.enableNsfw(account),
        });
      }
    }
  }

  private async beat(job: BatchJob): Promise<void> {
    job.heartbeatAt = this.clock();
    await this.deps.jobs.save(job);
  }

  private async finish(job: BatchJob, status: BatchJob['status']): Promise<void> {
    job.status = status;
    job.finishedAt = this.clock();
    job.heartbeatAt = job.finishedAt;
    await this.deps.jobs.save(job);
  }
}
