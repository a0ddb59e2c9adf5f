import type { Coordinator } from '../storage/coordinator';
import type { Lease } from './account-pool';

/**
 * A local lease backed by a slot in the shared store. Releasing gives both back; while held, the
 * slot is renewed every third of its lifetime (one timer for all held slots), so a long stream keeps it and a crashed instance's
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

/** The held slots of one store and lifetime, renewed together on one timer instead of one timer per lease. */
interface RenewGroup {
  held: Set<HeldSlot>;
  timer: ReturnType<typeof setInterval> | undefined;
}
interface HeldSlot {
  token: string;
  slotId: string;
  clock: () => number;
}
const renewGroups = new WeakMap<Coordinator, Map<number, RenewGroup>>();

/**
 * Renews `slot` every third of its lifetime until `stop` is called. A slot may be renewed sooner
 * than that after it was taken (at the group's next tick), never later.
 */
function keepRenewed(coordinator: Coordinator, ttlMs: number, slot: HeldSlot): () => void {
  let byTtl = renewGroups.get(coordinator);
  if (!byTtl) renewGroups.set(coordinator, (byTtl = new Map()));
  let group = byTtl.get(ttlMs);
  if (!group) byTtl.set(ttlMs, (group = { held: new Set(), timer: undefined }));
  const renewing = group;
  if (renewing.timer === undefined) {
    renewing.timer = setInterval(
      () => {
        for (const held of renewing.held)
          void coordinator.renewSlot(held.token, held.slotId, ttlMs, held.clock()).catch(() => {});
      },
      Math.max(1_000, Math.floor(ttlMs / 3)),
    );
    renewing.timer.unref?.();
  }
  renewing.held.add(slot);
  return () => {
    renewing.held.delete(slot);
    if (renewing.held.size > 0) return;
    clearInterval(renewing.timer);
    renewing.timer = undefined;
  };
}

export function sharedLease(
  local: Lease,
  coordinator: Coordinator,
  slotId: string,
  ttlMs: number,
  clock: () => number,
): Lease {
  const stopRenewing = keepRenewed(coordinator, ttlMs, { token: local.token, slotId, clock });
  let released = false;
  return {
    token: local.token,
    pool: local.pool,
    mode: local.mode,
    release() {
      if (released) return;
      released = true;
      stopRenewing();
      local.release();
      releaseSlot(coordinator, local.token, slotId, clock() + ttlMs, clock);
    },
  };
}
