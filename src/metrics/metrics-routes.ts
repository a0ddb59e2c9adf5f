import { Elysia } from 'elysia';
import { requireBearer } from '../auth/bearer';
import type { Config } from '../config/schema';
import { ApiError } from '../http/errors';
import { PROMETHEUS_CONTENT_TYPE, type MetricsRegistry } from './registry';
import { responses, text } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/** GET /metrics in Prometheus text format; with `metrics.token` set, scrapers must send it as a bearer token. */
export function metricsRoutes(registry: MetricsRegistry, config: () => Config) {
  const scrapers = {
    // While metrics are off the route answers 404 to anyone, token or not.
    check(request: Request) {
      const settings = config().metrics;
      if (settings.enabled && settings.token) requireBearer(request.headers.get('authorization'), [settings.token]);
    },
  };
  const routes = new Elysia({ name: 'metrics' }).get(
    '/metrics',
    () => {
      const settings = config().metrics;
      if (!settings.enabled)
        throw new ApiError({
          status: 404,
          message: 'Metrics are disabled (metrics.enabled = false).',
          code: 'not_found',
        });
      return new Response(registry.render(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
    },
    {
      detail: {
        tags: ['operations'],
        summary: 'Prometheus metrics (bearer metrics.token when set)',
        responses: responses(text(PROMETHEUS_CONTENT_TYPE, 'Prometheus text exposition format'), {
          errors: [401, 404],
        }),
      },
    },
  );
  return routeGroup({ access: scrapers }, routes);
}
