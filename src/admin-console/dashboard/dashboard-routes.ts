import { Elysia, t } from 'elysia';
import { invalidRequest } from '../../http/errors';
import type { AccountPool } from '../../pool/account-pool';
import type { RecordStore } from '../../storage/types';
import type { ClientKeyStore } from '../../client-keys/client-key-store';
import { poolHistory, recordPoolSnapshot } from './pool-history';
import { summariseUsage } from './usage-summary';
import { AnyObject, json, responses, shape } from '../../http/openapi-responses';

/** GET /v1/admin/console/dashboard: request charts from the usage records, pool health now and over time, quota by pool, top keys. */

export interface DashboardDependencies {
  records: RecordStore;
  pool: AccountPool;
  clientKeys?: ClientKeyStore;
  clock?: () => number;
}

export function dashboardRoutes(deps: DashboardDependencies) {
  const clock = deps.clock ?? Date.now;
  return new Elysia({ name: 'admin-console-dashboard', prefix: '/v1/admin/console' }).get(
    '/dashboard',
    async ({ query }) => {
      const hours = query.hours === undefined ? 24 : Number(query.hours);
      if (!Number.isInteger(hours) || hours < 1 || hours > 168)
        throw invalidRequest('hours must be an integer from 1 to 168', 'hours');
      const now = clock();
      const pools = deps.pool.stats();
      // The current bucket is always there, even before the periodic sampler first ran.
      await recordPoolSnapshot(deps.records, pools, now);
      const since = now - hours * 3_600_000;
      const [usage, history] = await Promise.all([
        summariseUsage(deps.records, { since, until: now, buckets: 48 }),
        poolHistory(deps.records, since),
      ]);
      const names = new Map((await deps.clientKeys?.all())?.map((key) => [key.id, key.name]) ?? []);
      return {
        hours,
        usage: {
          ...usage,
          top_keys: usage.top_keys.map((key) => ({ ...key, name: key.id ? (names.get(key.id) ?? null) : null })),
        },
        pools,
        pool_history: history.map((snapshot) => {
          const sum = { active: 0, cooling: 0, expired: 0, disabled: 0 };
          for (const stats of Object.values(snapshot.pools))
            for (const status of Object.keys(sum) as (keyof typeof sum)[]) sum[status] += stats[status];
          return { at: snapshot.at, ...sum };
        }),
      };
    },
    {
      query: t.Object({ hours: t.Optional(t.String()) }),
      detail: {
        tags: ['admin'],
        summary:
          'Dashboard data: requests, failures and latency over time by model and outcome; pool health; quota by pool; top API keys',
        responses: responses(json(shape({ usage: AnyObject })), { errors: [400, 401, 429] }),
      },
    },
  );
}
