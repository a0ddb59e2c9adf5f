import type { UpstreamError } from '../upstream/errors';

/**
 * What the pool tells the rest of the gateway about upstream outcomes (metrics, the outage check
 * of /ready). The pool sees every chat turn's end, so observing it needs no hook in the chat code.
 */
export interface PoolObserver {
  /** A turn completed and was charged. */
  turnSucceeded(): void;
  /** A turn (or an attempt at one) failed upstream. */
  turnFailed(error: UpstreamError): void;
  /** An account was lent to a request that had already tried another one. */
  failedOver(): void;
}

/** One observer that tells several. */
export function observeAll(...observers: PoolObserver[]): PoolObserver {
  return {
    turnSucceeded: () => observers.forEach((observer) => observer.turnSucceeded()),
    turnFailed: (error) => observers.forEach((observer) => observer.turnFailed(error)),
    failedOver: () => observers.forEach((observer) => observer.failedOver()),
  };
}
