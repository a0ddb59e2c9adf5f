import { Elysia } from 'elysia';
import { withDeadline } from '../storage/storage-unavailable';
import type { UpstreamHealthState } from './upstream-health';
import { Type } from '@sinclair/typebox';
import { json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

export interface ReadinessProbe {
  storageKind: string;
  pingStorage: () => Promise<void>;
  activeAccounts: () => number;
  /** Recent upstream outcomes; undefined when not tracked. */
  upstream?: () => UpstreamHealthState | undefined;
  /** Cloudflare clearance refresh state; a failing refresh shows here without failing readiness. */
  clearance?: () => unknown | Promise<unknown>;
  /** Settings that work but do not look like today's web app (upstream-warnings.ts); never fail readiness. */
  warnings?: () => { code: string; message: string }[];
}

/**
 * How long /ready waits for storage (and the shared clearance state) before calling it down: a
 * probe must answer within a second however the store fails.
 */
const READY_STORAGE_MS = 800;

/** Liveness answers while the process runs; readiness also needs storage and a usable account. */
const ReadinessBody = shape({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  storage: shape({ kind: Type.String(), status: Type.String() }),
  accounts: shape({ active: Type.Integer() }),
  upstream: shape({ status: Type.String() }),
});

export function healthRoutes(probe: ReadinessProbe) {
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'health' })
      .get('/health', () => ({ status: 'ok' }), {
        detail: {
          tags: ['operations'],
          summary: 'Liveness',
          responses: responses(json(shape({ status: Type.Literal('ok') })), { errors: [] }),
        },
      })
      .get(
        '/ready',
        async ({ set }) => {
          const [pinged, clearance] = await Promise.all([
            withDeadline(probe.pingStorage(), READY_STORAGE_MS, 'the readiness ping').then(
              () => true,
              () => false,
            ),
            probe.clearance
              ? withDeadline(Promise.resolve(probe.clearance()), READY_STORAGE_MS, 'the clearance').catch(() => null)
              : undefined,
          ]);
          const storage = pinged ? 'ok' : 'unreachable';
          const active = probe.activeAccounts();
          const upstream = probe.upstream?.();
          const outage = upstream?.outage ?? false;
          const ready = storage === 'ok' && active > 0 && !outage;
          set.status = ready ? 200 : 503;
          if (!pinged) set.headers['retry-after'] = '5';
          return {
            status: ready ? 'ready' : 'not_ready',
            storage: { kind: probe.storageKind, status: storage },
            accounts: { active },
            upstream: outage
              ? {
                  status: 'outage',
                  consecutiveFailures: upstream!.consecutiveFailures,
                  lastFailureKind: upstream!.lastFailureKind,
                }
              : { status: 'ok' },
            ...(probe.clearance ? { clearance } : {}),
            ...(probe.warnings ? { warnings: probe.warnings() } : {}),
          };
        },
        {
          detail: {
            tags: ['operations'],
            summary: 'Readiness: storage reachable, an active account, upstream not in an outage',
            responses: {
              ...responses(json(ReadinessBody), { errors: [] }),
              503: { description: 'Not ready (same body)', content: json(ReadinessBody) },
            },
          },
        },
      ),
  );
}
