import { Elysia } from 'elysia';
import { hostname } from 'node:os';
import type { CodedWarning } from '../config/coded-warning';
import type { PoolStats } from '../pool/account-pool';
import { BUILD_DATE, COMMIT, VERSION } from '../version';
import type { JobState } from './background-jobs';
import type { UpstreamHealthState } from './upstream-health';
import { Type } from '@sinclair/typebox';
import { ADMIN_READ_ERRORS, AnyObject, json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/** What one process knows about itself, for GET /v1/admin/status. */
export interface StatusSources {
  instanceId: string;
  startedAt: number;
  storageKind: string;
  pingStorage: () => Promise<void>;
  poolStats: () => Record<string, PoolStats>;
  upstream: () => UpstreamHealthState | undefined;
  jobs: () => JobState[];
  /** Upstream settings that do not look like today's web app, config start-up notes (the console's banner). */
  warnings?: () => CodedWarning[];
  clock?: () => number;
}

export function adminStatusRoutes(sources: StatusSources) {
  const clock = sources.clock ?? Date.now;
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-status' }).get(
      '/v1/admin/status',
      async ({ request }) => {
        let storage = 'ok';
        try {
          await sources.pingStorage();
        } catch {
          storage = 'unreachable';
        }
        const now = clock();
        return {
          version: VERSION,
          commit: COMMIT,
          build_date: BUILD_DATE,
          runtime: { bun: Bun.version, platform: process.platform, arch: process.arch },
          instance: {
            id: sources.instanceId,
            hostname: hostname(),
            pid: process.pid,
            started_at: new Date(sources.startedAt).toISOString(),
            uptime_seconds: Math.floor((now - sources.startedAt) / 1000),
          },
          storage: { kind: sources.storageKind, status: storage },
          accounts: sources.poolStats(),
          upstream: sources.upstream() ?? null,
          jobs: sources.jobs(),
          warnings: sources.warnings?.() ?? [],
        };
      },
      {
        detail: {
          tags: ['admin'],
          summary: 'Versions, storage, instance, upstream health and background jobs of this process',
          responses: responses(
            json(
              shape({
                version: Type.String(),
                instance: shape({ id: Type.String(), uptime_seconds: Type.Integer() }),
                storage: shape({ kind: Type.String(), status: Type.String() }),
                accounts: AnyObject,
                jobs: Type.Array(AnyObject),
              }),
            ),
            { errors: ADMIN_READ_ERRORS },
          ),
        },
      },
    ),
  );
}
