import type { BatchAction, BatchJob } from './batch-job';
import type { JobRunner } from './job-runner';
import type { JobStore } from './job-store';

export interface StartJobInput {
  action: BatchAction;
  target: BatchJob['target'];
  /** Keep each account's outcome in `results` (the Python project's task routes report them). */
  keepResults?: boolean;
}

/** Saves a new running job and starts it on this instance; `done` settles when it has finished. */
export async function startJob(
  deps: { jobs: JobStore; runner: JobRunner; instanceId: string; clock?: () => number },
  input: StartJobInput,
): Promise<{ job: BatchJob; done: Promise<BatchJob> }> {
  const now = (deps.clock ?? Date.now)();
  const job: BatchJob = {
    id: deps.jobs.newId(),
    action: input.action,
    target: input.target,
    status: 'running',
    total: 'ids' in input.target ? input.target.ids.length : 0,
    processed: 0,
    succeeded: 0,
    failed: 0,
    errors: [],
    ...(input.keepResults ? { results: {} } : {}),
    owner: deps.instanceId,
    createdAt: now,
    heartbeatAt: now,
    finishedAt: null,
  };
  await deps.jobs.save(job);
  // run() records its own failures in the job; it never rejects.
  const done = deps.runner.run(job).then(() => job);
  return { job, done };
}
