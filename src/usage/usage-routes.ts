import { Elysia, t } from 'elysia';
import { invalidRequest } from '../http/errors';
import type { RecordStore } from '../storage/types';
import { USAGE_COLLECTION, type UsageEntry } from './usage-recorder';
import { Type } from '@sinclair/typebox';
import { AnyObject, json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/** GET /v1/admin/usage: usage records oldest first, paged by `after` (the last id of a page). */
export function usageRoutes(deps: { records: RecordStore }) {
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-usage', prefix: '/v1/admin' }).get(
      '/usage',
      async ({ query }) => {
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw invalidRequest('limit must be an integer from 1 to 1000', 'limit');
        const page = await deps.records.list<UsageEntry>(USAGE_COLLECTION, { limit, after: query.after });
        return {
          records: page.map((record) => ({ id: record.id, ...record.value })),
          next: page.length === limit ? page.at(-1)!.id : null,
        };
      },
      {
        query: t.Object({ limit: t.Optional(t.String()), after: t.Optional(t.String()) }),
        detail: {
          tags: ['admin'],
          summary: 'Usage records per request (API key and account masked)',
          responses: responses(
            json(shape({ records: Type.Array(AnyObject), next: Type.Union([Type.String(), Type.Null()]) })),
            { errors: [400, 401, 429] },
          ),
        },
      },
    ),
  );
}
