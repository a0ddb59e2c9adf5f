import type { AccessPolicy } from '../http/route-groups';
import { ApiError } from '../http/errors';
import type { FailureThrottle } from './failure-throttle';

/**
 * An access policy whose wrong credentials count against the client address: once over the
 * throttle's limit, every request from that address that presents a credential is refused with
 * a 429 until the window ends, so the right key cannot be found by trying at full speed.
 * A request without a credential is not counted (a 401 for it tells a guesser nothing).
 */
export interface ThrottledPolicyOptions {
  check: (request: Request) => void | Promise<void>;
  throttle: FailureThrottle;
  /** The client address (src/http/client-address.ts). */
  address: (request: Request) => string;
  /** Whether the request presents a credential the throttle counts. */
  presentsCredential: (request: Request) => boolean;
  /** Requests the gateway built itself for an already-authorised caller skip the count. */
  trusted?: (request: Request) => boolean;
}

export function throttledPolicy(options: ThrottledPolicyOptions): AccessPolicy {
  return {
    async check(request) {
      if (options.trusted?.(request) || !options.presentsCredential(request)) return options.check(request);
      const address = options.address(request);
      const wait = await options.throttle.retryAfter(address);
      if (wait > 0) {
        throw new ApiError({
          status: 429,
          message: 'Too many failed authentication attempts from this address. Try again later.',
          code: 'auth_throttled',
          retryAfterSeconds: wait / 1000,
        });
      }
      try {
        await options.check(request);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) await options.throttle.recordFailure(address);
        throw error;
      }
    },
  };
}
