import type { UpstreamError, UpstreamErrorCode } from '../upstream/errors';

/**
 * Whether Grok itself looks down, from the outcomes of recent chat turns: after `threshold`
 * failures in a row of the kinds that say nothing about one account or one request (5xx,
 * timeouts, network, challenges, broken streams), with the last inside `windowMs`, /ready
 * reports an outage until a turn succeeds. Rate limits, dead tokens and refused prompts are the
 * pool's business and neither count nor clear it.
 */

const OUTAGE_KINDS: ReadonlySet<UpstreamErrorCode> = new Set([
  'server_error',
  'timeout',
  'network',
  'cloudflare_challenge',
  'anti_bot',
  'bad_response',
  'stream_idle_timeout',
  'stream_truncated',
  'stream_error',
]);

export interface UpstreamHealthState {
  outage: boolean;
  consecutiveFailures: number;
  lastFailureKind: UpstreamErrorCode | null;
  lastFailureAt: number | null;
  lastSuccessAt: number | null;
}

export class UpstreamHealth {
  private consecutiveFailures = 0;
  private lastFailureKind: UpstreamErrorCode | null = null;
  private lastFailureAt: number | null = null;
  private lastSuccessAt: number | null = null;
  private readonly clock: () => number;
  private readonly threshold: number;
  private readonly windowMs: number;

  constructor(options: { clock?: () => number; threshold?: number; windowMs?: number } = {}) {
    this.clock = options.clock ?? Date.now;
    this.threshold = options.threshold ?? 5;
    this.windowMs = options.windowMs ?? 5 * 60_000;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.lastSuccessAt = this.clock();
  }

  recordFailure(error: UpstreamError): void {
    if (!OUTAGE_KINDS.has(error.code)) return;
    this.consecutiveFailures += 1;
    this.lastFailureKind = error.code;
    this.lastFailureAt = this.clock();
  }

  state(): UpstreamHealthState {
    const recent = this.lastFailureAt !== null && this.clock() - this.lastFailureAt <= this.windowMs;
    return {
      outage: recent && this.consecutiveFailures >= this.threshold,
      consecutiveFailures: this.consecutiveFailures,
      lastFailureKind: this.lastFailureKind,
      lastFailureAt: this.lastFailureAt,
      lastSuccessAt: this.lastSuccessAt,
    };
  }
}
