import type { Coordinator } from '../cluster/coordinator';
import type { Lease } from './account-pool';

/**
 * A local lease backed by a slot in the shared store. Releasing gives both back; while held, the
 * slot is renewed every third of its lifetime, so a long stream keeps it and a crashed instance's
 * slots run out within one lifetime. A failed release is harmless for the same reason.
 */
export function sharedLease(local: Lease, coordinator: Coordinator, slotId: string, ttlMs: number, clock: () => number): Lease {
  const renew = setInterval(() => {
    void coordinator.renewSlot(local.token, slotId, ttlMs, clock()).catch(() => {});
  }, Math.max(1_000, Math.floor(ttlMs / 3)));
  renew.unref?.();
  let released = false;
  return {
    token: local.token,
    pool: local.pool,
    mode: local.mode,
    release() {
      if (released) return;
      released = true;
      clearInterval(renew);
      local.release();
      void coordinator.releaseSlot(local.token, slotId).catch(() => {});
    },
  };
}
