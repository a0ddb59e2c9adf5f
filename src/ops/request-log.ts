import { Elysia } from 'elysia';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema';
import type { Logger } from '../logging/logger';
import { requestContext } from '../logging/request-context';

/**
 * Gives every request an id (echoed as x-request-id, or taken from the client's) and logs
 * finished requests: errors and slow ones always, everything with log.log_all_requests.
 */
export function requestLog(logger: Logger, config: () => Config) {
  const started = new WeakMap<Request, { at: number; id: string; status?: number }>();
  return new Elysia({ name: 'request-log' })
    .onRequest(({ request, set }) => {
      const incoming = request.headers.get('x-request-id');
      const id = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
      started.set(request, { at: performance.now(), id });
      set.headers['x-request-id'] = id;
      // Everything that runs for this request from here on (handlers, streams) logs with its id.
      requestContext.enterWith({ requestId: id });
    })
    // Errors reach the client as the error handler's Response; only this hook sees its status.
    .mapResponse({ as: 'global' }, ({ request, responseValue }) => {
      const entry = started.get(request);
      if (entry && responseValue instanceof Response) entry.status = responseValue.status;
    })
    .onAfterResponse({ as: 'global' }, ({ request, set, route }) => {
      const entry = started.get(request);
      if (!entry) return;
      const path = new URL(request.url).pathname;
      // An unmatched route skips mapResponse and is answered 404 (405 for a known path).
      const status = entry.status ?? (route ? (typeof set.status === 'number' ? set.status : 200) : 404);
      const durationMs = Math.round(performance.now() - entry.at);
      const settings = config().log;
      if (path === '/health' && !settings.log_health_requests) return;
      if (!settings.log_all_requests && status < 400 && durationMs < settings.request_slow_ms) return;
      logger.info('request', { requestId: entry.id, method: request.method, path, status, durationMs });
    });
}
