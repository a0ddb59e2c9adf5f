import type { Redis } from 'ioredis';
import { parseModeWindows } from '../mode-windows';
import { NO_TAGS, sharedPool, sharedStatus, sharedTags } from '../interned-values';
import { newAccountRecord, withImported, withPatch, withStatusChange, withSync } from '../account-rules';
import {
  CHANGE_FEED_READ,
  IMPORT_MERGE_SLICE,
  REMOVALS_KEPT_MS,
  type Account,
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
import { COMMIT, INSERT_MISSING, RECORD_FAILURE, RECORD_SUCCESS, REMOVE } from './account-scripts';

/**
 * Accounts in Redis (layout in account-scripts.ts). Counters run as Lua scripts; other changes are
 * computed from a read with the shared rules and committed by a version compare-and-set script, so
 * a write based on a stale read is refused and redone rather than overwriting a newer row.
 */

/** Arguments per script call in bulk operations: large enough to be fast, small enough not to stall Redis. */
const BATCH = 500;
/** A compare-and-set only loses to a write that happened meanwhile; this many losses in a row is a bug. */
const CAS_ATTEMPTS = 100;

/** The set of tokens with this status (layout 3; maintained by the scripts in account-scripts.ts). */
export const statusKey = (prefix: string, status: AccountStatus) => `${prefix}status:${status}`;

export function parseAccount(text: string): Account {
  const parsed = JSON.parse(text) as Account;
  // Lua's cjson writes an empty array as {}; rows of layout 1 have no `modes`.
  return {
    ...parsed,
    pool: sharedPool(parsed.pool),
    status: sharedStatus(parsed.status),
    tags: Array.isArray(parsed.tags) ? sharedTags(parsed.tags) : NO_TAGS,
    modes: parseModeWindows(parsed.modes),
  };
}

/**
 * A stored row's version, read without parsing the row: the change feed names every row changed in
 * its overlap, and an instance applying another's merge or quota pass already holds most of them,
 * so parsing each was most of its work. `"version":` after `{` or `,` is a key of the row itself:
 * inside a string every `"` is escaped, and the windows have no such key. Undefined when absent.
 */
function storedVersion(text: string): number | undefined {
  const match = STORED_VERSION.exec(text);
  return match ? Number(match[1]) : undefined;
}

const STORED_VERSION = /[{,]"version":(\d+)[,}]/;

export class RedisAccountStore implements AccountStore {
  private readonly indexKey: string;
  private readonly removedKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number,
  ) {
    this.indexKey = `${prefix}accounts`;
    this.removedKey = `${prefix}removed`;
  }

  async list(filter: { pool?: string; status?: AccountStatus } = {}): Promise<Account[]> {
    // With a status, only that status's set is read (the scheduler's and on-demand refresh's
    // cooling list at 100k accounts); the document's own status is still checked below.
    const tokens =
      filter.status === undefined
        ? await this.redis.zrange(this.indexKey, '0', '-1')
        : await this.redis.smembers(statusKey(this.prefix, filter.status));
    const accounts = (await this.load(tokens)).filter(
      (account) =>
        (filter.pool === undefined || account.pool === filter.pool) &&
        (filter.status === undefined || account.status === filter.status),
    );
    return accounts.sort((a, b) => a.createdAt - b.createdAt || (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  }

  async get(token: string): Promise<Account | null> {
    const text = await this.redis.get(this.accountKey(token));
    return text === null ? null : parseAccount(text);
  }

  count(): Promise<number> {
    return this.redis.zcard(this.indexKey);
  }

  getMany(tokens: readonly string[]): Promise<Account[]> {
    return this.load(tokens);
  }

  async insert(accounts: NewAccount[]): Promise<{ added: string[]; duplicates: string[] }> {
    const at = this.clock();
    const added: string[] = [];
    const duplicates: string[] = [];
    for (let start = 0; start < accounts.length; start += BATCH) {
      const slice = accounts.slice(start, start + BATCH);
      const args: string[] = [this.prefix];
      for (const input of slice) args.push(input.token, JSON.stringify(newAccountRecord(input, at)));
      const results = (await INSERT_MISSING.run(this.redis, [this.indexKey], args)) as number[];
      slice.forEach((input, index) => (results[index] === 1 ? added : duplicates).push(input.token));
    }
    return { added, duplicates };
  }

  /**
   * Inserts what is missing (one script per BATCH), then merges into the rest IMPORT_MERGE_SLICE at a
   * time (the script checks, writes and re-indexes every row while Redis serves nobody else): read
   * them in one MGET, apply the rule, and commit them together by version compare-and-set (redone on
   * a conflict).
   */
  async importBatch(accounts: NewAccount[]): Promise<ImportBatchResult> {
    const result: ImportBatchResult = { added: [], merged: [] };
    const present: NewAccount[] = [];
    const at = this.clock();
    for (let start = 0; start < accounts.length; start += BATCH) {
      const slice = accounts.slice(start, start + BATCH);
      const records = slice.map((input) => newAccountRecord(input, at));
      const args: string[] = [this.prefix];
      for (const record of records) args.push(record.token, JSON.stringify(record));
      const results = (await INSERT_MISSING.run(this.redis, [this.indexKey], args)) as number[];
      records.forEach((record, index) => {
        if (results[index] === 1) result.added.push(record);
        else present.push(slice[index]!);
      });
    }
    for (let start = 0; start < present.length; start += IMPORT_MERGE_SLICE)
      result.merged.push(...(await this.mergeInto(present.slice(start, start + IMPORT_MERGE_SLICE))));
    return result;
  }

  private async mergeInto(inputs: readonly NewAccount[]): Promise<Account[]> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const at = this.clock();
      const texts = await this.redis.mget(inputs.map((input) => this.accountKey(input.token)));
      const merged: Account[] = [];
      const args: (string | number)[] = [this.prefix, -1, at, 0];
      inputs.forEach((input, index) => {
        const text = texts[index];
        if (text === null || text === undefined) return; // removed meanwhile: nothing to merge into
        const current = parseAccount(text);
        const next = withImported(current, input, at);
        if (next === current) {
          merged.push(current);
          return;
        }
        const stored = this.stamped(current, next);
        args.push(input.token, current.version, JSON.stringify(stored));
        merged.push(stored);
      });
      if (args.length === 4 || (await COMMIT.run(this.redis, [this.indexKey, this.removedKey], args)) === 1)
        return merged;
    }
    throw new Error('import kept conflicting with concurrent writes');
  }

  update(token: string, patch: AccountPatch): Promise<Account | null> {
    const at = this.clock();
    return this.mutate(token, (account) => withPatch(account, patch, at));
  }

  async remove(tokens: string[]): Promise<number> {
    let removed = 0;
    const unique = [...new Set(tokens)];
    const at = this.clock();
    for (let start = 0; start < unique.length; start += BATCH) {
      removed += Number(
        await REMOVE.run(
          this.redis,
          [this.indexKey, this.removedKey],
          [this.prefix, at, at - REMOVALS_KEPT_MS, ...unique.slice(start, start + BATCH)],
        ),
      );
    }
    return removed;
  }

  async recordSuccess(token: string, change: SuccessChange): Promise<Account | null> {
    const result = await RECORD_SUCCESS.run(
      this.redis,
      [this.accountKey(token), this.indexKey],
      [token, change.units, change.at, this.clock(), change.mode ?? ''],
    );
    return typeof result === 'string' ? parseAccount(result) : null;
  }

  async recordFailure(
    token: string,
    change: { reason: string; at: number; threshold: number },
  ): Promise<Account | null> {
    const result = await RECORD_FAILURE.run(
      this.redis,
      [this.accountKey(token), this.indexKey],
      [token, change.reason, change.at, change.threshold, this.clock()],
    );
    return typeof result === 'string' ? parseAccount(result) : null;
  }

  applySync(token: string, sync: SyncResult): Promise<Account | null> {
    return this.mutate(token, (account) => withSync(account, sync));
  }

  changeStatus(token: string, change: StatusChange): Promise<Account | null> {
    return this.mutate(token, (account) => withStatusChange(account, change));
  }

  async replaceAll(accounts: NewAccount[]): Promise<ReplaceSummary> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const at = this.clock();
      const stored = new Map((await this.list()).map((account) => [account.token, account]));
      const wanted = new Map(accounts.map((input) => [input.token, input]));
      const summary: ReplaceSummary = { added: [], updated: [], removed: [] };
      const args: (string | number)[] = [this.prefix, stored.size, at, at - REMOVALS_KEPT_MS];
      for (const input of wanted.values()) {
        const current = stored.get(input.token);
        if (!current) {
          args.push(input.token, 0, JSON.stringify(newAccountRecord(input, at)));
          summary.added.push(input.token);
          continue;
        }
        const { token: _token, createdAt: _createdAt, ...patch } = input;
        const next = withPatch(current, patch, at);
        if (next === current) {
          args.push(input.token, current.version, JSON.stringify(current)); // unchanged, but still checked
          continue;
        }
        args.push(input.token, current.version, JSON.stringify(this.stamped(current, next)));
        summary.updated.push(input.token);
      }
      for (const current of stored.values()) {
        if (wanted.has(current.token)) continue;
        args.push(current.token, current.version, '');
        summary.removed.push(current.token);
      }
      if ((await COMMIT.run(this.redis, [this.indexKey, this.removedKey], args)) === 1) return summary;
    }
    throw new Error('replaceAll kept conflicting with concurrent writes');
  }

  async changedSince(at: number, known?: (token: string, version: number) => boolean): Promise<Account[]> {
    const tokens = await this.redis.zrangebyscore(this.indexKey, `(${at}`, '+inf');
    return this.load(tokens, known, CHANGE_FEED_READ);
  }

  removedSince(at: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.removedKey, `(${at}`, '+inf');
  }

  /** Read, apply the rule, commit if the row's version is unchanged; otherwise read again. */
  private async mutate(token: string, rule: (account: Account) => Account): Promise<Account | null> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.get(token);
      if (!current) return null;
      const next = rule(current);
      if (next === current) return current;
      const stored = this.stamped(current, next);
      const committed = await COMMIT.run(
        this.redis,
        [this.indexKey, this.removedKey],
        [this.prefix, -1, stored.updatedAt, 0, token, current.version, JSON.stringify(stored)],
      );
      if (committed === 1) return stored;
    }
    throw new Error('account update kept conflicting with concurrent writes');
  }

  private stamped(current: Account, next: Account): Account {
    return { ...next, updatedAt: this.clock(), version: current.version + 1 };
  }

  private accountKey(token: string): string {
    return `${this.prefix}account:${token}`;
  }

  /** The stored rows of these tokens; with `known`, rows whose version it already holds are not parsed. */
  private async load(
    tokens: readonly string[],
    known?: (token: string, version: number) => boolean,
    batch = BATCH,
  ): Promise<Account[]> {
    const accounts: Account[] = [];
    for (let start = 0; start < tokens.length; start += batch) {
      const slice = tokens.slice(start, start + batch);
      const texts = await this.redis.mget(slice.map((token) => this.accountKey(token)));
      texts.forEach((text, index) => {
        if (text === null) return;
        if (known) {
          const version = storedVersion(text);
          if (version !== undefined && known(slice[index]!, version)) return;
        }
        accounts.push(parseAccount(text));
      });
    }
    return accounts;
  }
}
