import { createGatewayMetrics, type GatewayMetrics } from '../metrics/gateway-metrics';
import type { PoolStats } from '../pool/account-pool';
import { observeAll, type PoolObserver } from '../pool/pool-observer';
import { realRetryEnvironment, type RetryEnvironment } from '../upstream/retry';
import { UpstreamHealth } from './upstream-health';

export interface Observability {
  metrics: GatewayMetrics;
  upstreamHealth: UpstreamHealth;
  /** For the AccountPool: feeds metrics and the outage check. */
  poolObserver: PoolObserver;
  /** For the GrokClient: the real retry sleep, counted. */
  retryEnvironment: RetryEnvironment;
}

/** The metrics and upstream-health objects of one process, and the hooks that feed them. */
export function createObservability(poolStats: () => Record<string, PoolStats>): Observability {
  const upstreamHealth = new UpstreamHealth();
  const metrics = createGatewayMetrics({ poolStats, upstreamOutage: () => upstreamHealth.state().outage });
  const healthObserver: PoolObserver = {
    turnSucceeded: () => upstreamHealth.recordSuccess(),
    turnFailed: (error) => upstreamHealth.recordFailure(error),
    failedOver: () => {},
  };
  return {
    metrics,
    upstreamHealth,
    poolObserver: observeAll(metrics, healthObserver),
    retryEnvironment: {
      ...realRetryEnvironment,
      // Layer 1 sleeps once before every repeat of a call, so each sleep is one retry.
      sleep: (milliseconds) => {
        metrics.upstreamRetries.inc();
        return realRetryEnvironment.sleep(milliseconds);
      },
    },
  };
}
