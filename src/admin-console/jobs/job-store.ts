import type { RecordStore } from '../../storage/types';
import type { BatchJob } from './batch-job';

/**
 * Jobs in `storage.records`. The owner alone writes the job document; a cancel is a separate
 * record any instance may write, so an owner's progress write can never overwrite a cancel.
 * Ids begin with the creation time in base 36, so the id order of `list` is creation order.
 */

const JOBS = 'admin-jobs';
const CANCELS = 'admin-job-cancels';
const KEEP_MS = 7 * 24 * 3_600_000;

export class JobStore {
  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number = Date.now,
  ) {}

  newId(random: () => number = Math.random): string {
    return `${this.clock().toString(36).padStart(10, '0')}-${Math.floor(random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')}`;
  }

  save(job: BatchJob): Promise<void> {
    return this.records.put(JOBS, job.id, job, { expiresAt: job.createdAt + KEEP_MS });
  }

  get(id: string): Promise<BatchJob | null> {
    return this.records.get<BatchJob>(JOBS, id);
  }

  /** The newest `limit` jobs, newest first. */
  async recent(limit: number): Promise<BatchJob[]> {
    const jobs: BatchJob[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.records.list<BatchJob>(JOBS, { limit: 500, after });
      jobs.push(...page.map((entry) => entry.value));
      if (page.length < 500) break;
      after = page.at(-1)!.id;
    }
    return jobs.reverse().slice(0, limit);
  }

  requestCancel(id: string): Promise<void> {
    return this.records.put(CANCELS, id, { at: this.clock() }, { expiresAt: this.clock() + KEEP_MS });
  }

  async cancelRequested(id: string): Promise<boolean> {
    return (await this.records.get(CANCELS, id)) !== null;
  }
}
