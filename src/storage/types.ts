import type { Coordinator } from './coordinator';

/**
 * One storage interface for every driver (SQLite now; Redis, PostgreSQL and MySQL later). Every
 * method that changes an account is atomic in the driver — one statement or one transaction, with
 * no read-modify-write across awaits — so instances sharing a database never lose an update.
 * Nothing here assumes SQL. Times are epoch milliseconds.
 */

export type AccountStatus = 'active' | 'cooling' | 'expired' | 'disabled';

export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['active', 'cooling', 'expired', 'disabled'];

export const BASIC_POOL = 'ssoBasic';
export const SUPER_POOL = 'ssoSuper';
/** The tag of accounts that may serve NSFW requests (the console filters and counts by it). */
export const NSFW_TAG = 'nsfw';
export const isNsfw = (account: { tags: readonly string[] }) => account.tags.includes(NSFW_TAG);

export interface Account {
  token: string;
  /** 'ssoBasic' | 'ssoSuper' | a custom pool name. */
  pool: string;
  status: AccountStatus;
  /** Why the status is what it is (`quota_exhausted`, an upstream error code, an operator's note). */
  statusReason: string | null;
  statusChangedAt: number;
  /** Local estimate of the requests left in the current window. */
  quota: number;
  /** Window size reported by the last quota sync. */
  quotaTotal: number | null;
  windowSeconds: number | null;
  /** Units charged since the window was last seen renewed (used by consumed mode). */
  consumed: number;
  useCount: number;
  /** Consecutive authentication failures; reset by a success or a quota sync. */
  failCount: number;
  lastFailAt: number | null;
  lastFailReason: string | null;
  lastUsedAt: number | null;
  lastSyncAt: number | null;
  /** A cooling account with this set becomes selectable again once the time has passed. */
  cooldownUntil: number | null;
  createdAt: number;
  tags: string[];
  note: string;
  /** When the row last changed, by the storage clock; what `changedSince` compares. */
  updatedAt: number;
  /** Incremented by every write: lets an in-memory copy tell a newer row from an older one. */
  version: number;
  /**
   * Quota windows per upstream mode (`auto`, `fast`, `expert`, `heavy`; see mode-windows.ts). A
   * mode without an entry draws on `quota`. Once `fast` is synced, `quota` mirrors its window.
   */
  modes: Record<string, ModeWindow>;
}

/** One mode's quota window as last synced, charged or rate limited. */
export interface ModeWindow {
  remaining: number;
  total: number | null;
  windowSeconds: number | null;
  syncedAt: number | null;
  /** Why the mode cannot be used (`quota_exhausted`, `rate_limited`, …); null when it can. */
  limitedReason: string | null;
  /** With a reason: when the mode comes back by itself; null = when a quota sync says so. */
  limitedUntil: number | null;
}

/** Fields a caller may give for a new account; everything else starts at its default. */
export type NewAccount = { token: string; pool: string } & Partial<
  Pick<
    Account,
    | 'status'
    | 'statusReason'
    | 'quota'
    | 'quotaTotal'
    | 'windowSeconds'
    | 'consumed'
    | 'useCount'
    | 'failCount'
    | 'lastFailAt'
    | 'lastFailReason'
    | 'lastUsedAt'
    | 'lastSyncAt'
    | 'cooldownUntil'
    | 'createdAt'
    | 'tags'
    | 'note'
    | 'modes'
  >
>;

/** Admin edits and status changes. `statusChangedAt` is set by the store when `status` changes. */
export type AccountPatch = Partial<Omit<NewAccount, 'token' | 'createdAt'>>;

export interface StatusChange {
  to: AccountStatus;
  reason: string | null;
  at: number;
  /** Apply only when the current status is one of these (e.g. never turn `disabled` into `cooling`). */
  from?: readonly AccountStatus[];
  cooldownUntil?: number | null;
  /**
   * The upstream mode the change is about (a 429 on one mode): the mode is limited until
   * `cooldownUntil` (or the next sync) and the account's other modes stay usable.
   */
  mode?: string;
}

export interface SyncResult {
  remaining: number;
  total: number | null;
  windowSeconds: number | null;
  at: number;
  /** Move the account to this pool (tier detected from the window). */
  pool?: string;
  /** Per-mode windows answered by this sync; the top-level numbers are the `fast` one (or P1's single call). */
  modes?: Record<string, { remaining: number; total: number | null; windowSeconds: number | null }>;
  /**
   * The modes this sync asked about (the account's tier can use them). Stored windows of other
   * modes are dropped: nobody refreshes them any more, so a used-up one would never come back.
   */
  modesAsked?: readonly string[];
}

/** A charge: `mode` is the upstream mode the request used (its window is decremented when known). */
export interface SuccessChange {
  units: number;
  at: number;
  mode?: string;
}

/** What an import batch did: the rows as stored afterwards. */
export interface ImportBatchResult {
  added: Account[];
  /** Stored tokens the batch merged into (unchanged rows included, as stored). */
  merged: Account[];
}

export interface ReplaceSummary {
  added: string[];
  updated: string[];
  removed: string[];
}

/** One page of every account in the store's own order; `next` continues after it (null: the last page). */
export interface AccountPage {
  accounts: Account[];
  next: string | null;
}

export interface AccountStore {
  list(filter?: { pool?: string; status?: AccountStatus }): Promise<Account[]>;
  /**
   * Every account in pages of at most `limit`, each one bounded call, from `cursor` (null: the
   * start) in key order, so a row is never read twice or skipped while others are added or removed
   * meanwhile. Optional: without it a caller reads `list()` whole. For large loads (the pool's).
   */
  listPage?(cursor: string | null, limit: number): Promise<AccountPage>;
  get(token: string): Promise<Account | null>;
  count(): Promise<number>;
  /** Never overwrites an existing token; a token repeated in one call is a duplicate the second time. */
  insert(accounts: NewAccount[]): Promise<{ added: string[]; duplicates: string[] }>;
  /**
   * One batch of an import: tokens not stored are inserted as `insert` would, in one transaction
   * where the driver has them; a stored token is merged (account-rules.ts `withImported`: the given
   * fields replace the stored ones, the given tags join the stored tags), IMPORT_MERGE_SLICE
   * accounts per transaction or script. The input has no repeated token.
   */
  importBatch(accounts: NewAccount[]): Promise<ImportBatchResult>;
  update(token: string, patch: AccountPatch): Promise<Account | null>;
  /** Deletes the accounts and records when (see `removedSince`). */
  remove(tokens: string[]): Promise<number>;
  /**
   * Charges a finished request: quota = max(0, quota - units), consumed += units,
   * useCount += units, lastUsedAt, failCount = 0. An active account whose quota reaches 0 turns
   * cooling (`quota_exhausted`); a cooling account whose cooldown has passed turns active again.
   * `disabled` and `expired` keep their status.
   */
  recordSuccess(token: string, change: SuccessChange): Promise<Account | null>;
  /** failCount += 1 and lastFail*; expired once failCount ≥ threshold (never from disabled). */
  recordFailure(token: string, change: { reason: string; at: number; threshold: number }): Promise<Account | null>;
  /**
   * A quota sync result: quota, quotaTotal, windowSeconds, lastSyncAt, failCount = 0. With
   * quota left the account is active (from cooling or expired); with none it is cooling. A
   * disabled account keeps its status: only an operator enables it.
   */
  applySync(token: string, sync: SyncResult): Promise<Account | null>;
  /** Sets a status (and cooldown) if the current status is allowed by `from`; returns the row either way. */
  changeStatus(token: string, change: StatusChange): Promise<Account | null>;
  /**
   * Makes the stored set equal to `accounts` in one transaction: adds the missing, updates the
   * given fields of the present (fields not given keep their stored values), deletes the absent.
   */
  replaceAll(accounts: NewAccount[]): Promise<ReplaceSummary>;
  /**
   * Rows whose updatedAt is after `at`, for instances that keep an in-memory index. Rows for which
   * `known` answers true (the caller holds that version already, e.g. its own writes) may be left
   * out: a SQL driver then reads tokens and versions first and whole rows only for the rest.
   */
  changedSince(at: number, known?: (token: string, version: number) => boolean): Promise<Account[]>;
  /**
   * The stored rows of these tokens (absent ones left out, in no particular order), in a few reads
   * rather than one per token: how an instance takes the accounts another one named as changed.
   */
  getMany(tokens: readonly string[]): Promise<Account[]>;
  /**
   * Tokens removed (by `remove` or `replaceAll`) after `at`, by the same clock as `updatedAt`: the
   * change feed's deletions, kept for REMOVALS_KEPT_MS. A token may also be stored again since.
   */
  removedSince(at: number): Promise<string[]>;
  /**
   * One page of a filtered, sorted listing with counts, answered by the database (the admin
   * console's accounts table). Optional: without it the caller filters `list()` in memory.
   */
  query?(query: AccountQuery): Promise<AccountQueryPage>;
  /**
   * Called once after a bulk write (an import of many accounts): the database refreshes what its
   * planner knows about the table, so the console's indexed pages stay fast right after, not only
   * once background maintenance has caught up. Optional: most stores need nothing.
   */
  afterBulkWrite?(): Promise<void>;
}

/**
 * Accounts an import merges per transaction (SQL stores) or script (Redis). A merge locks or
 * holds what it rewrites: a row lock a request taking a slot on that account waits for, SQLite's
 * write lock and event loop, Redis itself. A merge of 1,000 in one go held them 7–36 ms; 64
 * accounts hold them about 1–2 ms.
 */
export const IMPORT_MERGE_SLICE = 64;

/**
 * Rows per read of the change feed (`changedSince`). An instance applying another's merge of 1,000
 * turns each read into accounts on its event loop at once: reads of 500 rows stalled its requests
 * long enough to show (Redis, instances B and C, chat p99 +47 / +53 % over 25 windows), reads of
 * 50 did not (+6 / +13 %, noise ±11 %).
 */
export const CHANGE_FEED_READ = 50;

/** How long stores remember removed tokens for `removedSince`; an instance further behind reloads. */
export const REMOVALS_KEPT_MS = 24 * 60 * 60 * 1000;

export const ACCOUNT_SORT_KEYS = [
  'created',
  'last_used',
  'last_sync',
  'quota',
  'use_count',
  'fail_count',
  'status',
  'pool',
] as const;
export type AccountSortKey = (typeof ACCOUNT_SORT_KEYS)[number];

export interface AccountQuery {
  status?: AccountStatus;
  pool?: string;
  /** true: tagged `nsfw`; false: not tagged `nsfw`. */
  nsfw?: boolean;
  /** Case-insensitive substring of the token, note, tags or status reason. */
  search?: string;
  sort: AccountSortKey;
  descending: boolean;
  offset: number;
  limit: number;
  /**
   * The counts for this filter when the caller already knows them (the pool index keeps them as
   * rows change): the store then reads only the page's rows, not every row for a GROUP BY.
   */
  knownCounts?: AccountCounts;
}

export type AccountCounts = AccountQueryPage['counts'];

export interface AccountQueryPage {
  /** Rows matching every filter. */
  total: number;
  /** Rows matching every filter but the status (the counts beside each status filter), and `nsfw` of those. */
  counts: Record<AccountStatus | 'all' | 'nsfw', number>;
  accounts: Account[];
}

/**
 * Small JSON documents other features keep (stored responses, media jobs, …), grouped by
 * collection and addressed by id. Every driver implements the same semantics: `put` replaces the
 * whole value; an expired record is invisible and may be purged lazily; `list` orders by id.
 */
export interface RecordStore {
  put(collection: string, id: string, value: unknown, options?: { expiresAt?: number | null }): Promise<void>;
  /** Several puts at once, in one transaction where the driver has one (usage records). */
  putMany?(collection: string, items: { id: string; value: unknown; expiresAt?: number | null }[]): Promise<void>;
  get<T = unknown>(collection: string, id: string): Promise<T | null>;
  delete(collection: string, id: string): Promise<boolean>;
  /** Up to `limit` (default 100) records with id > `after`, in id order. */
  list<T = unknown>(
    collection: string,
    options?: { limit?: number; after?: string },
  ): Promise<{ id: string; value: T }[]>;
}

export type StorageKind = 'sqlite' | 'redis' | 'postgres' | 'mysql';

export interface Storage {
  readonly kind: StorageKind;
  accounts: AccountStore;
  records: RecordStore;
  /** How instances sharing this store coordinate (notices, locks, request slots). */
  coordinator?: Coordinator;
  ping(): Promise<void>;
  /**
   * A liveness check on a connection of its own, so it answers at once on a store that is alive
   * but busy with queued calls (see deadline-storage.ts). Absent: `ping` serves (Redis answers
   * every command in order and fast, so its one connection is enough).
   */
  probe?(): Promise<void>;
  close(): Promise<void>;
}
