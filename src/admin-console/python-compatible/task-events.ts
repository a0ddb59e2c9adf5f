import type { BatchJob } from '../jobs/batch-job';
import { isStalled } from '../jobs/batch-job';
import { maskSecret } from '../../logging/logger';
import { accountId } from '../../admin/transfer/transfer-routes';
import type { CacheStats } from './cache-stats';

/**
 * Our batch jobs told in the Python project's task vocabulary (docs/python-compatibility.md
 * §4.2): a `snapshot` event, `progress` events, then one of `done` (with the task's `result`),
 * `error` or `cancelled`. Its task statuses are running, done, error and cancelled.
 */

export type TaskStatus = 'running' | 'done' | 'error' | 'cancelled';

export function taskStatus(job: BatchJob, now: number): TaskStatus {
  if (job.status === 'succeeded') return 'done';
  if (job.status === 'failed' || isStalled(job, now)) return 'error';
  if (job.status === 'cancelled') return 'cancelled';
  return 'running';
}

const counters = (job: BatchJob) => ({
  task_id: job.id,
  total: job.total,
  processed: job.processed,
  ok: job.succeeded,
  fail: job.failed,
});

export const snapshotEvent = (job: BatchJob, now: number) => ({
  type: 'snapshot',
  ...counters(job),
  status: taskStatus(job, now),
  warning: null,
});

export const progressEvent = (job: BatchJob) => ({ type: 'progress', ...counters(job) });

/** What a finished task's `result` needs besides the job: who the accounts are, and for counts the local cache. */
export interface ResultContext {
  /** Account id → full token, for the accounts of the job. */
  tokenOf: (id: string) => string | undefined;
  /** For count_assets: the GET /cache body the counts go into. */
  cacheStats?: (counts: Map<string, number | string>, scope: 'all' | 'selected') => Promise<CacheStats>;
}

/** The final event, or null while the task runs. */
export async function finalEvent(
  job: BatchJob,
  now: number,
  context: () => Promise<ResultContext>,
): Promise<Record<string, unknown> | null> {
  const status = taskStatus(job, now);
  if (status === 'running') return null;
  if (status === 'cancelled') return { type: 'cancelled', ...counters(job) };
  if (status === 'error') {
    const reason =
      job.status === 'running'
        ? 'The instance running this task stopped before it finished.'
        : (job.errors.at(-1)?.reason ?? 'Task failed');
    return { type: 'error', ...counters(job), error: reason };
  }
  return { type: 'done', ...counters(job), warning: null, result: await taskResult(job, await context()) };
}

const summaryOf = (job: BatchJob) => ({ total: job.total, ok: job.succeeded, fail: job.failed });

/** The `result` of a finished task, in the shape the Python project's synchronous route answers. */
export async function taskResult(job: BatchJob, context: ResultContext): Promise<Record<string, unknown>> {
  const entries = Object.entries(job.results ?? {}).flatMap(([id, result]) => {
    const token = context.tokenOf(id);
    return token === undefined ? [] : [{ token, result }];
  });
  switch (job.action) {
    case 'refresh':
      return {
        status: 'success',
        summary: summaryOf(job),
        results: Object.fromEntries(entries.map(({ token, result }) => [token, result.ok])),
      };
    case 'enable_nsfw': {
      // Keyed by masked token like the Python project; two tokens with one mask are told apart by id.
      const masks = entries.map(({ token }) => maskSecret(token));
      const results = Object.fromEntries(
        entries.map(({ token, result }, index) => {
          const id = accountId(token);
          const key =
            masks.indexOf(masks[index]!) === masks.lastIndexOf(masks[index]!)
              ? masks[index]!
              : `${masks[index]} (${id})`;
          return [key, { id, success: result.ok, error: result.ok ? null : (result.reason ?? 'failed') }];
        }),
      );
      return { status: 'success', summary: summaryOf(job), results };
    }
    case 'clear_assets':
      return {
        status: 'success',
        summary: summaryOf(job),
        results: Object.fromEntries(
          entries.map(({ token, result }) => [
            token,
            result.ok
              ? {
                  status: 'success',
                  result: {
                    total: result.found ?? 0,
                    success: result.count ?? 0,
                    failed: (result.found ?? 0) - (result.count ?? 0),
                  },
                }
              : { status: 'error', error: result.reason ?? 'failed' },
          ]),
        ),
      };
    case 'count_assets': {
      const counts = new Map<string, number | string>(
        entries.map(({ token, result }) => [
          token,
          result.ok ? (result.count ?? 0) : `error: ${result.reason ?? 'failed'}`,
        ]),
      );
      // A task over every account was started with an empty filter (scope=all), else with ids.
      const scope = 'filter' in job.target ? 'all' : 'selected';
      return context.cacheStats
        ? { ...(await context.cacheStats(counts, scope)) }
        : { status: 'success', summary: summaryOf(job) };
    }
    default:
      return { status: 'success', summary: summaryOf(job) };
  }
}
