import type { ConfigStore } from '../config/store';
import type { Logger } from '../logging/logger';
import type { FetchFunction } from '../upstream/http';
import { solveChallenge, type Clearance } from './flaresolverr';
import {
  CHALLENGE_MIN_SECONDS,
  RefreshGate,
  type RefreshGateCluster,
  type RefreshReason,
  type SharedRefreshState,
} from './refresh-gate';

/**
 * Keeps the Cloudflare clearance fresh (`proxy.enabled`, `proxy.flaresolverr_url`): every
 * `proxy.refresh_interval` seconds and, at most once a minute, on demand after a challenge. One
 * refresh runs at a time in this process; a success replaces cookies, clearance, User-Agent and
 * browser in one config update (one swap of the frozen config, so no request sees half of it), a
 * failure keeps the last good values and is reported by `status()`.
 *
 * With `cluster` (instances sharing one store) the store decides: one solve at a time across all
 * instances, one per interval and one per burst of challenges however many instances meet it
 * (cloudflare/refresh-gate.ts); the winner's config update reaches the others through the cluster
 * sync as one change, and `report()` shows the last attempt by any instance.
 */

export interface RefresherStatus {
  enabled: boolean;
  running: boolean;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  refreshes: number;
  failures: number;
  /** The last time this instance was told not to solve, and why. */
  lastSkip: { at: string; reason: string } | null;
}

export interface ClusterRefreshReport {
  instanceId: string;
  lastAttemptAt: string | null;
  lastAttemptBy: string | null;
  lastSuccessAt: string | null;
  lastSuccessBy: string | null;
  lastError: string | null;
}

export interface Scheduler {
  every(milliseconds: number, run: () => void): () => void;
}

const realScheduler: Scheduler = {
  every(milliseconds, run) {
    const timer = setInterval(run, milliseconds);
    timer.unref?.();
    return () => clearInterval(timer);
  },
};

/** §16.3 client margin plus the config write: a lease shorter than the solve would let a second instance in. */
const LEASE_MARGIN_SECONDS = 45;

export class ClearanceRefresher {
  private running: Promise<boolean> | null = null;
  private stopSchedule: (() => void) | null = null;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private readonly state = {
    lastAttemptAt: null as string | null,
    lastSuccessAt: null as string | null,
    lastError: null as string | null,
    refreshes: 0,
    failures: 0,
    lastSkip: null as { at: string; reason: string } | null,
  };
  private readonly now: () => number;
  private readonly gate: RefreshGate | null;

  constructor(
    private readonly options: {
      config: ConfigStore;
      logger?: Logger;
      fetch?: FetchFunction;
      now?: () => number;
      scheduler?: Scheduler;
      solve?: typeof solveChallenge;
      /** Instances sharing one store: the store's lock and records decide who solves. */
      cluster?: RefreshGateCluster;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.gate = options.cluster ? new RefreshGate(options.cluster) : null;
  }

  private enabled(): boolean {
    const proxy = this.options.config.get().proxy;
    return proxy.enabled && proxy.flaresolverr_url.trim() !== '';
  }

  start(): void {
    this.stopSchedule?.();
    const seconds = this.options.config.get().proxy.refresh_interval;
    this.stopSchedule = (this.options.scheduler ?? realScheduler).every(seconds * 1000, () => {
      if (this.enabled()) void this.refresh('scheduled');
    });
  }

  stop(): void {
    this.stopSchedule?.();
    this.stopSchedule = null;
  }

  /**
   * After a challenge: a refresh unless this instance asked for one in the last minute (with a
   * cluster, the store also refuses when any instance solved in the last minute).
   */
  onChallenge(): void {
    if (!this.enabled() || this.running) return;
    if (this.now() - this.lastAttempt < CHALLENGE_MIN_SECONDS * 1000) return;
    void this.refresh('challenge');
  }

  /**
   * Runs one refresh, or joins the one running. Resolves true when fresh values were applied by
   * this instance; false when the solve failed or (with a cluster) another instance solves or just
   * solved, whose values arrive through the cluster sync.
   */
  refresh(reason: RefreshReason = 'manual'): Promise<boolean> {
    if (this.running) return this.running;
    this.running = this.run(reason).finally(() => (this.running = null));
    return this.running;
  }

  status(): RefresherStatus {
    return { enabled: this.enabled(), running: this.running !== null, ...this.state };
  }

  /** `status()` plus, with a cluster, the last attempt by any instance (read from the store). */
  async report(): Promise<RefresherStatus & { cluster?: ClusterRefreshReport }> {
    const status = this.status();
    if (!this.gate || !this.options.cluster) return status;
    let shared: SharedRefreshState;
    try {
      shared = await this.gate.shared();
    } catch {
      return status;
    }
    const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
    return {
      ...status,
      cluster: {
        instanceId: this.options.cluster.instanceId,
        lastAttemptAt: iso(shared.lastAttemptAt),
        lastAttemptBy: shared.lastAttemptBy,
        lastSuccessAt: iso(shared.lastSuccessAt),
        lastSuccessBy: shared.lastSuccessBy,
        lastError: shared.lastError,
      },
    };
  }

  private async run(reason: RefreshReason): Promise<boolean> {
    this.lastAttempt = this.now();
    let finish:
      | ((outcome: { ok: true; at: number } | { ok: false; at: number; error: string }) => Promise<void>)
      | null = null;
    if (this.gate) {
      const proxy = this.options.config.get().proxy;
      try {
        const decision = await this.gate.enter(reason, {
          now: this.lastAttempt,
          intervalSeconds: proxy.refresh_interval,
          leaseMs: (proxy.timeout + LEASE_MARGIN_SECONDS) * 1000,
        });
        if (!decision.go) {
          this.state.lastSkip = { at: new Date(this.lastAttempt).toISOString(), reason: decision.skipped };
          return false;
        }
        finish = decision.finish;
      } catch (error) {
        // A store that cannot answer must not stop the refresh: one solve too many beats none.
        this.options.logger?.warn('clearance refresh lock unavailable; refreshing without it', { error });
      }
    }
    this.state.lastAttemptAt = new Date(this.lastAttempt).toISOString();
    try {
      const solved = await (this.options.solve ?? solveChallenge)(this.options.config.get(), {
        fetch: this.options.fetch,
      });
      await this.apply(solved);
      this.state.refreshes++;
      this.state.lastSuccessAt = new Date(this.now()).toISOString();
      this.state.lastError = null;
      this.options.logger?.info('cloudflare clearance refreshed', {
        reason,
        browser: solved.browser,
        clearance: solved.clearance !== '',
      });
      await finish?.({ ok: true, at: this.now() }).catch((error) =>
        this.options.logger?.warn('could not record the clearance refresh', { error }),
      );
      return true;
    } catch (error) {
      this.state.failures++;
      this.state.lastError = error instanceof Error ? error.message : String(error);
      this.options.logger?.warn('cloudflare clearance refresh failed; keeping the last values', {
        reason,
        error: this.state.lastError,
      });
      await finish?.({ ok: false, at: this.now(), error: this.state.lastError }).catch((failure) =>
        this.options.logger?.warn('could not record the clearance refresh', { error: failure }),
      );
      return false;
    }
  }

  private async apply(solved: Clearance): Promise<void> {
    await this.options.config.update({
      proxy: {
        cf_clearance: solved.clearance,
        cf_cookies: solved.cookies,
        user_agent: solved.userAgent,
        browser: solved.browser,
      },
    });
  }
}
