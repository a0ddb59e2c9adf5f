import type { UpstreamError } from '../upstream/errors';
import { ApiError } from './errors';

/**
 * Turns the upstream failure that ended a request into what the client sees: the real kind of
 * problem (rate limit, timeout, challenge, policy) with a status and a retry hint, never a bare 502.
 */
export function apiErrorFromUpstream(error: UpstreamError): ApiError {
  const retryAfter = (fallback: number) => error.retryAfterSeconds ?? fallback;
  switch (error.code) {
    case 'rate_limited':
    case 'usage_limit':
      return new ApiError({
        status: 429,
        message: 'Every Grok account that could serve this model is rate limited right now. Retry later.',
        code: 'upstream_rate_limited',
        retryAfterSeconds: retryAfter(60),
      });
    case 'content_moderated':
      return new ApiError({
        status: 400,
        message: `Grok refused the request: ${error.message}`,
        code: 'content_policy_violation',
      });
    case 'timeout':
    case 'stream_idle_timeout':
      return new ApiError({
        status: 504,
        message: `Grok did not answer in time (${error.message}).`,
        code: 'upstream_timeout',
        retryAfterSeconds: 5,
      });
    case 'cloudflare_challenge':
    case 'anti_bot':
      return new ApiError({
        status: 502,
        message:
          'Grok web rejected the gateway as a bot (Cloudflare challenge or x-statsig-id). Set proxy.cf_clearance / proxy.user_agent, or upstream.statsig_mode, and retry.',
        code: 'upstream_challenge',
        retryAfterSeconds: retryAfter(30),
      });
    case 'unauthorized':
    case 'account_blocked':
      return new ApiError({
        status: 502,
        message:
          'The Grok accounts tried for this request were rejected (expired or blocked session). Another request will use other accounts.',
        code: 'upstream_auth_failed',
        retryAfterSeconds: 1,
      });
    case 'bad_request':
      return new ApiError({
        status: 502,
        message: `Grok refused the request: ${error.message}`,
        code: 'upstream_bad_request',
      });
    default:
      return new ApiError({
        status: 502,
        message: `Grok upstream failed: ${error.message}`,
        code: 'upstream_error',
        retryAfterSeconds: retryAfter(5),
      });
  }
}
