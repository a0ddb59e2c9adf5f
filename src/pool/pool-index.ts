import { PRIMARY_MODE, QUOTA_MODES } from '../storage/mode-windows';
import { isNsfw, type Account, type AccountCounts } from '../storage/types';
import { CooldownQueue } from './cooldown-queue';
import { PriorityBuckets } from './priority-buckets';
import { MemberNumbers } from './slot-tables';
import { hasAllTags, isSelectableFor, nextWakeUp, priorityFor, type SelectionMode } from './selection';

/**
 * The in-memory copy of the accounts and where each one can be found: per pool and upstream mode,
 * the accounts selectable for that mode ordered by that mode's remaining quota; per pool, mode and
 * tag, the same for tag preferences; and the accounts waiting for a cooldown or a mode's wait time
 * to end. In-flight counts live here too, apart from the account rows, so reloading rows never
 * loses them. An account sits in up to one ordering per mode (four), each O(log n) to update.
 */

export interface PickRequest {
  pools: readonly string[];
  exclude?: ReadonlySet<string>;
  /** Accounts carrying all these tags are preferred within a pool. */
  preferTags?: readonly string[];
  /** The upstream mode whose quota the request draws on (CatalogModel.mode); default `fast`. */
  mode?: string;
  /** 0 = unlimited. */
  maxInFlight: number;
  random: () => number;
}

const tagKey = (pool: string, mode: string, tag: string) => `${pool}\u0000${mode}\u0000${tag}`;

/** The console's count key of an account: pool, status, and whether it is tagged nsfw. */
const tallyKey = (account: Account) => `${account.pool}\u0000${account.status}\u0000${isNsfw(account) ? 1 : 0}`;

const sameTags = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((tag, index) => tag === b[index]));

export class PoolIndex {
  private readonly accounts = new Map<string, Account>();
  private readonly inFlightCounts = new Map<string, number>();
  /** Per pool, one ordering per mode of QUOTA_MODES (same positions), over the pool's member numbers. */
  private readonly byPool = new Map<string, { members: MemberNumbers; modes: PriorityBuckets[] }>();
  private readonly byPoolAndTag = new Map<string, PriorityBuckets>();
  private readonly cooldowns = new CooldownQueue();
  /** token → the wake-up time already queued, so re-placing a waiting account does not queue it twice. */
  private readonly queuedCooldowns = new Map<string, number>();
  private currentMode: SelectionMode = 'quota';
  /** Accounts per tallyKey, kept as rows come and go: the console's counts without a pass over every row. */
  private readonly tallies = new Map<
    string,
    { pool: string; status: Account['status']; nsfw: boolean; count: number }
  >();

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
    this.byPool.clear();
    this.byPoolAndTag.clear();
    this.cooldowns.clear();
    this.queuedCooldowns.clear();
    this.tallies.clear();
    for (const account of accounts) this.put(account);
  }

  /**
   * Adds or replaces one row. A replaced row keeps its object, which takes the new row's fields
   * (and keeps the token string the maps' keys already hold): the new object is dropped at once and
   * dies young, where replacing the object left the old one to die old and scattered the rows over
   * the heap. At 100k accounts, after a quota pass on the instance, idle RSS was 185 MB that way
   * and 177 MB this way, its peak during the pass 346 and 306 MB (one run each). Holders of a row
   * therefore see it change; `find` and `all` say to read it at once. The row also moves within the
   * orderings it stays in rather than leaving and entering them again: a map entry deleted and added
   * again is garbage until the map next grows.
   */
  put(account: Account): void {
    const previous = this.accounts.get(account.token);
    this.tally(account, 1);
    if (!previous) {
      this.accounts.set(account.token, account);
      this.place(account);
      return;
    }
    this.tally(previous, -1);
    if (previous.pool !== account.pool || !sameTags(previous.tags, account.tags)) this.unplace(previous);
    const token = previous.token;
    Object.assign(previous, account);
    previous.token = token;
    this.place(previous);
  }

  remove(token: string): void {
    const account = this.accounts.get(token);
    if (account) {
      this.unplace(account);
      this.tally(account, -1);
    }
    this.accounts.delete(token);
    this.queuedCooldowns.delete(token);
  }

  /** Accounts per status (and how many of them are tagged nsfw) in a pool or all pools, optionally only those (not) tagged nsfw. */
  counts(filter: { pool?: string; nsfw?: boolean } = {}): AccountCounts {
    const counts: AccountCounts = { all: 0, active: 0, cooling: 0, expired: 0, disabled: 0, nsfw: 0 };
    for (const tally of this.tallies.values()) {
      if (filter.pool !== undefined && tally.pool !== filter.pool) continue;
      if (filter.nsfw !== undefined && tally.nsfw !== filter.nsfw) continue;
      counts.all += tally.count;
      counts[tally.status] += tally.count;
      if (tally.nsfw) counts.nsfw += tally.count;
    }
    return counts;
  }

  private tally(account: Account, delta: number): void {
    const key = tallyKey(account);
    const tally = this.tallies.get(key);
    if (tally) tally.count += delta;
    else
      this.tallies.set(key, {
        pool: account.pool,
        status: account.status,
        nsfw: isNsfw(account),
        count: delta,
      });
  }

  changeInFlight(token: string, delta: number): void {
    const next = Math.max(0, this.inFlight(token) + delta);
    if (next === 0) this.inFlightCounts.delete(token);
    else this.inFlightCounts.set(token, next);
    // Only the in-flight part of the ordering changed: move the account within the orderings it
    // is in (each keeps its priority), without re-evaluating the rules (the hot path: twice per request).
    const account = this.accounts.get(token);
    const orderings = account && this.byPool.get(account.pool)?.modes;
    if (!orderings) return;
    for (let position = 0; position < QUOTA_MODES.length; position++) {
      orderings[position]!.setInFlight(token, next);
      for (const tag of account.tags)
        this.byPoolAndTag.get(tagKey(account.pool, QUOTA_MODES[position]!, tag))?.setInFlight(token, next);
    }
  }

  /** Switching between quota and consumed ordering re-sorts everything (rare: a config change). */
  setMode(mode: SelectionMode): void {
    if (mode === this.currentMode) return;
    this.currentMode = mode;
    this.replaceAll([...this.accounts.values()]);
  }

  pick(request: PickRequest): Account | null {
    this.releaseEndedCooldowns();
    const mode = request.mode ?? PRIMARY_MODE;
    const tags = request.preferTags ?? [];
    const accept = (token: string) => !request.exclude?.has(token);
    const acceptTagged = (token: string) => accept(token) && hasAllTags(this.accounts.get(token)!, tags);
    const options = { maxInFlight: request.maxInFlight, random: request.random };
    for (const pool of request.pools) {
      // Within a pool, an account with every preferred tag wins; without one, any account does.
      const tagged =
        tags.length > 0 ? this.narrowestTagBuckets(pool, mode, tags)?.pick({ ...options, accept: acceptTagged }) : null;
      const token = tagged ?? this.orderingOf(pool, mode)?.pick({ ...options, accept });
      if (token) return this.accounts.get(token)!;
    }
    return null;
  }

  /** The given account if it could be picked for this request right now (sticky affinity); O(1). */
  pickExact(token: string, request: PickRequest): Account | null {
    this.releaseEndedCooldowns();
    const account = this.accounts.get(token);
    if (!account || request.exclude?.has(token) || !request.pools.includes(account.pool)) return null;
    if (!isSelectableFor(account, request.mode ?? PRIMARY_MODE, this.clock())) return null;
    if (request.maxInFlight > 0 && this.inFlight(token) >= request.maxInFlight) return null;
    return account;
  }

  /** Accounts whose cooldown or mode wait ended become selectable: checked when needed, no timers. */
  private releaseEndedCooldowns(): void {
    const now = this.clock();
    for (const entry of this.cooldowns.takeDue(now)) {
      if (this.queuedCooldowns.get(entry.token) !== entry.until) continue; // stale: a later placement replaced it
      this.queuedCooldowns.delete(entry.token);
      const account = this.accounts.get(entry.token);
      if (account) this.place(account);
    }
  }

  private narrowestTagBuckets(pool: string, mode: string, tags: readonly string[]): PriorityBuckets | undefined {
    let narrowest: PriorityBuckets | undefined;
    for (const tag of tags) {
      const buckets = this.byPoolAndTag.get(tagKey(pool, mode, tag));
      if (!buckets) return undefined; // nobody in this pool has that tag
      if (!narrowest || buckets.size < narrowest.size) narrowest = buckets;
    }
    return narrowest;
  }

  /** The ordering of one pool for one mode; undefined for a mode outside QUOTA_MODES or an empty pool. */
  private orderingOf(pool: string, mode: string): PriorityBuckets | undefined {
    const position = (QUOTA_MODES as readonly string[]).indexOf(mode);
    return position < 0 ? undefined : this.byPool.get(pool)?.modes[position];
  }

  /**
   * Puts the account into the orderings of the modes it can serve now and takes it out of the
   * others (of its pool and tags; `put` has taken it out of any other pool's or tag's).
   */
  private place(account: Account): void {
    const token = account.token;
    const now = this.clock();
    const inFlight = this.inFlight(token);
    let orderings = this.byPool.get(account.pool)?.modes;
    for (let position = 0; position < QUOTA_MODES.length; position++) {
      const mode = QUOTA_MODES[position]!;
      if (!isSelectableFor(account, mode, now)) {
        orderings?.[position]?.delete(token);
        for (const tag of account.tags) this.byPoolAndTag.get(tagKey(account.pool, mode, tag))?.delete(token);
        continue;
      }
      const priority = priorityFor(account, mode, this.currentMode);
      if (!orderings) {
        const members = new MemberNumbers();
        orderings = QUOTA_MODES.map(() => new PriorityBuckets(members.table()));
        this.byPool.set(account.pool, { members, modes: orderings });
      }
      orderings[position]!.set(token, priority, inFlight);
      for (const tag of account.tags)
        this.bucketsOf(this.byPoolAndTag, tagKey(account.pool, mode, tag)).set(token, priority, inFlight);
    }
    const wakeUp = nextWakeUp(account, now);
    if (wakeUp === null) this.queuedCooldowns.delete(token);
    else if (this.queuedCooldowns.get(token) !== wakeUp) {
      this.cooldowns.push(token, wakeUp);
      this.queuedCooldowns.set(token, wakeUp);
    }
  }

  /** Takes the account (as it was placed: the row the index holds) out of every ordering. */
  private unplace(account: Account): void {
    const pool = this.byPool.get(account.pool);
    if (!pool) return;
    for (let position = 0; position < QUOTA_MODES.length; position++) {
      pool.modes[position]!.delete(account.token);
      for (const tag of account.tags)
        this.byPoolAndTag.get(tagKey(account.pool, QUOTA_MODES[position]!, tag))?.delete(account.token);
    }
    pool.members.release(account.token);
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
