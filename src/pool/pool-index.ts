import type { Account } from '../storage/types';
import { CooldownQueue } from './cooldown-queue';
import { PriorityBuckets } from './priority-buckets';
import { hasAllTags, isSelectable, isWaitingForCooldown, priorityOf, type SelectionMode } from './selection';

/**
 * The in-memory copy of the accounts and where each one can be found: per pool, the selectable
 * ones ordered for picking; per pool and tag, the same for tag preferences; and the cooling ones
 * waiting for their cooldown to end. In-flight counts live here too, apart from the account rows,
 * so reloading rows never loses them.
 */

export interface PickRequest {
  pools: readonly string[];
  exclude?: ReadonlySet<string>;
  /** Accounts carrying all these tags are preferred within a pool. */
  preferTags?: readonly string[];
  /** 0 = unlimited. */
  maxInFlight: number;
  random: () => number;
}

interface Placement {
  pool: string;
  tags: readonly string[];
}

const tagKey = (pool: string, tag: string) => `${pool}\u0000${tag}`;

export class PoolIndex {
  private readonly accounts = new Map<string, Account>();
  private readonly inFlightCounts = new Map<string, number>();
  private readonly placements = new Map<string, Placement>();
  private readonly byPool = new Map<string, PriorityBuckets>();
  private readonly byPoolAndTag = new Map<string, PriorityBuckets>();
  private readonly cooldowns = new CooldownQueue();
  /** token → the cooldown end already queued, so re-placing a cooling account does not queue it twice. */
  private readonly queuedCooldowns = new Map<string, number>();
  private currentMode: SelectionMode = 'quota';

  constructor(private readonly clock: () => number) {}

  get size(): number {
    return this.accounts.size;
  }

  get mode(): SelectionMode {
    return this.currentMode;
  }

  get(token: string): Account | undefined {
    return this.accounts.get(token);
  }

  all(): IterableIterator<Account> {
    return this.accounts.values();
  }

  inFlight(token: string): number {
    return this.inFlightCounts.get(token) ?? 0;
  }

  /** Replaces every row (a full load); in-flight counts are kept. */
  replaceAll(accounts: readonly Account[]): void {
    this.accounts.clear();
    this.placements.clear();
    this.byPool.clear();
    this.byPoolAndTag.clear();
    this.cooldowns.clear();
    this.queuedCooldowns.clear();
    for (const account of accounts) this.put(account);
  }

  /** Adds or replaces one row. */
  put(account: Account): void {
    this.accounts.set(account.token, account);
    this.place(account.token);
  }

  remove(token: string): void {
    this.unplace(token);
    this.accounts.delete(token);
    this.queuedCooldowns.delete(token);
  }

  changeInFlight(token: string, delta: number): void {
    const next = Math.max(0, this.inFlight(token) + delta);
    if (next === 0) this.inFlightCounts.delete(token);
    else this.inFlightCounts.set(token, next);
    if (this.accounts.has(token)) this.place(token);
  }

  /** Switching between quota and consumed ordering re-sorts everything (rare: a config change). */
  setMode(mode: SelectionMode): void {
    if (mode === this.currentMode) return;
    this.currentMode = mode;
    this.replaceAll([...this.accounts.values()]);
  }

  pick(request: PickRequest): Account | null {
    this.releaseEndedCooldowns();
    const tags = request.preferTags ?? [];
    const accept = (token: string) => !request.exclude?.has(token);
    const acceptTagged = (token: string) => accept(token) && hasAllTags(this.accounts.get(token)!, tags);
    const options = { maxInFlight: request.maxInFlight, random: request.random };
    for (const pool of request.pools) {
      // Within a pool, an account with every preferred tag wins; without one, any account does.
      const tagged = tags.length > 0 ? this.narrowestTagBuckets(pool, tags)?.pick({ ...options, accept: acceptTagged }) : null;
      const token = tagged ?? this.byPool.get(pool)?.pick({ ...options, accept });
      if (token) return this.accounts.get(token)!;
    }
    return null;
  }

  /** The given account if it could be picked for this request right now (sticky affinity); O(1). */
  pickExact(token: string, request: PickRequest): Account | null {
    this.releaseEndedCooldowns();
    const account = this.accounts.get(token);
    if (!account || request.exclude?.has(token) || !request.pools.includes(account.pool)) return null;
    if (!isSelectable(account, this.clock())) return null;
    if (request.maxInFlight > 0 && this.inFlight(token) >= request.maxInFlight) return null;
    return account;
  }

  /** Cooling accounts whose cooldown ended become selectable: checked when needed, no timers. */
  private releaseEndedCooldowns(): void {
    const now = this.clock();
    for (const entry of this.cooldowns.takeDue(now)) {
      if (this.queuedCooldowns.get(entry.token) === entry.until) this.queuedCooldowns.delete(entry.token);
      const account = this.accounts.get(entry.token);
      // A stale entry (the account changed since) is simply dropped.
      if (account && account.cooldownUntil === entry.until) this.place(entry.token);
    }
  }

  private narrowestTagBuckets(pool: string, tags: readonly string[]): PriorityBuckets | undefined {
    let narrowest: PriorityBuckets | undefined;
    for (const tag of tags) {
      const buckets = this.byPoolAndTag.get(tagKey(pool, tag));
      if (!buckets) return undefined; // nobody in this pool has that tag
      if (!narrowest || buckets.size < narrowest.size) narrowest = buckets;
    }
    return narrowest;
  }

  private place(token: string): void {
    this.unplace(token);
    const account = this.accounts.get(token)!;
    const now = this.clock();
    if (isSelectable(account, now)) {
      const priority = priorityOf(account, this.currentMode);
      const inFlight = this.inFlight(token);
      this.bucketsOf(this.byPool, account.pool).set(token, priority, inFlight);
      for (const tag of account.tags) {
        this.bucketsOf(this.byPoolAndTag, tagKey(account.pool, tag)).set(token, priority, inFlight);
      }
      this.placements.set(token, { pool: account.pool, tags: account.tags });
    } else if (isWaitingForCooldown(account, now) && this.queuedCooldowns.get(token) !== account.cooldownUntil) {
      this.cooldowns.push(token, account.cooldownUntil!);
      this.queuedCooldowns.set(token, account.cooldownUntil!);
    }
  }

  private unplace(token: string): void {
    const placement = this.placements.get(token);
    if (!placement) return;
    this.byPool.get(placement.pool)?.delete(token);
    for (const tag of placement.tags) this.byPoolAndTag.get(tagKey(placement.pool, tag))?.delete(token);
    this.placements.delete(token);
  }

  private bucketsOf(map: Map<string, PriorityBuckets>, key: string): PriorityBuckets {
    let buckets = map.get(key);
    if (!buckets) {
      buckets = new PriorityBuckets();
      map.set(key, buckets);
    }
    return buckets;
  }
}
