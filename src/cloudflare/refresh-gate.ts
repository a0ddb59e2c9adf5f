import type { RecordStore } from '../storage/types';

/**
 * Decides whether this instance may run a clearance refresh now, when several instances share one
 * store. A solve drives a real browser for up to `proxy.timeout` seconds and all instances leave
 * through the same egress, so one solve serves them all: the store's named lock lets exactly one
 * instance solve at a time, and a record in the store remembers when the last solve (by any
 * instance) began and how it ended, so a challenge met by every instance at once, or every
 * instance's timer, leads to one solve rather than one per instance. The fresh values then reach
 * the other instances as an ordinary config change (cluster/cluster-sync.ts).
 */

/** Why a refresh was asked for: the timer, a challenge met by a request, or the operator. */
export type RefreshReason = 'scheduled' | 'challenge' | 'manual';

/** What the store remembers about the last refresh by any instance. */
export interface SharedRefreshState {
  lastAttemptAt: number | null;
  lastAttemptBy: string | null;
  lastSuccessAt: number | null;
  lastSuccessBy: string | null;
  /** Error of the last attempt; null when it succeeded. */
  lastError: string | null;
}

export interface RefreshGateCluster {
  instanceId: string;
  tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null>;
  records: RecordStore;
}

export type GateDecision =
  | { go: true; finish(outcome: { ok: true; at: number } | { ok: false; at: number; error: string }): Promise<void> }
  | { go: false; skipped: 'another_instance_refreshing' | 'recent_refresh' };

const LOCK_NAME = 'cloudflare:clearance-refresh';
const COLLECTION = 'cluster';
const RECORD_ID = 'clearance-refresh';
/** A burst of challenges, on any instance, asks for one solve, not one each. */
export const CHALLENGE_MIN_SECONDS = 60;

const EMPTY: SharedRefreshState = {
  lastAttemptAt: null,
  lastAttemptBy: null,
  lastSuccessAt: null,
  lastSuccessBy: null,
  lastError: null,
};

/**
 * True when a refresh for `reason` is still due given the last attempt by any instance. Timers of
 * different instances tick out of phase; half an interval lets exactly one of them through per
 * interval however they drift.
 */
export function refreshDue(
  reason: RefreshReason,
  lastAttemptAt: number | null,
  now: number,
  intervalSeconds: number,
): boolean {
  if (reason === 'manual' || lastAttemptAt === null) return true;
  const elapsed = now - lastAttemptAt;
  if (reason === 'challenge') return elapsed >= CHALLENGE_MIN_SECONDS * 1000;
  return elapsed >= (intervalSeconds * 1000) / 2;
}

export class RefreshGate {
  constructor(private readonly cluster: RefreshGateCluster) {}

  async shared(): Promise<SharedRefreshState> {
    return { ...EMPTY, ...((await this.cluster.records.get<SharedRefreshState>(COLLECTION, RECORD_ID)) ?? {}) };
  }

  /**
   * Takes the lock for a refresh for `reason`. `leaseMs` must outlast the solve: an instance that
   * dies mid-solve frees the lock when the lease runs out.
   */
  async enter(
    reason: RefreshReason,
    options: { now: number; intervalSeconds: number; leaseMs: number },
  ): Promise<GateDecision> {
    const lock = await this.cluster.tryLock(LOCK_NAME, options.leaseMs);
    if (!lock) return { go: false, skipped: 'another_instance_refreshing' };
    try {
      const before = await this.shared();
      if (!refreshDue(reason, before.lastAttemptAt, options.now, options.intervalSeconds)) {
        await lock.release();
        return { go: false, skipped: 'recent_refresh' };
      }
      const started: SharedRefreshState = {
        ...before,
        lastAttemptAt: options.now,
        lastAttemptBy: this.cluster.instanceId,
      };
      await this.cluster.records.put(COLLECTION, RECORD_ID, started);
      return {
        go: true,
        finish: async (outcome) => {
          try {
            const after: SharedRefreshState = outcome.ok
              ? { ...started, lastSuccessAt: outcome.at, lastSuccessBy: this.cluster.instanceId, lastError: null }
              : { ...started, lastError: outcome.error };
            await this.cluster.records.put(COLLECTION, RECORD_ID, after);
          } finally {
            await lock.release();
          }
        },
      };
    } catch (error) {
      await lock.release().catch(() => {});
      throw error;
    }
  }
}
