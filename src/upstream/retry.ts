import type { Config } from '../config/schema';
import { UpstreamError } from './errors';

/**
 * Layer-1 retry: the same call, the same account, a short sleep. Only for calls that are safe to
 * repeat (rate-limits, upload, session); a chat turn is never replayed here because the upstream
 * may already have accepted it. Policy from docs/upstream-protocol.md §5.5.
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

/**
 * The status a failure counts as for `retry_status_codes`: transport failures count as 502 (as
 * in the reference), and in-band errors as the HTTP status they stand for (§5.3).
 */
export function effectiveStatus(error: UpstreamError): number | undefined {
  if (error.status !== undefined) return error.status;
  switch (error.code) {
    case 'network':
    case 'timeout':
    case 'stream_error':
    case 'stream_truncated':
      return 502;
    case 'anti_bot':
    case 'cloudflare_challenge':
    case 'account_blocked':
      return 403;
    case 'rate_limited':
    case 'usage_limit':
      return 429;
    case 'unauthorized':
      return 401;
    default:
      return undefined;
  }
}

/**
 * Layer 1 for a chat turn (same account): the configured policy minus 429, which goes straight
 * to account rotation as in the reference (§5.5). The client also requires `accountEffect ==
 * 'none'`: a 401 or a block is the account's own, and asking the same dead session again only
 * spends the client's deadline; the next account is the better try.
 */
export function chatRetrySettings(settings: RetrySettings): RetrySettings {
  return { ...settings, retry_status_codes: settings.retry_status_codes.filter((status) => status !== 429) };
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
  /** A further condition on top of the configured policy (chat: only failures that are not the account's). */
  alsoRequire?: (error: UpstreamError) => boolean;
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
      if (!(error instanceof UpstreamError) || attempt >= settings.max_retry || !isRetryableHere(error, settings))
        throw error;
      if (options.alsoRequire && !options.alsoRequire(error)) throw error;
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
