import { Elysia, t } from 'elysia';
import { TERMINAL, type BatchAction, type BatchJob } from '../jobs/batch-job';
import type { BatchJobServices } from '../console-feature';
import { startJob } from '../jobs/start-job';
import type { Config } from '../../config/schema';
import { ApiError, invalidRequest } from '../../http/errors';
import { SSE_HEADERS } from '../../http/sse';
import type { Storage, StorageKind } from '../../storage/types';
import { accountId } from '../../admin/transfer/transfer-routes';
import { finalEvent, progressEvent, snapshotEvent, taskResult, type ResultContext } from './task-events';
import { resolveTokenReferences, tokenEntries } from './token-references';
import { PythonBody, pythonRouteDetail } from './route-detail';
import { routeGroup, routeGroups } from '../../http/route-groups';

/**
 * The Python project's admin task routes (docs/python-compatibility.md §4.1–4.2) as aliases of
 * our batch jobs: a task is a job started with its per-account results kept, so its progress,
 * cancellation and result come from storage and work from any instance (the Python project kept
 * tasks in one worker's memory). Each route answers in the Python project's shapes.
 */

export interface PythonTaskRoutesDependencies {
  config: () => Config;
  storage: Storage;
  batch: BatchJobServices;
  instanceId: string;
  /** The `result` of count_assets tasks (GET /cache's body). */
  resultContext?: Pick<ResultContext, 'cacheStats'>;
  /** How often a task stream re-reads its job (default 500 ms). */
  pollMs?: number;
  clock?: () => number;
}

/** The storage names the Python project reports; our SQLite file in the data folder is its `local`. */
const STORAGE_TYPE: Record<StorageKind, string> = {
  sqlite: 'local',
  redis: 'redis',
  postgres: 'pgsql',
  mysql: 'mysql',
};
const PING_MS = 15_000;
const AnyObject = PythonBody('token and/or tokens');
const encoder = new TextEncoder();

export const taskNotFound = () =>
  new ApiError({ status: 404, message: 'Task not found', param: 'task_id', code: 'task_not_found' });

/** Starts a task over the named accounts; shared by these routes and the online-cache ones. */
export async function startTask(
  deps: PythonTaskRoutesDependencies,
  action: BatchAction,
  tokens: readonly string[] | 'all',
) {
  const target = tokens === 'all' ? { filter: {} } : { ids: tokens.map((token) => deps.batch.ids.idOf(token)) };
  return startJob(
    { jobs: deps.batch.jobs, runner: deps.batch.runner, instanceId: deps.instanceId, clock: deps.clock },
    { action, target, keepResults: true },
  );
}

/** The full tokens of a job's accounts, by account id, for its result. */
export async function resultContextFor(deps: PythonTaskRoutesDependencies): Promise<ResultContext> {
  const tokens = new Map(
    (await deps.storage.accounts.list()).map((account) => [accountId(account.token), account.token]),
  );
  return { tokenOf: (id) => tokens.get(id), ...deps.resultContext };
}

/** The answer of an `/async` route. */
export const taskStarted = (job: BatchJob, unknown: string[]) => ({
  status: 'success',
  task_id: job.id,
  total: job.total,
  ...(unknown.length > 0 ? { unknown } : {}),
});

function taskStream(deps: PythonTaskRoutesDependencies, first: BatchJob, signal: AbortSignal): Response {
  const clock = deps.clock ?? Date.now;
  const pollMs = deps.pollMs ?? 500;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (value: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(value)}\n\n`));
      try {
        let job = first;
        send(snapshotEvent(job, clock()));
        let shown = job.processed;
        let lastWrite = clock();
        while (!signal.aborted) {
          if (job.processed !== shown) {
            send(progressEvent(job));
            shown = job.processed;
            lastWrite = clock();
          }
          const final = await finalEvent(job, clock(), () => resultContextFor(deps));
          if (final) {
            send(final);
            break;
          }
          if (clock() - lastWrite >= PING_MS) {
            controller.enqueue(encoder.encode(': ping\n\n'));
            lastWrite = clock();
          }
          await Bun.sleep(pollMs);
          job = (await deps.batch.jobs.get(job.id)) ?? job;
        }
      } catch {
        // The client left while we wrote; nothing else to tell.
      } finally {
        try {
          controller.close();
        } catch {
          // already closed
        }
      }
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

export function pythonTaskRoutes(deps: PythonTaskRoutesDependencies) {
  const namedTokens = async (body: unknown, allWhenNone: boolean) => {
    const stored = await deps.storage.accounts.list();
    const entries = tokenEntries(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
    if (entries.length === 0) {
      if (!allWhenNone) throw invalidRequest('No tokens provided', 'tokens', 'missing_tokens');
      if (stored.length === 0) throw invalidRequest('No tokens available', 'tokens', 'missing_tokens');
      return { tokens: stored.map((account) => account.token), unknown: [] };
    }
    return resolveTokenReferences(entries, stored);
  };

  const tasks = new Elysia({ name: 'admin-python-tasks', prefix: '/v1/admin' })
    .get('/storage', () => ({ type: STORAGE_TYPE[deps.storage.kind] }), {
      detail: pythonRouteDetail('admin', 'Storage backend name (Python project names: local, redis, mysql, pgsql)'),
    })
    .post(
      '/tokens/refresh/async',
      async ({ body }) => {
        const { tokens, unknown } = await namedTokens(body, false);
        return taskStarted((await startTask(deps, 'refresh', tokens)).job, unknown);
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail('admin', 'Sync account quotas as a background task (progress at /batch/{id}/stream)'),
      },
    )
    .post(
      '/tokens/nsfw/enable',
      async ({ body }) => {
        const { tokens } = await namedTokens(body, true);
        const finished = await (await startTask(deps, 'enable_nsfw', tokens)).done;
        return taskResult(finished, await resultContextFor(deps));
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail('admin', 'Enable NSFW on the named accounts (all when none named) and wait'),
      },
    )
    .post(
      '/tokens/nsfw/enable/async',
      async ({ body }) => {
        const { tokens, unknown } = await namedTokens(body, true);
        return taskStarted((await startTask(deps, 'enable_nsfw', tokens)).job, unknown);
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail('admin', 'Enable NSFW as a background task (all accounts when none named)'),
      },
    )
    .post(
      '/batch/:id/cancel',
      async ({ params }) => {
        const job = await deps.batch.jobs.get(params.id);
        if (!job) throw taskNotFound();
        if (!TERMINAL.includes(job.status)) await deps.batch.jobs.requestCancel(job.id);
        return { status: 'success' };
      },
      { detail: pythonRouteDetail('admin', 'Ask a task to stop (it stops between chunks of accounts)') },
    );
  const stream = new Elysia({ name: 'admin-python-task-stream', prefix: '/v1/admin' }).get(
    '/batch/:id/stream',
    async ({ params, request }) => {
      const job = await deps.batch.jobs.get(params.id);
      if (!job) throw taskNotFound();
      return taskStream(deps, job, request.signal);
    },
    {
      detail: pythonRouteDetail(
        'admin',
        "A task's progress as server-sent events: snapshot, progress, then done, error or cancelled",
        'events',
      ),
    },
  );
  return routeGroups('admin-python-task-routes', [
    routeGroup({ access: 'admin' }, tasks),
    // Read by the browser's EventSource, which cannot send headers: the admin key may come as ?app_key=.
    routeGroup({ access: 'admin', queryKey: 'app_key' }, stream),
  ]);
}
