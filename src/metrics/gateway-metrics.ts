import type { PoolObserver } from '../pool/pool-observer';
import type { PoolStats } from '../pool/account-pool';
import type { UpstreamError } from '../upstream/errors';
import { COMMIT, VERSION } from '../version';
import { MetricsRegistry, type Counter, type Gauge, type Histogram } from './registry';

/**
 * Every metric grok2api exports. One object, made at start-up and handed to the parts that count
 * (HTTP hooks, the pool observer, the retry sleep); gauges of state are read at scrape time.
 */

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
const FIRST_TOKEN_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60];
const ACCOUNT_STATUSES = ['active', 'cooling', 'expired', 'disabled'] as const;

export interface GatewayMetricsSources {
  poolStats: () => Record<string, PoolStats>;
  /** 1 while /ready reports an upstream outage. */
  upstreamOutage?: () => boolean;
  /** Bytes in the local media cache, as last measured by the cache. */
  mediaCacheBytes?: () => number;
  /** Video jobs this instance is running or waiting to run. */
  jobQueueDepth?: () => number;
  /** Seconds since the epoch when this process started. */
  startTimeSeconds?: number;
}

export interface GatewayMetrics extends PoolObserver {
  registry: MetricsRegistry;
  requests: Counter;
  requestDuration: Histogram;
  timeToFirstToken: Histogram;
  streamsInFlight: Gauge;
  upstreamErrors: Counter;
  upstreamRetries: Counter;
  failovers: Counter;
  /** Adds state sources made after the metrics (the media cache, video jobs); read at scrape time. */
  attach(more: Pick<GatewayMetricsSources, 'mediaCacheBytes' | 'jobQueueDepth'>): void;
}

export function createGatewayMetrics(sources: GatewayMetricsSources): GatewayMetrics {
  const registry = new MetricsRegistry();
  const requests = registry.counter({
    name: 'grok2api_requests_total',
    help: 'HTTP requests answered, by route template, model (chat routes) and status code',
    labelNames: ['method', 'route', 'model', 'status'],
  });
  const requestDuration = registry.histogram({
    name: 'grok2api_request_duration_seconds',
    help: 'Time from request to the last byte of the answer (streams: until the stream ends)',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
  });
  const timeToFirstToken = registry.histogram({
    name: 'grok2api_time_to_first_token_seconds',
    help: 'Streaming chat: time from request to the first chunk carrying content, reasoning or a tool call',
    labelNames: ['model'],
    buckets: FIRST_TOKEN_BUCKETS,
  });
  const streamsInFlight = registry.gauge({
    name: 'grok2api_streams_in_flight',
    help: 'Streaming answers being sent right now',
  });
  const upstreamErrors = registry.counter({
    name: 'grok2api_upstream_errors_total',
    help: 'Failed upstream chat turns and attempts, by kind (UpstreamError code)',
    labelNames: ['kind'],
  });
  const upstreamRetries = registry.counter({
    name: 'grok2api_upstream_retries_total',
    help: 'Upstream calls repeated on the same account after a retryable failure (retry.max_retry, backoff)',
  });
  const failovers = registry.counter({
    name: 'grok2api_failovers_total',
    help: 'Requests moved to another account after a failure before the first byte',
  });
  registry.gauge({
    name: 'grok2api_accounts',
    help: 'Accounts by pool and status',
    labelNames: ['pool', 'status'],
    collect: () =>
      Object.entries(sources.poolStats()).flatMap(([pool, stats]) =>
        ACCOUNT_STATUSES.map((status) => ({ labels: { pool, status }, value: stats[status] })),
      ),
  });
  registry.gauge({
    name: 'grok2api_quota_remaining',
    help: 'Sum of the estimated remaining requests of the accounts in each pool',
    labelNames: ['pool'],
    collect: () =>
      Object.entries(sources.poolStats()).map(([pool, stats]) => ({ labels: { pool }, value: stats.quota })),
  });
  registry.gauge({
    name: 'grok2api_upstream_outage',
    help: '1 while recent upstream calls all failed (see /ready)',
    collect: () => [{ value: sources.upstreamOutage?.() ? 1 : 0 }],
  });
  registry.gauge({
    name: 'grok2api_media_cache_bytes',
    help: 'Bytes in the local media cache (measured at start-up and after every cached download)',
    collect: () => [{ value: sources.mediaCacheBytes?.() ?? 0 }],
  });
  registry.gauge({
    name: 'grok2api_job_queue_depth',
    help: 'Video jobs this instance is running or waiting to run',
    collect: () => [{ value: sources.jobQueueDepth?.() ?? 0 }],
  });
  registry.gauge({
    name: 'grok2api_build_info',
    help: 'Always 1; the labels say which build runs',
    labelNames: ['version', 'commit', 'bun'],
    collect: () => [{ labels: { version: VERSION, commit: COMMIT, bun: Bun.version }, value: 1 }],
  });
  const startTimeSeconds = sources.startTimeSeconds ?? Math.floor(Date.now() / 1000);
  registry.gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since the epoch, in seconds',
    collect: () => [{ value: startTimeSeconds }],
  });

  return {
    registry,
    requests,
    requestDuration,
    timeToFirstToken,
    streamsInFlight,
    upstreamErrors,
    upstreamRetries,
    failovers,
    turnSucceeded: () => {},
    turnFailed: (error: UpstreamError) => upstreamErrors.inc({ kind: error.code }),
    failedOver: () => failovers.inc(),
    attach: (more) => Object.assign(sources, more),
  };
}
