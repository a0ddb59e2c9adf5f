import type { Coordinator } from '../storage/coordinator';
import type { Lease } from './account-pool';

/**
 * A local lease backed by a slot in the shared store. Releasing gives both back; while held, the
 * slot is renewed every third of its lifetime (one timer for all held slots), so a long stream
 * keeps it and a crashed instance's slots run out within one lifetime. A release that fails
 * (storage unreachable for a moment) is tried again every few seconds while the slot could still
 * be held, so an outage does not leave the account blocked for a whole lifetime after the store is
 * back.
 */

const RELEASE_RETRY_MS = 2_000;

function releaseSlot(coordinator: Coordinator, token: string, slotId: string, giveUpAt: number, clock: () => number) {
  void coordinator.releaseSlot(token, slotId).catch(() => {
    if (clock() >= giveUpAt) return; // expired by now anyway
    setTimeout(() => releaseSlot(coordinator, token, slotId, giveUpAt, clock), RELEASE_RETRY_MS).unref?.();
  });
}

interface HeldSlot {
  token: string;
  slotId: string;
  clock: () => number;
}

/**
 * The held slots of one store and lifetime, renewed together every third of that lifetime on one
 * timer (running while any is held) instead of one timer per lease. A slot may be renewed sooner
 * than that after it was taken (at the group's next tick), never later.
 */
class RenewGroup {
  private readonly held = new Set<HeldSlot>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly ttlMs: number,
  ) {}

  add(slot: HeldSlot): void {
    this.held.add(slot);
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.renewAll(), Math.max(1_000, Math.floor(this.ttlMs / 3)));
    this.timer.unref?.();
  }

  delete(slot: HeldSlot): void {
    this.held.delete(slot);
    if (this.held.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewAll(): void {
    for (const slot of this.held)
      void this.coordinator.renewSlot(slot.token, slot.slotId, this.ttlMs, slot.clock()).catch(() => {});
  }
}

const renewGroups = new WeakMap<Coordinator, Map<number, RenewGroup>>();

function renewGroup(coordinator: Coordinator, ttlMs: number): RenewGroup {
  let byTtl = renewGroups.get(coordinator);
  if (!byTtl) renewGroups.set(coordinator, (byTtl = new Map()));
  let group = byTtl.get(ttlMs);
  if (!group) byTtl.set(ttlMs, (group = new RenewGroup(coordinator, ttlMs)));
  return group;
}

export function sharedLease(
  local: Lease,
  coordinator: Coordinator,
  slotId: string,
  ttlMs: number,
  clock: () => number,
): Lease {
  const renewing = renewGroup(coordinator, ttlMs);
  const slot = { token: local.token, slotId, clock };
  renewing.add(slot);
  let released = false;
  return {
    token: local.token,
    pool: local.pool,
    mode: local.mode,
    release() {
      if (released) return;
      released = true;
      renewing.delete(slot);
      local.release();
      releaseSlot(coordinator, local.token, slotId, clock() + ttlMs, clock);
    },
  };
}
