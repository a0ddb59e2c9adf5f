/**
 * What went wrong upstream, decided once where the failure is caught: whether another try can
 * help, and what it says about the account that was used.
 */

export type UpstreamErrorCode =
  | 'unauthorized' // the sso session is invalid or expired
  | 'account_blocked' // the account itself is unusable (blocked, suspended, revoked)
  | 'cloudflare_challenge' // the browser session (UA/TLS/IP/cookies) was challenged: not the account's fault
  | 'anti_bot' // x-statsig-id or similar rejected: not the account's fault
  | 'rate_limited' // the account's window for this mode is exhausted
  | 'usage_limit' // in-band "you've reached your usage limit"
  | 'content_moderated' // the request itself was refused; retrying elsewhere will not help
  | 'bad_request' // the upstream refused our payload (4xx)
  | 'server_error' // upstream 5xx
  | 'timeout' // no answer (first byte) within the deadline
  | 'stream_idle_timeout' // the stream went silent for longer than the idle timeout
  | 'stream_truncated' // the body ended in the middle of a JSON object
  | 'stream_error' // the upstream reported a failure inside the stream
  | 'network' // connection refused/reset, DNS, TLS, proxy
  | 'bad_response' // an answer we cannot understand
  | 'configuration'; // our own settings cannot produce a valid request (e.g. a malformed statsig value)

/** What the pool should do with the account that produced the error. */
export type AccountEffect =
  | 'none' // not the account's fault
  | 'cool' // rate limited: out of rotation until its quota returns
  | 'auth_failure' // counts toward token.fail_threshold
  | 'expire' // confirmed dead session: expire now
  | 'disable'; // blocked by the upstream

export interface UpstreamErrorOptions {
  code: UpstreamErrorCode;
  message: string;
  /** Upstream HTTP status, when there was one. */
  status?: number;
  /** Whether trying again (possibly on another account) can help. */
  retryable: boolean;
  accountEffect: AccountEffect;
  /** Seconds the upstream asked us to wait, when it said. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  readonly status?: number;
  readonly retryable: boolean;
  readonly accountEffect: AccountEffect;
  readonly retryAfterSeconds?: number;

  constructor(options: UpstreamErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UpstreamError';
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable;
    this.accountEffect = options.accountEffect;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
