import type { Coordinator } from '../storage/coordinator';
import type { Lease } from './account-pool';

/**
 * A local lease backed by a slot in the shared store. Releasing gives both back; while held, the
 * slot is renewed every third of its lifetime, so a long stream keeps it and a crashed instance's
 * slots run out within one lifetime. A release that fails (storage unreachable for a moment) is
 * tried again every few seconds while the slot could still be held, so an outage does not leave
 * the account blocked for a whole lifetime after the store is back.
 */

const RELEASE_RETRY_MS = 2_000;

function releaseSlot(coordinator: Coordinator, token: string, slotId: string, giveUpAt: number, clock: () => number) {
  void coordinator.releaseSlot(token, slotId).catch(() => {
    if (clock() >= giveUpAt) return; // expired by now anyway
    setTimeout(() => releaseSlot(coordinator, token, slotId, giveUpAt, clock), RELEASE_RETRY_MS).unref?.();
  });
}

export function sharedLease(
  local: Lease,
  coordinator: Coordinator,
  slotId: string,
  ttlMs: number,
  clock: () => number,
): Lease {
  const renew = setInterval(
    () => {
      void coordinator.renewSlot(local.token, slotId, ttlMs, clock()).catch(() => {});
    },
    Math.max(1_000, Math.floor(ttlMs / 3)),
  );
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
      releaseSlot(coordinator, local.token, slotId, clock() + ttlMs, clock);
    },
  };
}
