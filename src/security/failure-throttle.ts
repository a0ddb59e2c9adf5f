import { createHash } from 'node:crypto';
import type { RecordStore } from '../storage/types';

/**
 * Slows guessing of a secret (console password, admin key, client key): a client address gets
 * `maxFailures` wrong attempts per window; after that every attempt from it is refused, right or
 * wrong, until the window that began with its first failure ends. A right answer clears the record.
 *
 * The counts live in the shared store (records), so every process behind SERVER_WORKERS and every
 * instance behind a load balancer sees the same count. The store has no atomic increment, so two
 * instances failing at the same instant may count one failure once; a local copy keeps this
 * instance's own count exact, which is what matters for a single guesser. An address the store
 * knew nothing about is not asked about again for a second, so a busy client with a right key
 * costs one store read per second, not one per request; a guesser gains at most that second.
 */

const COLLECTION = 'auth-failures';
const CLEAR_ANSWER_MS = 1_000;

interface FailureRecord {
  count: number;
  windowStart: number;
}

export interface FailureThrottleOptions {
  /** Which secret is guessed ('console', 'admin-key', 'client-key'): each has its own counts. */
  scope: string;
  maxFailures: number;
  windowMs: number;
  records?: RecordStore;
  clock?: () => number;
}

export class FailureThrottle {
  private readonly local = new Map<string, FailureRecord>();
  /** Addresses the store had no record of, until when that answer is reused. */
  private readonly clearUntil = new Map<string, number>();
  private readonly clock: () => number;

  constructor(private readonly options: FailureThrottleOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** The stored id: the address is hashed so the store holds no list of client addresses. */
  private id(client: string): string {
    return createHash('sha256').update(`${this.options.scope}:${client}`).digest('hex').slice(0, 40);
  }

  private live(record: FailureRecord | null | undefined): FailureRecord | null {
    return record && this.clock() - record.windowStart < this.options.windowMs ? record : null;
  }

  private async read(client: string): Promise<FailureRecord | null> {
    const local = this.live(this.local.get(client));
    if (!local) this.local.delete(client);
    if (!local && (this.clearUntil.get(client) ?? 0) > this.clock()) return null;
    const stored = await this.shared(() => this.options.records?.get<FailureRecord>(COLLECTION, this.id(client)));
    const shared = this.live(stored);
    if (!local && !shared) {
      if (this.clearUntil.size > 10_000) this.clearUntil.clear();
      this.clearUntil.set(client, this.clock() + CLEAR_ANSWER_MS);
    }
    if (!local) return shared;
    if (!shared) return local;
    return shared.count > local.count ? shared : local;
  }

  /** Milliseconds until the client may try again; 0 when it may try now. */
  async retryAfter(client: string): Promise<number> {
    const record = await this.read(client);
    if (!record || record.count < this.options.maxFailures) return 0;
    return Math.max(1, this.options.windowMs - (this.clock() - record.windowStart));
  }

  async recordFailure(client: string): Promise<void> {
    this.clearUntil.delete(client);
    const current = await this.read(client);
    const next = { count: (current?.count ?? 0) + 1, windowStart: current?.windowStart ?? this.clock() };
    this.local.set(client, next);
    if (this.local.size > 10_000) this.forgetEnded();
    const expiresAt = next.windowStart + this.options.windowMs;
    await this.shared(() => this.options.records?.put(COLLECTION, this.id(client), next, { expiresAt }));
  }

  async recordSuccess(client: string): Promise<void> {
    this.local.delete(client);
    await this.shared(() => this.options.records?.delete(COLLECTION, this.id(client)));
  }

  /**
   * A store call whose failure leaves this instance's own counts in charge: an unreachable store
   * must not turn every authenticated request into an error (storage outages are answered by the
   * routes that need the store).
   */
  private async shared<T>(call: () => Promise<T> | undefined): Promise<T | null> {
    try {
      return (await call()) ?? null;
    } catch {
      return null;
    }
  }

  /** Keeps memory bounded when many addresses fail once. */
  private forgetEnded(): void {
    for (const [client, record] of this.local) if (!this.live(record)) this.local.delete(client);
  }
}
