import type { Database, Statement } from 'bun:sqlite';
import {
  newAccountRecord,
  withFailure,
  withImported,
  withPatch,
  withStatusChange,
  withSuccess,
  withSync,
} from '../account-rules';
import {
  IMPORT_MERGE_SLICE,
  REMOVALS_KEPT_MS,
  type Account,
  type AccountPage,
  type AccountQuery,
  type AccountQueryPage,
  type AccountPatch,
  type AccountStatus,
  type AccountStore,
  type ImportBatchResult,
  type NewAccount,
  type ReplaceSummary,
  type StatusChange,
  type SuccessChange,
  type SyncResult,
} from '../types';
import { ACCOUNT_COLUMNS, toAccount, toRow, type AccountRow } from '../account-row';
import { queryAccountsSql } from './account-query-sql';
import { yieldToRequests } from '../yield-to-requests';

/**
 * Accounts in SQLite. Every change is one IMMEDIATE transaction: it takes the write lock before
 * reading, so a read-modify-write cannot interleave with another connection's, and bun:sqlite runs
 * it synchronously, so nothing else in this process interleaves either.
 */

const columnList = ACCOUNT_COLUMNS.join(', ');
const parameterList = ACCOUNT_COLUMNS.map((column) => `$${column}`).join(', ');
const assignments = ACCOUNT_COLUMNS.filter((column) => column !== 'token')
  .map((column) => `${column} = $${column}`)
  .join(', ');

type Parameters = Record<string, string | number | null>;

/** Mode names that are safe as a bare JSON path key; others take the transaction. */
const PLAIN_MODE = /^[a-z][a-z0-9_]*$/;

export class SqliteAccountStore implements AccountStore {
  private readonly selectOne: Statement<AccountRow, [Parameters]>;
  private readonly insertOne: Statement<unknown, [Parameters]>;
  private readonly writeOne: Statement<unknown, [Parameters]>;
  private readonly deleteOne: Statement<unknown, [Parameters]>;
  private readonly recordRemoval: Statement<unknown, [Parameters]>;
  private readonly chargePlain: Statement<AccountRow, [Parameters]>;

  constructor(
    private readonly database: Database,
    private readonly clock: () => number,
  ) {
    this.selectOne = database.query(`SELECT ${columnList} FROM accounts WHERE token = $token`);
    this.insertOne = database.query(
      `INSERT INTO accounts (${columnList}) VALUES (${parameterList}) ON CONFLICT (token) DO NOTHING`,
    );
    this.writeOne = database.query(`UPDATE accounts SET ${assignments} WHERE token = $token`);
    this.deleteOne = database.query('DELETE FROM accounts WHERE token = $token');
    this.recordRemoval = database.query(
      'INSERT INTO account_removals (token, removed_at) VALUES ($token, $at) ON CONFLICT (token) DO UPDATE SET removed_at = $at',
    );
    // The common charge as one statement (no read, no JSON round trip). The WHERE clause admits
    // only rows for which withSuccess changes nothing but these counters: active (so not locked
    // and not a cooling account coming back), quota stays above 0 (no cooling for exhaustion),
    // and no window of its own for the charged mode (a JSON it cannot read goes the long way).
    this.chargePlain = database.query(
      `UPDATE accounts SET quota = quota - $units, consumed = consumed + $units, use_count = use_count + $units,
         last_used_at = $at, fail_count = 0, updated_at = $now, version = version + 1
       WHERE token = $token AND status = 'active' AND quota > $units
         AND ($path IS NULL OR CASE WHEN json_valid(modes) THEN json_type(modes, $path) IS NULL ELSE 0 END)
       RETURNING ${columnList}`,
    );
  }

  async list(filter: { pool?: string; status?: AccountStatus } = {}): Promise<Account[]> {
    const conditions: string[] = [];
    const parameters: Parameters = {};
    if (filter.pool !== undefined) {
      conditions.push('pool = $pool');
      parameters.pool = filter.pool;
    }
    if (filter.status !== undefined) {
      conditions.push('status = $status');
      parameters.status = filter.status;
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.database
      .query<AccountRow, [Parameters]>(`SELECT ${columnList} FROM accounts ${where} ORDER BY created_at, token`)
      .all(parameters);
    return rows.map(toAccount);
  }

  async listPage(cursor: string | null, limit: number): Promise<AccountPage> {
    const accounts = this.database
      .query<AccountRow, [string, number]>(`SELECT ${columnList} FROM accounts WHERE token > ? ORDER BY token LIMIT ?`)
      .all(cursor ?? '', limit)
      .map(toAccount);
    return { accounts, next: accounts.length < limit ? null : accounts.at(-1)!.token };
  }

  async get(token: string): Promise<Account | null> {
    const row = this.selectOne.get({ token });
    return row ? toAccount(row) : null;
  }

  async getMany(tokens: readonly string[]): Promise<Account[]> {
    const rows: Account[] = [];
    // One statement per 500 tokens, the list passed as one JSON text (no statement per list length).
    for (let start = 0; start < tokens.length; start += 500) {
      const slice = JSON.stringify(tokens.slice(start, start + 500));
      for (const row of this.database
        .query<AccountRow, [string]>(
          `SELECT ${columnList} FROM accounts WHERE token IN (SELECT value FROM json_each(?))`,
        )
        .all(slice))
        rows.push(toAccount(row));
    }
    return rows;
  }

  async count(): Promise<number> {
    return this.database.query<{ total: number }, []>('SELECT COUNT(*) AS total FROM accounts').get()?.total ?? 0;
  }

  async insert(accounts: NewAccount[]): Promise<{ added: string[]; duplicates: string[] }> {
    const at = this.clock();
    return this.durably(() => {
      const added: string[] = [];
      const duplicates: string[] = [];
      for (const input of accounts) {
        const { changes } = this.insertOne.run(toRow(newAccountRecord(input, at)) as unknown as Parameters);
        (changes > 0 ? added : duplicates).push(input.token);
      }
      return { added, duplicates };
    });
  }

  /**
   * Inserts what is missing in one transaction, then merges into the rest IMPORT_MERGE_SLICE at a
   * time, each slice a transaction of its own with other work let in between: a transaction holds
   * the database's write lock (every instance's writes wait for it) and, synchronous here, this
   * process's event loop.
   */
  async importBatch(accounts: NewAccount[]): Promise<ImportBatchResult> {
    const at = this.clock();
    const result: ImportBatchResult = { added: [], merged: [] };
    const present = this.durably(() => {
      const existing: NewAccount[] = [];
      for (const input of accounts) {
        const fresh = newAccountRecord(input, at);
        if (this.insertOne.run(toRow(fresh) as unknown as Parameters).changes > 0) result.added.push(fresh);
        else existing.push(input);
      }
      return existing;
    });
    for (let start = 0; start < present.length; start += IMPORT_MERGE_SLICE) {
      if (start > 0) await yieldToRequests();
      const merged = this.durably(() =>
        present.slice(start, start + IMPORT_MERGE_SLICE).flatMap((input) => {
          const row = this.selectOne.get({ token: input.token });
          if (!row) return [];
          const current = toAccount(row);
          const next = withImported(current, input, at);
          return [next === current ? current : this.write(current, next)];
        }),
      );
      result.merged.push(...merged);
    }
    return result;
  }

  async update(token: string, patch: AccountPatch): Promise<Account | null> {
    const at = this.clock();
    return this.mutate(token, (account) => withPatch(account, patch, at));
  }

  async remove(tokens: string[]): Promise<number> {
    const at = this.clock();
    return this.durably(() => {
      const removed = tokens.reduce((count, token) => count + this.removeOne(token, at), 0);
      if (removed > 0) this.forgetOldRemovals(at);
      return removed;
    });
  }

  /** Deletes one row and records its removal (the change feed's deletions); 1 when it existed. */
  private removeOne(token: string, at: number): number {
    const { changes } = this.deleteOne.run({ token });
    if (changes > 0) this.recordRemoval.run({ token, at });
    return changes;
  }

  private forgetOldRemovals(at: number): void {
    this.database.run('DELETE FROM account_removals WHERE removed_at < ?', [at - REMOVALS_KEPT_MS]);
  }

  async recordSuccess(token: string, change: SuccessChange): Promise<Account | null> {
    // The profile's largest storage cost: try the one-statement charge first; any row it does not
    // admit (a mode window, a status change, a missing token) takes the rule in a transaction.
    if (change.mode === undefined || PLAIN_MODE.test(change.mode)) {
      const row = this.chargePlain.get({
        token,
        units: Math.max(0, change.units),
        at: change.at,
        now: this.clock(),
        path: change.mode === undefined ? null : `$.${change.mode}`,
      });
      if (row) return toAccount(row);
    }
    return this.mutate(token, (account) => withSuccess(account, change));
  }

  async recordFailure(
    token: string,
    change: { reason: string; at: number; threshold: number },
  ): Promise<Account | null> {
    return this.mutate(token, (account) => withFailure(account, change));
  }

  async applySync(token: string, sync: SyncResult): Promise<Account | null> {
    return this.mutate(token, (account) => withSync(account, sync));
  }

  async changeStatus(token: string, change: StatusChange): Promise<Account | null> {
    return this.mutate(token, (account) => withStatusChange(account, change));
  }

  async replaceAll(accounts: NewAccount[]): Promise<ReplaceSummary> {
    const at = this.clock();
    return this.durably(() => {
      const summary: ReplaceSummary = { added: [], updated: [], removed: [] };
      const wanted = new Map(accounts.map((input) => [input.token, input]));
      for (const input of wanted.values()) {
        const row = this.selectOne.get({ token: input.token });
        if (!row) {
          this.insertOne.run(toRow(newAccountRecord(input, at)) as unknown as Parameters);
          summary.added.push(input.token);
          continue;
        }
        // Fields not given keep their stored values; `createdAt` never changes after creation.
        const { token: _token, createdAt: _createdAt, ...patch } = input;
        const current = toAccount(row);
        const next = withPatch(current, patch, at);
        if (next !== current) {
          this.write(current, next);
          summary.updated.push(input.token);
        }
      }
      const stored = this.database.query<{ token: string }, []>('SELECT token FROM accounts').all();
      for (const { token } of stored) {
        if (wanted.has(token)) continue;
        this.removeOne(token, at);
        summary.removed.push(token);
      }
      if (summary.removed.length > 0) this.forgetOldRemovals(at);
      return summary;
    });
  }

  async query(query: AccountQuery): Promise<AccountQueryPage> {
    return queryAccountsSql(this.database, query);
  }

  async changedSince(at: number, known?: (token: string, version: number) => boolean): Promise<Account[]> {
    if (!known) {
      return this.database
        .query<AccountRow, [Parameters]>(
          `SELECT ${columnList} FROM accounts WHERE updated_at > $at ORDER BY updated_at`,
        )
        .all({ at })
        .map(toAccount);
    }
    const changed = this.database
      .query<{ token: string; version: number }, [number]>('SELECT token, version FROM accounts WHERE updated_at > ?')
      .all(at);
    const rows: Account[] = [];
    for (const { token, version } of changed) {
      if (known(token, version)) continue;
      const row = this.selectOne.get({ token });
      if (row) rows.push(toAccount(row));
    }
    return rows;
  }

  async removedSince(at: number): Promise<string[]> {
    return this.database
      .query<{ token: string }, [number]>('SELECT token FROM account_removals WHERE removed_at > ?')
      .all(at)
      .map((row) => row.token);
  }

  /** Read, apply a rule, write back: one IMMEDIATE transaction. Unchanged rows are not written. */
  private mutate(token: string, rule: (account: Account) => Account): Account | null {
    return this.database
      .transaction(() => {
        const row = this.selectOne.get({ token });
        if (!row) return null;
        const current = toAccount(row);
        const next = rule(current);
        return next === current ? current : this.write(current, next);
      })
      .immediate();
  }

  private write(current: Account, next: Account): Account {
    const stored: Account = { ...next, updatedAt: this.clock(), version: current.version + 1 };
    this.writeOne.run(toRow(stored) as unknown as Parameters);
    return stored;
  }

  /**
   * Changes to the set of tokens are rare and precious, so they are synced to disk at commit
   * (synchronous=FULL) even though the hot-path counters run with NORMAL.
   */
  private durably<T>(work: () => T): T {
    this.database.run('PRAGMA synchronous = FULL');
    try {
      return this.database.transaction(work).immediate();
    } finally {
      this.database.run('PRAGMA synchronous = NORMAL');
    }
  }
}
