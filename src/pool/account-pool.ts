import type { CatalogModel, UpstreamMode } from '../catalog/models';
import type { ClusterEvent, Coordinator } from '../storage/coordinator';
import type { Config } from '../config/schema';
import { withFailure, withStatusChange, withSuccess } from '../storage/account-rules';
import {
  type AccountCounts,
  BASIC_POOL,
  REMOVALS_KEPT_MS,
  SUPER_POOL,
  type Account,
  type AccountPatch,
  type AccountStatus,
  type NewAccount,
  type ReplaceSummary,
  type StatusChange,
  type Storage,
} from '../storage/types';
import { UpstreamError } from '../upstream/errors';
import { AffinityMap } from './affinity-map';
import { OnDemandRefresh } from './on-demand-refresh';
import { HeapRelease } from './heap-release';
import { PoolIndex } from './pool-index';
import type { PoolObserver } from './pool-observer';
import { candidatePools } from './selection';
import { sharedLease } from './shared-lease';
import { poolForModes, poolForWindow } from './tier-detection';
import { PRIMARY_MODE } from '../storage/mode-windows';
import { CallPacer } from './call-pacer';
import { forEachYielding } from '../storage/yield-to-requests';
import { quotaModesForAccount } from './quota-modes';

/**
 * The account pool of one instance: an in-memory index for picking (synchronous, no I/O on the
 * request path) kept in step with storage, which stays the source of truth. Every change goes
 * through one atomic storage call; the stored row that comes back replaces the local copy.
 */

export interface QuotaSnapshot {
  remaining: number;
  total: number | null;
  windowSeconds: number | null;
}

export interface AccountPoolOptions {
  storage: Storage;
  config: () => Config;
  /**
   * Asks Grok for the account's quota (of one mode when `mode` is given); throws an UpstreamError
   * when it cannot.
   */
  syncQuota: (token: string, mode?: UpstreamMode) => Promise<QuotaSnapshot>;
  /**
   * The upstream modes this build serves; a sync asks about those the account's tier can use, one
   * rate-limits call each (docs/upstream-protocol.md §14.1, P2 onwards). Absent or empty: one call
   * without a mode, whose answer is the account's single window (P1).
   */
  quotaModes?: readonly UpstreamMode[];
  clock?: () => number;
  random?: () => number;
  /** How the refresh pacer waits (token.refresh_calls_per_sec); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Metrics and the upstream outage check. */
  observer?: PoolObserver;
  /** ≥ 1: how much further apart paced quota calls go right now (LoopLag.slowdown: a busy instance gives way). */
  refreshSlowdown?: () => number;
  /** Returns the heap freed by bulk row replacements (default: a full collection once quiet). */
  heapRelease?: HeapRelease;
  /**
   * Instances sharing the store: request slots, sync locks and change notices go through it.
   * Defaults to the storage's own; `null` turns coordination off (one instance, tests).
   */
  coordinator?: Coordinator | null;
}

/** One account lent to one request. `release` may be called any number of times. */
export interface Lease {
  readonly token: string;
  readonly pool: string;
  /** The upstream mode the request draws on: its window is charged, and a 429 limits only it. */
  readonly mode?: string;
  release(): void;
}

export interface AcquireRequest {
  model: CatalogModel;
  /** Accounts this request already tried. */
  exclude?: ReadonlySet<string>;
  preferTags?: string[];
  /**
   * Sticky affinity: requests with the same key (a conversation, an API-key session) go to the
   * account the last one used while it stays selectable; otherwise the usual pick, remembered.
   */
  affinityKey?: string;
}

export interface PoolStats {
  total: number;
  active: number;
  cooling: number;
  expired: number;
  disabled: number;
  quota: number;
}

/** Another instance's write may reach us late or twice; re-reading a little overlap is harmless. */
const CHANGE_FEED_OVERLAP_MS = 2_000;

/** Accounts tried per request when other instances hold the slots of the best ones. */
const SHARED_ATTEMPTS = 16;
/** Longest a per-account quota sync may hold its lock; a sync is one HTTP call. */
const SYNC_LOCK_MS = 60_000;

/** Changed accounts are announced together after this long (see `announce`). */
const ANNOUNCE_DELAY_MS = 50;
/** Up to this many accounts are named in one notice; more go as "read your change feed". */
const ANNOUNCE_TOKENS = 100;
/** Accounts read per store call by a full load. */
const LOAD_PAGE = 5_000;
/** Accounts written per store call by an import. */
const IMPORT_BATCH = 1_000;
/** An import of at least this many accounts is a bulk write (see `importFinished`). */
const BULK_WRITE = 10_000;
/** Rows (from the change feed, or an import batch's) put into the index between two yields to the event loop. */
const APPLY_SLICE = 256;

const OPERATOR_DISABLED = 'disabled by operator';
const REASON_LIMIT = 200;

export class AccountPool {
  private readonly storage: Storage;
  private readonly config: () => Config;
  private readonly syncQuota: (token: string, mode?: UpstreamMode) => Promise<QuotaSnapshot>;
  private readonly quotaModes: readonly UpstreamMode[];
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly index: PoolIndex;
  private lastChangeCheck = 0;
  private readonly observer?: PoolObserver;
  private readonly coordinator: Coordinator | null;
  private readonly pendingWrites = new Set<Promise<void>>();
  private readonly affinity = new AffinityMap();
  private readonly onDemandRefresh: OnDemandRefresh;
  private catchingUp: Promise<number> | null = null;
  private readonly refreshPacer: CallPacer;
  private readonly pendingChanged = new Set<string>();
  private readonly pendingRemoved = new Set<string>();
  private announceTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly heapRelease: HeapRelease;

  constructor(options: AccountPoolOptions) {
    this.coordinator = options.coordinator === undefined ? (options.storage.coordinator ?? null) : options.coordinator;
    this.storage = options.storage;
    this.config = options.config;
    this.syncQuota = options.syncQuota;
    this.quotaModes = options.quotaModes ?? [];
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.index = new PoolIndex(this.clock);
    this.refreshPacer = new CallPacer(
      () => this.config().token.refresh_calls_per_sec,
      this.clock,
      options.sleep ?? ((ms) => Bun.sleep(ms)),
      options.refreshSlowdown,
    );
    this.observer = options.observer;
    this.heapRelease = options.heapRelease ?? new HeapRelease();
    this.onDemandRefresh = new OnDemandRefresh({
      config: this.config,
      clock: this.clock,
      coordinator: this.coordinator,
      coolingAccounts: async () =>
        this.coordinator ? this.storage.accounts.list({ status: 'cooling' }) : this.accounts({ status: 'cooling' }),
      // A request is waiting on this one: not paced (it is bounded by its own interval and size).
      sync: (token) => this.sync(token, { paced: false }),
    });
  }

  /** Fills the index from storage (start-up, or after a bulk change). */
  async load(): Promise<void> {
    const startedAt = this.clock();
    this.index.replaceAll(await this.readAll());
    this.heapRelease.rowsReplaced(this.index.size);
    this.lastChangeCheck = startedAt;
  }

  /**
   * Every stored account, in pages where the store has them: each read is short, so nothing waits
   * seconds behind one huge result (at 100k accounts a single read parses for a second or more,
   * long enough for a busy store's liveness check to give up).
   */
  private async readAll(): Promise<Account[]> {
    const accounts = this.storage.accounts;
    if (!accounts.listPage) return accounts.list();
    const all: Account[] = [];
    let cursor: string | null = null;
    do {
      const page = await accounts.listPage(cursor, LOAD_PAGE);
      for (const account of page.accounts) all.push(account);
      cursor = page.next;
    } while (cursor !== null);
    return all;
  }

  /**
   * Applies what other instances changed since the last check: removals first, then changed rows
   * (a token removed and stored again in the window ends up stored). Run every
   * token.reload_interval_sec, and every second where the coordinator polls. An instance so far
   * behind that the store may have forgotten some removals (REMOVALS_KEPT_MS) reloads instead.
   */
  async refreshChanged(): Promise<number> {
    const startedAt = this.clock();
    if (startedAt - this.lastChangeCheck > REMOVALS_KEPT_MS / 2) {
      await this.load();
      return this.index.size;
    }
    const since = this.lastChangeCheck - CHANGE_FEED_OVERLAP_MS;
    const removed = await this.storage.accounts.removedSince(since);
    for (const token of removed) this.index.remove(token);
    // Strictly newer only: an equal version may be the row before a local change still in flight.
    const known = (token: string, version: number) => (this.index.get(token)?.version ?? 0) >= version;
    const rows = await this.storage.accounts.changedSince(since, known);
    // Another instance's merge of 1,000 or its quota pass arrives as one batch: apply it in
    // slices, so this instance's requests are served in between (each row is checked as it goes in).
    let applied = 0;
    await forEachYielding(rows, APPLY_SLICE, (row) => {
      if (known(row.token, row.version)) return;
      this.index.put(row);
      applied++;
    });
    // Emptied in place: the runtime's optimised code for this method can keep one call's scope,
    // and with it the batch, alive after the call returns (a heap snapshot of an idle instance
    // showed a batch of 24k rows, replaced long before, held that way: ~10 MB).
    rows.length = 0;
    // Rows read again in the feed's overlap are not changes: counted, they kept the pool from
    // ever looking quiet while any instance was busy, and the heap was released late or twice.
    this.heapRelease.rowsReplaced(applied);
    this.lastChangeCheck = startedAt;
    return removed.length + applied;
  }

  /** Synchronous pick; null when no account can serve the model right now. */
  acquire(request: AcquireRequest): Lease | null {
    const tokenConfig = this.config().token;
    this.index.setMode(tokenConfig.consumed_mode_enabled ? 'consumed' : 'quota');
    const pick = {
      pools: candidatePools(request.model.tier),
      mode: request.model.mode,
      exclude: request.exclude,
      preferTags: request.preferTags,
      maxInFlight: tokenConfig.max_inflight_per_account,
      random: this.random,
    };
    const sticky = request.affinityKey === undefined ? undefined : this.affinity.get(request.affinityKey);
    const account = (sticky === undefined ? null : this.index.pickExact(sticky, pick)) ?? this.index.pick(pick);
    if (account && request.affinityKey !== undefined) this.affinity.remember(request.affinityKey, account.token);
    if (!account) return null;
    if (request.exclude && request.exclude.size > 0) this.observer?.failedOver();
    this.index.changeInFlight(account.token, 1);
    let released = false;
    return {
      token: account.token,
      pool: account.pool,
      mode: request.model.mode,
      release: () => {
        if (released) return;
        released = true;
        this.index.changeInFlight(account.token, -1);
      },
    };
  }

  /**
   * Like `acquire`, but the lease is also a slot in the shared store: the per-account concurrency
   * limit then holds across every instance, and the store confirms the account is still usable (an
   * account disabled on another instance a moment ago is refused even if this one has not heard
   * yet). Without a coordinator it is `acquire`.
   */
  async acquireShared(request: AcquireRequest): Promise<Lease | null> {
    const coordinator = this.coordinator;
    if (!coordinator) return this.acquire(request);
    const skip = new Set(request.exclude ?? []);
    const first = await this.tryShared(coordinator, request, skip);
    if (first.lease) return first.lease;
    // Every candidate we tried may have been stale (a bulk disable elsewhere not yet heard of), or
    // accounts another instance added a moment ago may not have reached this one: catch up with the
    // change feed, then try again before telling the client there is none.
    const changed = await this.catchUp();
    if (first.stale === 0 && changed === 0) return null;
    for (const token of first.staleTokens) skip.delete(token);
    return (await this.tryShared(coordinator, request, skip)).lease;
  }

  /** One round of `acquireShared`: up to SHARED_ATTEMPTS candidates; `stale` counts those the store refused as unusable. */
  private async tryShared(
    coordinator: Coordinator,
    request: AcquireRequest,
    skip: Set<string>,
  ): Promise<{ lease: Lease | null; stale: number; staleTokens: string[] }> {
    const tokenConfig = this.config().token;
    const ttlMs = tokenConfig.lease_ttl_sec * 1000;
    const staleTokens: string[] = [];
    for (let attempt = 0; attempt < SHARED_ATTEMPTS; attempt++) {
      const local = this.acquire({ ...request, exclude: skip });
      if (!local) break;
      let outcome: Awaited<ReturnType<typeof coordinator.acquireSlot>>;
      try {
        outcome = await coordinator.acquireSlot(local.token, tokenConfig.max_inflight_per_account, ttlMs, this.clock());
      } catch (error) {
        local.release();
        throw error;
      }
      if (outcome.result === 'granted') {
        return {
          lease: sharedLease(local, coordinator, outcome.slotId, ttlMs, this.clock),
          stale: staleTokens.length,
          staleTokens,
        };
      }
      local.release();
      skip.add(local.token);
      if (outcome.result === 'unusable') {
        // Our copy is behind the store: catch up on this account now rather than at the next notice.
        staleTokens.push(local.token);
        await this.refreshTokens([local.token]);
      }
    }
    return { lease: null, stale: staleTokens.length, staleTokens };
  }

  /** Applies the change feed now (another instance announced many changes); concurrent callers share one read. */
  catchUp(): Promise<number> {
    this.catchingUp ??= this.refreshChanged().finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  /** See OnDemandRefresh: syncs cooling accounts when a request finds none free; returns how many came back. */
  refreshOnDemand(): Promise<number> {
    return this.onDemandRefresh.run();
  }

  /** Re-reads these accounts from storage (another instance said they changed). */
  async refreshTokens(tokens: readonly string[]): Promise<void> {
    // One read for the notice, not one per token: another instance's quota pass names every account.
    const stored = new Map((await this.storage.accounts.getMany(tokens)).map((row) => [row.token, row]));
    for (const token of tokens) this.absorb(token, stored.get(token) ?? null);
  }

  /**
   * Imports accounts in batches (AccountStore.importBatch: one transaction each): new tokens
   * inserted, stored ones merged (the given fields replace the stored ones, tags are added). This
   * index takes the rows as the store wrote them; the other instances are told which accounts
   * changed (or to read their change feed): a delta, no reload anywhere. A token given twice goes
   * to the next batch, which merges it into the row the first one wrote.
   */
  async importAccounts(accounts: readonly NewAccount[]): Promise<{ added: number; merged: number }> {
    let added = 0;
    let merged = 0;
    let batch: NewAccount[] = [];
    let inBatch = new Set<string>();
    const write = async () => {
      const result = await this.storage.accounts.importBatch(batch);
      // A batch of 1,000 in one go held the event loop 2–8 ms; slices let requests in between.
      await forEachYielding([...result.added, ...result.merged], APPLY_SLICE, (row) => this.absorb(row.token, row));
      added += result.added.length;
      merged += result.merged.length;
      this.announce(batch.map((account) => account.token));
      batch = [];
      inBatch = new Set();
    };
    for (const account of accounts) {
      // A repeat goes to the next batch, where it merges into the row the first one wrote.
      if (batch.length >= IMPORT_BATCH || inBatch.has(account.token)) await write();
      batch.push(account);
      inBatch.add(account.token);
    }
    if (batch.length > 0) await write();
    return { added, merged };
  }

  /**
   * After an import of `written` accounts: a large one lets the store refresh its planner's view
   * of the table (AccountStore.afterBulkWrite), so the console's pages are fast at once.
   */
  async importFinished(written: number): Promise<void> {
    if (written >= BULK_WRITE) await this.storage.accounts.afterBulkWrite?.();
  }

  /** Replaces the whole account set (one atomic diff in the store); travels as a delta like an import. */
  async replaceAll(accounts: NewAccount[]): Promise<ReplaceSummary> {
    const summary = await this.storage.accounts.replaceAll(accounts);
    for (const token of summary.removed) this.index.remove(token);
    await this.catchUp();
    this.announce([...summary.added, ...summary.updated]);
    this.announceRemoved(summary.removed);
    return summary;
  }

  /** Waits for charges and failure reports still being written (shutdown: before closing storage). */
  async settle(): Promise<void> {
    if (this.announceTimer) await this.track(this.flushAnnouncements());
    while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites]);
  }

  /** Charges `units` for a completed request and releases the lease. */
  reportSuccess(lease: Lease, units: number): Promise<void> {
    return this.track(this.charge(lease, units));
  }

  /**
   * Applies what the error says about the account, and releases the lease. `spareAccount` skips a
   * cooldown (the request already cooled as many accounts as it may: see retry.max_cooled_accounts).
   */
  reportFailure(lease: Lease, error: UpstreamError, options: { spareAccount?: boolean } = {}): Promise<void> {
    lease.release();
    this.observer?.turnFailed(error);
    if (options.spareAccount && error.accountEffect === 'cool') return Promise.resolve();
    return this.track(this.applyEffect(lease.token, error, lease.mode));
  }

  private track(work: Promise<void>): Promise<void> {
    this.pendingWrites.add(work);
    void work.catch(() => {}).finally(() => this.pendingWrites.delete(work));
    return work;
  }

  private async charge(lease: Lease, units: number): Promise<void> {
    lease.release();
    this.observer?.turnSucceeded();
    const change = { units, at: this.clock(), mode: lease.mode };
    const before = this.index.get(lease.token)?.status;
    this.applyLocally(lease.token, (account) => withSuccess(account, change));
    const stored = await this.storage.accounts.recordSuccess(lease.token, change);
    this.absorb(lease.token, stored);
    if (stored && stored.status !== before) this.announce([lease.token]);
  }

  async add(accounts: Omit<NewAccount, 'pool'>[], pool: string): Promise<{ added: string[]; duplicates: string[] }> {
    const result = await this.storage.accounts.insert(accounts.map((account) => ({ ...account, pool })));
    for (const token of result.added) this.absorb(token, await this.storage.accounts.get(token));
    this.announce(result.added);
    return result;
  }

  async remove(tokens: string[]): Promise<number> {
    const removed = await this.storage.accounts.remove(tokens);
    for (const token of tokens) this.index.remove(token);
    this.announceRemoved(tokens);
    return removed;
  }

  /**
   * An operator's edit. Enabling clears the reason, any cooldown and the failure count (the
   * operator vouches for the account); disabling without a reason records who did it.
   */
  async update(token: string, patch: AccountPatch): Promise<Account | null> {
    const operatorPatch: AccountPatch =
      patch.status === 'active'
        ? { statusReason: null, cooldownUntil: null, failCount: 0, ...patch }
        : patch.status === 'disabled'
          ? { statusReason: OPERATOR_DISABLED, ...patch }
          : patch;
    const stored = await this.storage.accounts.update(token, operatorPatch);
    this.absorb(token, stored);
    if (stored) this.announce([token]);
    return stored;
  }

  /**
   * Asks Grok for the account's quota and stores it; moves the account between Basic and Super
   * when the window says so. Null for an unknown token. A failed sync throws after applying what
   * it proved (an expired or blocked account); any other failure leaves the account as it was.
   */
  async sync(token: string, options: { paced?: boolean } = {}): Promise<Account | null> {
    const current = this.index.get(token) ?? (await this.storage.accounts.get(token));
    if (!current) return null;
    // One instance asks Grok about an account at a time; the others take its answer from storage.
    const lock = this.coordinator ? await this.coordinator.tryLock(`sync:${token}`, SYNC_LOCK_MS) : null;
    if (this.coordinator && !lock) return this.storage.accounts.get(token);
    try {
      let answer: Awaited<ReturnType<AccountPool['askQuota']>>;
      try {
        answer = await this.askQuota(current, options.paced ?? true);
      } catch (error) {
        if (error instanceof UpstreamError && (error.accountEffect === 'expire' || error.accountEffect === 'disable')) {
          await this.applyEffect(token, error);
        }
        throw error;
      }
      const { snapshot, modes, modesAsked } = answer;
      const stored = await this.storage.accounts.applySync(token, {
        ...snapshot,
        at: this.clock(),
        pool: modes
          ? poolForModes(current.pool, modes, snapshot.windowSeconds)
          : poolForWindow(current.pool, snapshot.windowSeconds),
        modes,
        modesAsked,
      });
      this.absorb(token, stored);
      this.announce([token]);
      return stored;
    } finally {
      await lock?.release().catch(() => {});
    }
  }

  /**
   * One call per mode the account's tier can use (quotaModesForAccount), or one without a mode,
   * each paced by token.refresh_calls_per_sec unless a waiting request asked for it (on demand). The top-level snapshot is the `fast` window (what
   * `quota` mirrors), else the first mode answered. A mode whose call fails for a reason that says
   * nothing about the account is left as it was; an account-level failure (expired, blocked) or
   * every call failing throws.
   */
  private async askQuota(
    account: Account,
    paced: boolean,
  ): Promise<{
    snapshot: QuotaSnapshot;
    modes?: Partial<Record<UpstreamMode, QuotaSnapshot>>;
    modesAsked?: UpstreamMode[];
  }> {
    const token = account.token;
    const ask = async (mode?: UpstreamMode) => {
      if (paced) await this.refreshPacer.wait();
      return this.syncQuota(token, mode);
    };
    const modesAsked = quotaModesForAccount(this.quotaModes, account);
    if (modesAsked.length === 0) return { snapshot: await ask() };
    const outcomes = await Promise.allSettled(modesAsked.map((mode) => ask(mode)));
    const modes: Partial<Record<UpstreamMode, QuotaSnapshot>> = {};
    let firstError: unknown;
    outcomes.forEach((outcome, position) => {
      if (outcome.status === 'fulfilled') modes[modesAsked[position]!] = outcome.value;
      else firstError ??= outcome.reason;
    });
    const accountLevel = outcomes.find(
      (outcome): outcome is PromiseRejectedResult =>
        outcome.status === 'rejected' &&
        outcome.reason instanceof UpstreamError &&
        ['expire', 'disable', 'auth_failure'].includes(outcome.reason.accountEffect),
    );
    if (accountLevel) throw accountLevel.reason;
    const snapshot = modes[PRIMARY_MODE] ?? Object.values(modes)[0];
    if (!snapshot) throw firstError;
    return { snapshot, modes, modesAsked };
  }

  inFlight(token: string): number {
    return this.index.inFlight(token);
  }

  /** The in-memory copy of one account (what this instance last heard from the store; it changes in place as the pool hears more). */
  find(token: string): Account | undefined {
    return this.index.get(token);
  }

  /** Every in-memory account, without copying (read it at once: it changes as the pool does). */
  allAccounts(): Iterable<Account> {
    return this.index.all();
  }

  /** Accounts per status in memory for a pool and NSFW filter, from the index's running tallies. */
  accountCounts(filter: { pool?: string; nsfw?: boolean }): AccountCounts {
    return this.index.counts(filter);
  }

  /** A snapshot of the in-memory accounts (the scheduler reads it; the admin API reads storage). */
  accounts(filter: { pool?: string; status?: AccountStatus } = {}): Account[] {
    return [...this.index.all()].filter(
      (account) =>
        (filter.pool === undefined || account.pool === filter.pool) &&
        (filter.status === undefined || account.status === filter.status),
    );
  }

  /**
   * A check of which models some enabled account could serve (one pass over the accounts, then
   * O(1) per model): an active or cooling account in a pool the model's tier may use. Cooling
   * accounts count, so a model does not vanish from /v1/models while its quota refills.
   */
  servingCheck(): (model: CatalogModel) => boolean {
    const pools = new Set<string>();
    for (const account of this.index.all()) {
      if (account.status === 'active' || account.status === 'cooling') pools.add(account.pool);
    }
    return (model) => candidatePools(model.tier).some((pool) => pools.has(pool));
  }

  stats(): Record<string, PoolStats> {
    const empty = (): PoolStats => ({ total: 0, active: 0, cooling: 0, expired: 0, disabled: 0, quota: 0 });
    const stats: Record<string, PoolStats> = { [BASIC_POOL]: empty(), [SUPER_POOL]: empty() };
    for (const account of this.index.all()) {
      const pool = (stats[account.pool] ??= empty());
      pool.total += 1;
      pool[account.status] += 1;
      pool.quota += account.quota;
    }
    return stats;
  }

  /** `mode`: the upstream mode of the failed request; a rate limit then applies to that mode only. */
  private async applyEffect(token: string, error: UpstreamError, mode?: string): Promise<void> {
    const at = this.clock();
    const accounts = this.storage.accounts;
    switch (error.accountEffect) {
      case 'none':
        return;
      case 'auth_failure': {
        const change = { reason: error.code, at, threshold: this.config().token.fail_threshold };
        const before = this.index.get(token)?.status;
        this.applyLocally(token, (account) => withFailure(account, change));
        const stored = await accounts.recordFailure(token, change);
        this.absorb(token, stored);
        if (stored && stored.status !== before) this.announce([token]);
        return;
      }
      case 'cool':
        // With a Retry-After the account comes back by itself; without one, a quota sync decides.
        return this.changeStatus(token, {
          to: 'cooling',
          reason: error.code,
          at,
          from: ['active', 'cooling'],
          cooldownUntil: error.retryAfterSeconds === undefined ? null : at + error.retryAfterSeconds * 1000,
          mode,
        });
      case 'expire':
        return this.changeStatus(token, { to: 'expired', reason: error.code, at, from: ['active', 'cooling'] });
      case 'disable':
        return this.changeStatus(token, {
          to: 'disabled',
          reason: `${error.code}: ${error.message}`.slice(0, REASON_LIMIT),
          at,
        });
    }
  }

  private async changeStatus(token: string, change: StatusChange): Promise<void> {
    this.applyLocally(token, (account) => withStatusChange(account, change));
    this.absorb(token, await this.storage.accounts.changeStatus(token, change));
    this.announce([token]);
  }

  /**
   * Tells the other instances these accounts changed; a lost notice is caught by the change feed.
   * Notices are gathered for ANNOUNCE_DELAY_MS, so a batch job or a quota pass sends a few notices,
   * not one per account; more than ANNOUNCE_TOKENS changed accounts go as "read your change feed".
   */
  private announce(tokens: readonly string[]): void {
    if (!this.coordinator || tokens.length === 0) return;
    for (const token of tokens) this.pendingChanged.add(token);
    this.scheduleAnnounce();
  }

  /** Removed accounts are named one by one: the change feed has no rows for them. */
  private announceRemoved(tokens: readonly string[]): void {
    if (!this.coordinator || tokens.length === 0) return;
    for (const token of tokens) this.pendingRemoved.add(token);
    this.scheduleAnnounce();
  }

  private scheduleAnnounce(): void {
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => void this.track(this.flushAnnouncements()), ANNOUNCE_DELAY_MS);
    this.announceTimer.unref?.();
  }

  private async flushAnnouncements(): Promise<void> {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = null;
    const coordinator = this.coordinator;
    if (!coordinator) return;
    const removed = [...this.pendingRemoved];
    const changed = [...this.pendingChanged].filter((token) => !this.pendingRemoved.has(token));
    this.pendingRemoved.clear();
    this.pendingChanged.clear();
    const events: ClusterEvent[] = [];
    for (let start = 0; start < removed.length; start += ANNOUNCE_TOKENS)
      events.push({ kind: 'accounts', tokens: removed.slice(start, start + ANNOUNCE_TOKENS) });
    if (changed.length > ANNOUNCE_TOKENS) events.push({ kind: 'changes' });
    else if (changed.length > 0) events.push({ kind: 'accounts', tokens: changed });
    for (const event of events) await coordinator.publish(event).catch(() => {});
  }

  /**
   * Applies a rule to the local copy at once, so picks made before storage answers already see it
   * (no burst onto an account that was just rate limited). The stored row replaces it afterwards.
   */
  private applyLocally(token: string, rule: (account: Account) => Account): void {
    const account = this.index.get(token);
    if (account) this.index.put(rule(account));
  }

  /** Takes a row from storage unless the local copy is already newer; null means it is gone. */
  private absorb(token: string, stored: Account | null): void {
    if (!stored) {
      this.index.remove(token);
      return;
    }
    const local = this.index.get(token);
    if (!local || stored.version >= local.version) {
      this.index.put(stored);
      this.heapRelease.rowsReplaced(1);
    }
  }
}
