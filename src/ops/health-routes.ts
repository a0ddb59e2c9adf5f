import { Elysia } from 'elysia';
import type { UpstreamHealthState } from './upstream-health';

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

/** Liveness answers while the process runs; readiness also needs storage and a usable account. */
export function healthRoutes(probe: ReadinessProbe) {
  return new Elysia({ name: 'health' })
    .get('/health', () => ({ status: 'ok' }), { detail: { tags: ['operations'], summary: 'Liveness' } })
    .get(
      '/ready',
      async ({ set }) => {
        let storage = 'ok';
        try {
          await probe.pingStorage();
        } catch {
          storage = 'unreachable';
        }
        const active = probe.activeAccounts();
        const upstream = probe.upstream?.();
        const outage = upstream?.outage ?? false;
        const ready = storage === 'ok' && active > 0 && !outage;
        set.status = ready ? 200 : 503;
        const clearance = probe.clearance ? { clearance: await probe.clearance() } : {};
        return {
          status: ready ? 'ready' : 'not_ready',
          storage: { kind: probe.storageKind, status: storage },
          accounts: { active },
          upstream: outage
            ? { status: 'outage', consecutiveFailures: upstream!.consecutiveFailures, lastFailureKind: upstream!.lastFailureKind }
            : { status: 'ok' },
          ...clearance,
          ...(probe.warnings ? { warnings: probe.warnings() } : {}),
        };
      },
      { detail: { tags: ['operations'], summary: 'Readiness: storage reachable, an active account, upstream not in an outage' } },
    );
}
