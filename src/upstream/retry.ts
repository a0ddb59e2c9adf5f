import type { Config } from '../config/schema';
import { UpstreamError } from './errors';

/**
 * Layer-1 retry: the same call, the same account, a short sleep. Only for calls that are safe to
 * repeat (rate-limits, upload, session); a chat turn is never replayed here because the upstream
 * may already have accepted it. Policy from ../shared/spec/grok-web-protocol.md §5.5.
 */

export type RetrySettings = Config['retry'];

export interface RetryEnvironment {
  /** Resolves after `milliseconds`; tests pass one that records and returns at once. */
  sleep(milliseconds: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const realRetryEnvironment: RetryEnvironment = {
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
  random: Math.random,
};

/** The status a failure counts as for `retry_status_codes`: transport failures count as 502. */
export function effectiveStatus(error: UpstreamError): number | undefined {
  if (error.status !== undefined) return error.status;
  if (error.code === 'network' || error.code === 'timeout') return 502;
  return undefined;
}

/** Whether layer 1 may try this failure again with the same account. */
export function isRetryableHere(error: UpstreamError, settings: RetrySettings): boolean {
  // A confirmed dead or blocked account cannot get better by asking again.
  if (error.accountEffect === 'expire' || error.accountEffect === 'disable') return false;
  if (!error.retryable) return false;
  const status = effectiveStatus(error);
  return status !== undefined && settings.retry_status_codes.includes(status);
}

export interface DelayInput {
  /** 0 for the first retry. */
  retryIndex: number;
  status: number | undefined;
  retryAfterSeconds?: number;
  /** The previous delay, for decorrelated jitter; undefined before the first retry. */
  previousDelaySeconds?: number;
  settings: RetrySettings;
  random: () => number;
}

/** Seconds to wait before the next attempt. */
export function retryDelaySeconds(input: DelayInput): number {
  const { settings } = input;
  const cap = settings.retry_backoff_max;
  if (input.retryAfterSeconds !== undefined && input.retryAfterSeconds >= 0) {
    return Math.min(input.retryAfterSeconds, cap);
  }
  const base = settings.retry_backoff_base;
  if (input.status === 429) {
    // Decorrelated jitter spreads many accounts hitting the same window apart over time.
    const previous = input.previousDelaySeconds ?? base;
    const upper = Math.max(base, previous * 3);
    return Math.min(base + input.random() * (upper - base), cap);
  }
  const ceiling = Math.min(base * settings.retry_backoff_factor ** input.retryIndex, cap);
  return input.random() * ceiling;
}

export interface RetryOptions {
  settings: RetrySettings;
  environment?: RetryEnvironment;
  signal?: AbortSignal;
  /** Runs before each retry, e.g. to drop a cached statsig value after a 403. */
  beforeRetry?: (error: UpstreamError) => void;
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const environment = options.environment ?? realRetryEnvironment;
  const { settings } = options;
  let sleptSeconds = 0;
  let previousDelaySeconds: number | undefined;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof UpstreamError) || attempt >= settings.max_retry || !isRetryableHere(error, settings)) throw error;
      const delay = retryDelaySeconds({
        retryIndex: attempt - 1,
        status: effectiveStatus(error),
        retryAfterSeconds: error.retryAfterSeconds,
        previousDelaySeconds,
        settings,
        random: environment.random,
      });
      if (sleptSeconds + delay > settings.retry_budget) throw error;
      sleptSeconds += delay;
      previousDelaySeconds = delay;
      options.beforeRetry?.(error);
      await environment.sleep(delay * 1000);
    }
  }
}
