import type { ConfigStore } from '../config/store';
import type { Logger } from '../logging/logger';
import type { FetchFunction } from '../upstream/http';
import { solveChallenge, type Clearance } from './flaresolverr';

/**
 * Keeps the Cloudflare clearance fresh (`proxy.enabled`, `proxy.flaresolverr_url`): every
 * `proxy.refresh_interval` seconds and, at most once a minute, on demand after a challenge. One
 * refresh runs at a time in this process; a success replaces cookies, clearance, User-Agent and
 * browser in one config update (one swap of the frozen config, so no request sees half of it), a
 * failure keeps the last good values and is reported by `status()`.
 */

export interface RefresherStatus {
  enabled: boolean;
  running: boolean;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  refreshes: number;
  failures: number;
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

/** A burst of challenged requests asks for one solve, not one each. */
const ON_DEMAND_MIN_SECONDS = 60;

export class ClearanceRefresher {
  private running: Promise<boolean> | null = null;
  private stopSchedule: (() => void) | null = null;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private readonly state = { lastAttemptAt: null as string | null, lastSuccessAt: null as string | null, lastError: null as string | null, refreshes: 0, failures: 0 };
  private readonly now: () => number;

  constructor(
    private readonly options: {
      config: ConfigStore;
      logger?: Logger;
      fetch?: FetchFunction;
      now?: () => number;
      scheduler?: Scheduler;
      solve?: typeof solveChallenge;
    },
  ) {
    this.now = options.now ?? Date.now;
  }

  private enabled(): boolean {
    const proxy = this.options.config.get().proxy;
    return proxy.enabled && proxy.flaresolverr_url.trim() !== '';
  }

  start(): void {
    this.stopSchedule?.();
    const seconds = this.options.config.get().proxy.refresh_interval;
    this.stopSchedule = (this.options.scheduler ?? realScheduler).every(seconds * 1000, () => {
      if (this.enabled()) void this.refresh();
    });
  }

  stop(): void {
    this.stopSchedule?.();
    this.stopSchedule = null;
  }

  /** After a challenge: a refresh unless one ran in the last minute. */
  onChallenge(): void {
    if (!this.enabled() || this.running) return;
    if (this.now() - this.lastAttempt < ON_DEMAND_MIN_SECONDS * 1000) return;
    void this.refresh();
  }

  /** Runs one refresh, or joins the one running. Resolves true when fresh values were applied. */
  refresh(): Promise<boolean> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  status(): RefresherStatus {
    return { enabled: this.enabled(), running: this.running !== null, ...this.state };
  }

  private async run(): Promise<boolean> {
    this.lastAttempt = this.now();
    this.state.lastAttemptAt = new Date(this.lastAttempt).toISOString();
    try {
      const solved = await (this.options.solve ?? solveChallenge)(this.options.config.get(), { fetch: this.options.fetch });
      await this.apply(solved);
      this.state.refreshes++;
      this.state.lastSuccessAt = new Date(this.now()).toISOString();
      this.state.lastError = null;
      this.options.logger?.info('cloudflare clearance refreshed', { browser: solved.browser, clearance: solved.clearance !== '' });
      return true;
    } catch (error) {
      this.state.failures++;
      this.state.lastError = error instanceof Error ? error.message : String(error);
      this.options.logger?.warn('cloudflare clearance refresh failed; keeping the last values', { error: this.state.lastError });
      return false;
    }
  }

  private async apply(solved: Clearance): Promise<void> {
    await this.options.config.update({
      proxy: { cf_clearance: solved.clearance, cf_cookies: solved.cookies, user_agent: solved.userAgent, browser: solved.browser },
    });
  }
}
