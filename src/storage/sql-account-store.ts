import {
  newAccountRecord,
  withFailure,
  withImported,
  withPatch,
  withStatusChange,
  withSuccess,
  withSync,
} from './account-rules';
import {
  CHANGE_FEED_READ,
  IMPORT_MERGE_SLICE,
  type Account,
  type AccountPatch,
  type AccountQuery,
  type AccountQueryPage,
  type AccountStatus,
  type AccountPage,
  type AccountStore,
  type ImportBatchResult,
  type NewAccount,
  type ReplaceSummary,
  type StatusChange,
  type SuccessChange,
  type SyncResult,
} from './types';

/**
 * The account rules over a networked SQL server (PostgreSQL, MySQL/MariaDB). Every change is one
 * transaction that locks the rows it reads (`SELECT … FOR UPDATE`) before applying the pure rule
 * from account-rules.ts and writing the result, so two instances charging the same account queue on
 * the row lock instead of overwriting each other. The dialect supplies the SQL.
 */

/** Statements run inside one transaction. */
export interface SqlSession {
  /** Locks and returns the rows of these tokens that exist. */
  lockRows(tokens: readonly string[]): Promise<Account[]>;
  /** Locks the whole table against concurrent inserts and returns every row. */
  lockAll(): Promise<Account[]>;
  /** Inserts, skipping tokens that exist; returns the tokens it inserted. Input has no repeats. */
  insertMissing(accounts: readonly Account[]): Promise<string[]>;
  /** Overwrites every column of an existing row. */
  write(account: Account): Promise<void>;
  /** `write` for many rows in one statement (rows the transaction has locked). */
  writeMany(accounts: readonly Account[]): Promise<void>;
  /** Deletes the rows and records their tokens as removed at `at` (the change feed's deletions). */
  deleteTokens(tokens: readonly string[], at: number): Promise<number>;
}

export interface SqlDialect {
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  list(filter: { pool?: string; status?: AccountStatus }): Promise<Account[]>;
  /** At most `limit` rows with a token after `after` (null: from the first), in token order. */
  listAfter(after: string | null, limit: number): Promise<Account[]>;
  get(token: string): Promise<Account | null>;
  count(): Promise<number>;
  changedSince(at: number): Promise<Account[]>;
  /** Tokens and versions of the rows changed after `at`. */
  changedVersionsSince(at: number): Promise<{ token: string; version: number }[]>;
  /** The rows of these tokens that exist (at most CHUNK tokens). */
  getMany(tokens: readonly string[]): Promise<Account[]>;
  /** Which of these tokens are stored (at most CHUNK tokens): a plain read that locks nothing. */
  storedTokens(tokens: readonly string[]): Promise<string[]>;
  /** Tokens recorded as removed after `at` (deleteTokens forgets records older than REMOVALS_KEPT_MS). */
  removedSince(at: number): Promise<string[]>;
  /** The admin console's page (see sql-account-query.ts). */
  query(query: AccountQuery): Promise<AccountQueryPage>;
  /** See AccountStore.afterBulkWrite. */
  afterBulkWrite?(): Promise<void>;
}

/** Big imports go in slices so one statement never exceeds the server's parameter limit. */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export class SqlAccountStore implements AccountStore {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly clock: () => number,
  ) {}

  list(filter: { pool?: string; status?: AccountStatus } = {}): Promise<Account[]> {
    return this.dialect.list(filter);
  }

  async listPage(cursor: string | null, limit: number): Promise<AccountPage> {
    const accounts = await this.dialect.listAfter(cursor, limit);
    return { accounts, next: accounts.length < limit ? null : accounts.at(-1)!.token };
  }

  get(token: string): Promise<Account | null> {
    return this.dialect.get(token);
  }

  count(): Promise<number> {
    return this.dialect.count();
  }

  async insert(accounts: NewAccount[]): Promise<{ added: string[]; duplicates: string[] }> {
    const at = this.clock();
    const seen = new Set<string>();
    const fresh: Account[] = [];
    for (const input of accounts) {
      if (!seen.has(input.token)) fresh.push(newAccountRecord(input, at));
      seen.add(input.token);
    }
    const inserted = new Set(await this.insertAbsent(fresh));
    const added: string[] = [];
    const duplicates: string[] = [];
    for (const input of accounts) {
      if (inserted.delete(input.token)) added.push(input.token);
      else duplicates.push(input.token);
    }
    return { added, duplicates };
  }

  /**
   * Inserts what is not stored (insertAbsent), then merges into the rest IMPORT_MERGE_SLICE at a
   * time, each slice a transaction of its own: a request taking a slot on one of them (the
   * coordinators' `SELECT … FOR UPDATE`) waits for the slice, not the import. A token another
   * writer inserts meanwhile is merged like the others.
   */
  async importBatch(accounts: NewAccount[]): Promise<ImportBatchResult> {
    const at = this.clock();
    const fresh = new Map(accounts.map((input) => [input.token, newAccountRecord(input, at)]));
    const added = await this.insertAbsent([...fresh.values()]);
    const result: ImportBatchResult = { added: added.map((token) => fresh.get(token)!), merged: [] };
    for (const token of added) fresh.delete(token);
    const given = new Map(accounts.map((input) => [input.token, input]));
    for (const slice of chunks([...fresh.keys()], IMPORT_MERGE_SLICE)) {
      const merged = await this.dialect.transaction(async (session) => {
        const rows: Account[] = [];
        const changed: Account[] = [];
        for (const current of await session.lockRows(slice)) {
          const next = withImported(current, given.get(current.token)!, at);
          const stored = next === current ? current : this.stamped(current, next);
          if (stored !== current) changed.push(stored);
          rows.push(stored);
        }
        await session.writeMany(changed);
        return rows;
      });
      result.merged.push(...merged);
    }
    return result;
  }

  update(token: string, patch: AccountPatch): Promise<Account | null> {
    const at = this.clock();
    return this.mutate(token, (account) => withPatch(account, patch, at));
  }

  async remove(tokens: string[]): Promise<number> {
    const unique = [...new Set(tokens)];
    const at = this.clock();
    return this.dialect.transaction(async (session) => {
      let removed = 0;
      for (const slice of chunks(unique)) removed += await session.deleteTokens(slice, at);
      return removed;
    });
  }

  recordSuccess(token: string, change: SuccessChange): Promise<Account | null> {
    return this.mutate(token, (account) => withSuccess(account, change));
  }

  recordFailure(token: string, change: { reason: string; at: number; threshold: number }): Promise<Account | null> {
    return this.mutate(token, (account) => withFailure(account, change));
  }

  applySync(token: string, sync: SyncResult): Promise<Account | null> {
    return this.mutate(token, (account) => withSync(account, sync));
  }

  changeStatus(token: string, change: StatusChange): Promise<Account | null> {
    return this.mutate(token, (account) => withStatusChange(account, change));
  }

  async replaceAll(accounts: NewAccount[]): Promise<ReplaceSummary> {
    const at = this.clock();
    return this.dialect.transaction(async (session) => {
      const summary: ReplaceSummary = { added: [], updated: [], removed: [] };
      const wanted = new Map(accounts.map((input) => [input.token, input]));
      const stored = new Map((await session.lockAll()).map((account) => [account.token, account]));
      const fresh: Account[] = [];
      const changed: Account[] = [];
      for (const input of wanted.values()) {
        const current = stored.get(input.token);
        if (!current) {
          fresh.push(newAccountRecord(input, at));
          continue;
        }
        // Fields not given keep their stored values; `createdAt` never changes after creation.
        const { token: _token, createdAt: _createdAt, ...patch } = input;
        const next = withPatch(current, patch, at);
        if (next === current) continue;
        changed.push(this.stamped(current, next));
        summary.updated.push(input.token);
      }
      for (const slice of chunks(changed)) await session.writeMany(slice);
      for (const slice of chunks(fresh)) summary.added.push(...(await session.insertMissing(slice)));
      const absent = [...stored.keys()].filter((token) => !wanted.has(token));
      for (const slice of chunks(absent)) await session.deleteTokens(slice, at);
      summary.removed.push(...absent);
      return summary;
    });
  }

  async changedSince(at: number, known?: (token: string, version: number) => boolean): Promise<Account[]> {
    if (!known) return this.dialect.changedSince(at);
    const tokens = (await this.dialect.changedVersionsSince(at))
      .filter((row) => !known(row.token, row.version))
      .map((row) => row.token);
    return this.readInSlices(tokens, CHANGE_FEED_READ, (slice) => this.dialect.getMany(slice));
  }

  getMany(tokens: readonly string[]): Promise<Account[]> {
    return this.readInSlices(tokens, CHUNK, (slice) => this.dialect.getMany(slice));
  }

  /** What `read` answers for these tokens, `perRead` tokens a statement. */
  private async readInSlices<T>(
    tokens: readonly string[],
    perRead: number,
    read: (slice: string[]) => Promise<T[]>,
  ): Promise<T[]> {
    const found: T[] = [];
    for (const slice of chunks(tokens, perRead)) found.push(...(await read(slice)));
    return found;
  }

  /**
   * Inserts the accounts whose token is not stored (one transaction, a statement per 500) and
   * returns the tokens it inserted (input has no repeats). A plain read first learns which are
   * stored, so no stored row is sent for the insert to refuse nor locked by it.
   */
  private async insertAbsent(accounts: readonly Account[]): Promise<string[]> {
    const tokens = accounts.map((account) => account.token);
    const stored = new Set(await this.readInSlices(tokens, CHUNK, (slice) => this.dialect.storedTokens(slice)));
    const absent = accounts.filter((account) => !stored.has(account.token));
    return this.dialect.transaction(async (session) => {
      const inserted: string[] = [];
      for (const slice of chunks(absent)) inserted.push(...(await session.insertMissing(slice)));
      return inserted;
    });
  }

  removedSince(at: number): Promise<string[]> {
    return this.dialect.removedSince(at);
  }

  async afterBulkWrite(): Promise<void> {
    await this.dialect.afterBulkWrite?.();
  }

  query(query: AccountQuery): Promise<AccountQueryPage> {
    return this.dialect.query(query);
  }

  /** Lock the row, apply the rule, write back, commit. Unchanged rows are not written. */
  private mutate(token: string, rule: (account: Account) => Account): Promise<Account | null> {
    return this.dialect.transaction(async (session) => {
      const [current] = await session.lockRows([token]);
      if (!current) return null;
      const next = rule(current);
      if (next === current) return current;
      const stored = this.stamped(current, next);
      await session.write(stored);
      return stored;
    });
  }

  private stamped(current: Account, next: Account): Account {
    return { ...next, updatedAt: this.clock(), version: current.version + 1 };
  }
}
