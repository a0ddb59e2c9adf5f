import { Elysia, t } from 'elysia';
import { ApiError, invalidRequest } from '../../http/errors';
import { BATCH_ACTIONS, isStalled, JobFilter, TERMINAL, type BatchAction, type BatchJob } from './batch-job';
import type { JobRunner } from './job-runner';
import type { JobStore } from './job-store';
import { startJob } from './start-job';
import { Type, type TSchema } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, eventStream, json, responses, shape } from '../../http/openapi-responses';

/**
 * Batch jobs over accounts. Creating one starts it on this instance; reading, listing, cancelling
 * and the progress stream work from any instance because they only read and write storage.
 */

export interface JobsRoutesDependencies {
  jobs: JobStore;
  runner: JobRunner;
  instanceId: string;
  clock?: () => number;
  /** How often the progress stream re-reads the job (default 500 ms). */
  pollMs?: number;
}

const detail = (summary: string, description?: string, answer: TSchema = AnyObject, content = json(answer)) => ({
  tags: ['admin'],
  summary,
  description,
  responses: responses(content, { errors: ADMIN_ERRORS }),
});

export function jobsRoutes(deps: JobsRoutesDependencies) {
  const clock = deps.clock ?? Date.now;
  // Per-account results (kept for the Python project's task routes) stay out of the console's view.
  const view = ({ results: _results, ...job }: BatchJob) => ({
    ...job,
    target: 'ids' in job.target ? { ids: job.target.ids.length } : job.target,
    stalled: isStalled(job, clock()),
  });
  const load = async (id: string) => {
    const job = await deps.jobs.get(id);
    if (!job) throw new ApiError({ status: 404, message: 'No job with this id', param: 'id', code: 'job_not_found' });
    return job;
  };

  return new Elysia({ name: 'admin-console-jobs', prefix: '/v1/admin/console' })
    .post(
      '/jobs',
      async ({ body }) => {
        if (!(BATCH_ACTIONS as readonly string[]).includes(body.action))
          throw invalidRequest(`action must be one of ${BATCH_ACTIONS.join(', ')}`, 'action');
        if ((body.ids === undefined) === (body.filter === undefined))
          throw invalidRequest('Give either ids (the selection) or filter (all matching accounts)', 'ids');
        const target = body.ids ? { ids: body.ids } : { filter: body.filter! };
        const { job } = await startJob({ ...deps, clock }, { action: body.action as BatchAction, target });
        return view(job);
      },
      {
        body: t.Object(
          {
            action: t.String({ description: BATCH_ACTIONS.join(', ') }),
            ids: t.Optional(t.Array(t.String({ maxLength: 64 }), { minItems: 1, maxItems: 100_000 })),
            filter: t.Optional(JobFilter),
          },
          { additionalProperties: false },
        ),
        detail: detail('Start a batch job', 'Runs on this instance in the background; progress is kept in storage.'),
      },
    )
    .get('/jobs', async () => ({ jobs: (await deps.jobs.recent(20)).map(view) }), {
      detail: detail('Recent batch jobs (any instance)', undefined, shape({ jobs: Type.Array(AnyObject) })),
    })
    .get('/jobs/:id', async ({ params }) => view(await load(params.id)), { detail: detail('One batch job') })
    .post(
      '/jobs/:id/cancel',
      async ({ params }) => {
        const job = await load(params.id);
        if (!TERMINAL.includes(job.status)) await deps.jobs.requestCancel(job.id);
        return { ...view(job), cancel_requested: !TERMINAL.includes(job.status) };
      },
      { detail: detail('Cancel a batch job (from any instance)') },
    )
    .get(
      '/jobs/:id/events',
      async ({ params, request }) => {
        let job = await load(params.id);
        const encoder = new TextEncoder();
        const pollMs = deps.pollMs ?? 500;
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            let last = '';
            try {
              while (!request.signal.aborted) {
                const text = JSON.stringify(view(job));
                if (text !== last) controller.enqueue(encoder.encode(`event: progress\ndata: ${text}\n\n`));
                last = text;
                if (TERMINAL.includes(job.status) || isStalled(job, clock())) break;
                await Bun.sleep(pollMs);
                job = (await deps.jobs.get(params.id)) ?? job;
              }
              controller.enqueue(encoder.encode('event: end\ndata: {}\n\n'));
            } finally {
              controller.close();
            }
          },
        });
        return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
      },
      {
        detail: detail(
          'Progress of a batch job as server-sent events',
          'Emits `progress` events with the job until it ends, then `end`.',
          undefined,
          eventStream('progress events, then end'),
        ),
      },
    );
}
