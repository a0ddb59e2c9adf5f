import { Elysia } from 'elysia';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema';
import type { Logger } from '../logging/logger';
import { earlyAnswerOf } from '../http/early-answer';
import { IGNORED_HEADER, ignoredHeaderValue, requestContext, type RequestContext } from '../logging/request-context';

/** A request once answered: what the log line says, for others who count requests (usage). */
export interface FinishedRequest {
  request: Request;
  path: string;
  status: number;
  durationMs: number;
  context: RequestContext;
  /** The parsed body, when the route read one. */
  body: unknown;
}

/**
 * Gives every request an id (echoed as x-request-id, or taken from the client's) and logs
 * finished requests: errors and slow ones always, everything with log.log_all_requests.
 * `onFinished` sees every finished request with its final status, refusals before routing included.
 */
export function requestLog(logger: Logger, config: () => Config, onFinished?: (finished: FinishedRequest) => void) {
  const started = new WeakMap<Request, { at: number; id: string; status?: number; context: RequestContext }>();
  return (
    new Elysia({ name: 'request-log' })
      .onRequest(({ request, set }) => {
        const incoming = request.headers.get('x-request-id');
        const id = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        const context: RequestContext = { requestId: id };
        started.set(request, { at: performance.now(), id, context });
        set.headers['x-request-id'] = id;
        // Everything that runs for this request from here on (handlers, streams) logs with its id.
        requestContext.enterWith(context);
      })
      // Errors reach the client as the error handler's Response; only this hook sees its status.
      .mapResponse({ as: 'global' }, ({ request, responseValue, set }) => {
        const entry = started.get(request);
        if (!entry) return;
        if (responseValue instanceof Response) entry.status = responseValue.status;
        const ignored = ignoredHeaderValue(entry.context);
        if (ignored === undefined) return;
        if (responseValue instanceof Response) responseValue.headers.set(IGNORED_HEADER, ignored);
        else set.headers[IGNORED_HEADER] = ignored;
      })
      .onAfterResponse({ as: 'global' }, ({ request, set, route, body }) => {
        const entry = started.get(request);
        if (!entry) return;
        const path = new URL(request.url).pathname;
        // An unmatched route skips mapResponse and is answered 404 (405 for a known path).
        const status =
          entry.status ??
          earlyAnswerOf(request)?.status ??
          (route ? (typeof set.status === 'number' ? set.status : 200) : 404);
        const durationMs = Math.round(performance.now() - entry.at);
        onFinished?.({ request, path, status, durationMs, context: entry.context, body });
        const settings = config().log;
        if (path === '/health' && !settings.log_health_requests) return;
        const { ignored, error } = entry.context;
        const noteworthy = status >= 400 || durationMs >= settings.request_slow_ms || ignored !== undefined;
        if (!settings.log_all_requests && !noteworthy) return;
        logger.info('request', {
          requestId: entry.id,
          method: request.method,
          path,
          status,
          durationMs,
          ...(status >= 400 && error ? { code: error.code, param: error.param } : {}),
          ...(ignored ? { ignored } : {}),
        });
      })
  );
}
