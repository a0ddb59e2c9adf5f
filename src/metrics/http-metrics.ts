import { Elysia } from 'elysia';
import { resolveModel } from '../catalog/model-aliases';
import { findModel } from '../catalog/models';
import type { GatewayMetrics } from './gateway-metrics';
import { observeStream } from './stream-observer';
import { earlyAnswerOf } from '../http/early-answer';

/** The answered status: a returned Response says it; an error (ours or Elysia's NOT_FOUND) carries it. */
function statusOf(responseValue: unknown, setStatus: unknown): number {
  if (responseValue instanceof Response) return responseValue.status;
  const carried =
    typeof responseValue === 'object' && responseValue !== null
      ? (responseValue as { status?: unknown }).status
      : undefined;
  if (typeof carried === 'number') return carried;
  return typeof setStatus === 'number' ? setStatus : 200;
}

/**
 * Counts every answered request and its latency at the app level, so no route needs to know about
 * metrics. Labels are bounded: the route template (never the raw path), and the model only when
 * the catalog knows it.
 */
export function httpMetrics(
  metrics: GatewayMetrics,
  now: () => number = () => performance.now(),
  /** config `models.aliases`: an id only a pattern knows is labelled with the model it stands for. */
  aliases: () => readonly string[] = () => [],
) {
  const started = new WeakMap<Request, { at: number; streamed: boolean; status?: number }>();
  const seconds = (from: number) => (now() - from) / 1000;
  const modelOf = (body: unknown): string => {
    const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
    if (typeof model !== 'string') return '';
    if (findModel(model)) return model;
    return resolveModel(model, aliases())?.id ?? 'unknown';
  };
  const routeOf = (route: string | undefined) => (route ? route : 'unmatched');

  return (
    new Elysia({ name: 'http-metrics' })
      .onRequest(({ request }) => {
        started.set(request, { at: now(), streamed: false });
      })
      .onAfterHandle({ as: 'global' }, ({ request, responseValue, route, body }) => {
        const entry = started.get(request);
        if (!entry || !(responseValue instanceof Response) || !responseValue.body) return;
        if (!responseValue.headers.get('content-type')?.startsWith('text/event-stream')) return;
        entry.streamed = true;
        const model = modelOf(body);
        metrics.streamsInFlight.inc();
        const body$ = observeStream(responseValue.body, {
          onFirstToken: () => metrics.timeToFirstToken.observe(seconds(entry.at), { model }),
          onEnd: () => {
            metrics.streamsInFlight.dec();
            metrics.requestDuration.observe(seconds(entry.at), { route: routeOf(route) });
          },
        });
        return new Response(body$, { status: responseValue.status, headers: responseValue.headers });
      })
      // Errors reach the client as the Response the error handler made; only this hook sees it.
      .mapResponse({ as: 'global' }, ({ request, responseValue }) => {
        const entry = started.get(request);
        if (entry && responseValue instanceof Response) entry.status = responseValue.status;
      })
      .onAfterResponse({ as: 'global' }, ({ request, set, route: matched, body, responseValue }) => {
        const entry = started.get(request);
        if (!entry) return;
        // Refused before routing (route groups' gate, body limit): the hook that answered noted status and route.
        const early = earlyAnswerOf(request);
        if (early) entry.status ??= early.status;
        const route = matched || early?.route;
        // An unmatched route skips the other hooks; it is answered 404 (or 405 for a known path, counted as 404 here).
        const status = entry.status ?? (route ? statusOf(responseValue, set.status) : 404);
        metrics.requests.inc({
          method: request.method,
          route: routeOf(route),
          model: modelOf(body),
          status: String(status),
        });
        if (!entry.streamed) metrics.requestDuration.observe(seconds(entry.at), { route: routeOf(route) });
      })
  );
}
