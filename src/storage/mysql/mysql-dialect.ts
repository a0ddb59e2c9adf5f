import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { ACCOUNT_COLUMNS, fromNetworkRow, toRow } from '../account-row';
import type { SqlDialect, SqlSession } from '../sql-account-store';
import { countsFrom, countStatement, pageStatement, totalOf, type SqlFlavour } from '../sql-account-query';
import { REMOVALS_KEPT_MS, type Account, type AccountQuery, type AccountQueryPage, type AccountStatus } from '../types';

/** The SQL of SqlAccountStore for MySQL and MariaDB (mysql2, always parameterised). */

const COLUMN_LIST = ACCOUNT_COLUMNS.map((column) => `\`${column}\``).join(', ');
const ASSIGNMENTS = ACCOUNT_COLUMNS.filter((column) => column !== 'token')
  .map((column) => `\`${column}\` = ?`)
  .join(', ');
const OVERWRITE_ALL = ACCOUNT_COLUMNS.filter((column) => column !== 'token')
  .map((column) => `\`${column}\` = VALUES(\`${column}\`)`)
  .join(', ');

/**
 * The accounts table is utf8mb4_bin, so text already sorts by code point and LIKE is
 * case-sensitive (hence LOWER); NULLs sort first ascending and last descending by default.
 */
const FLAVOUR: SqlFlavour = {
  placeholder: () => '?',
  containsIgnoringCase: (column, placeholder) => `LOWER(${column}) LIKE ${placeholder}`,
  orderBy: (column, direction) => `${column} ${direction}`,
  // Without a search the covering (status, pool, nsfw) index answers; with one, every row is read
  // anyway, and one table scan beats walking an index and looking each row up.
  countSource: (searching) =>
    searching
      ? 'accounts IGNORE INDEX (accounts_by_status_created, accounts_by_pool_status, accounts_by_status_pool_nsfw)'
      : 'accounts FORCE INDEX (accounts_by_status_pool_nsfw)',
};

/** InnoDB picks a victim when two transactions wait on each other's gap locks; retrying is the documented answer. */
const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
const DUPLICATE_KEY = 1062;
const ATTEMPTS = 8;

const rowValues = (account: Account) => {
  const row = toRow(account);
  return ACCOUNT_COLUMNS.map((column) => row[column]);
};

function session(connection: PoolConnection): SqlSession {
  return {
    async lockRows(tokens) {
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT ${COLUMN_LIST} FROM accounts WHERE token IN (?) ORDER BY token FOR UPDATE`,
        [tokens],
      );
      return rows.map(fromNetworkRow);
    },
    async lockAll() {
      // Under REPEATABLE READ a full locking read also locks the gaps, so nobody inserts meanwhile.
      const [rows] = await connection.query<RowDataPacket[]>(`SELECT ${COLUMN_LIST} FROM accounts FOR UPDATE`);
      return rows.map(fromNetworkRow);
    },
    async insertMissing(accounts) {
      if (accounts.length === 0) return [];
      const tokens = (rows: readonly Account[]) => rows.map((account) => account.token);
      const insert = (rows: readonly Account[]) =>
        connection.query(`INSERT INTO accounts (${COLUMN_LIST}) VALUES ?`, [rows.map(rowValues)]);
      /** False when a token of `rows` exists (InnoDB rolls back the statement, not the transaction). */
      const inserted = async (rows: readonly Account[]) => {
        try {
          await insert(rows);
          return true;
        } catch (error) {
          if ((error as { errno?: unknown } | null)?.errno !== DUPLICATE_KEY) throw error;
          return false;
        }
      };
      // The store offers only tokens it found absent, so one plain INSERT usually does it.
      if (await inserted(accounts)) return tokens(accounts);
      // Another writer inserted one meanwhile. MySQL has no INSERT … RETURNING to say which: learn
      // which are still missing under lock (gap locks included, so nobody inserts before we do).
      const [stored] = await connection.query<RowDataPacket[]>(
        'SELECT token FROM accounts WHERE token IN (?) FOR UPDATE',
        [tokens(accounts)],
      );
      const present = new Set(stored.map((row) => String(row.token)));
      const missing = accounts.filter((account) => !present.has(account.token));
      if (missing.length > 0) await insert(missing);
      return tokens(missing);
    },
    async write(account) {
      const [, ...values] = rowValues(account);
      await connection.query(`UPDATE accounts SET ${ASSIGNMENTS} WHERE token = ?`, [...values, account.token]);
    },
    async writeMany(accounts) {
      if (accounts.length === 0) return;
      // The rows exist and are locked: the upsert always takes its UPDATE branch.
      await connection.query(
        `INSERT INTO accounts (${COLUMN_LIST}) VALUES ? ON DUPLICATE KEY UPDATE ${OVERWRITE_ALL}`,
        [accounts.map(rowValues)],
      );
    },
    async deleteTokens(tokens, at) {
      if (tokens.length === 0) return 0;
      // Locks the rows first, so the removal records name exactly the rows this transaction deletes.
      const [existing] = await connection.query<RowDataPacket[]>(
        'SELECT token FROM accounts WHERE token IN (?) FOR UPDATE',
        [tokens],
      );
      if (existing.length === 0) return 0;
      const present = existing.map((row) => String(row.token));
      const [result] = await connection.query<ResultSetHeader>('DELETE FROM accounts WHERE token IN (?)', [present]);
      await connection.query(
        'INSERT INTO account_removals (token, removed_at) VALUES ? ON DUPLICATE KEY UPDATE removed_at = VALUES(removed_at)',
        [present.map((token) => [token, at])],
      );
      await connection.query('DELETE FROM account_removals WHERE removed_at < ?', [at - REMOVALS_KEPT_MS]);
      return result.affectedRows;
    },
  };
}

function isRetryable(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return errno === DEADLOCK || errno === LOCK_WAIT_TIMEOUT;
}

/** A short random pause before the next attempt, so two victims of one deadlock do not meet again at once. */
function backoff(attempt: number): Promise<void> {
  return Bun.sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
}

/** Runs one self-contained statement (or a few, each safe to repeat) again when InnoDB picked it as a deadlock victim. */
export async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      await backoff(attempt);
    }
  }
}

/** Runs `work` in one transaction on one connection; a deadlock victim is run again from the start. */
export async function withTransaction<T>(pool: Pool, work: (connection: PoolConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await work(connection);
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => {});
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
    } finally {
      connection.release();
    }
    await backoff(attempt);
  }
}

export function mysqlDialect(pool: Pool): SqlDialect {
  const read = async (statement: string, values: unknown[] = []) => {
    const [rows] = await pool.query<RowDataPacket[]>(statement, values);
    return rows;
  };
  return {
    transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      return withTransaction(pool, (connection) => work(session(connection)));
    },
    async list(filter: { pool?: string; status?: AccountStatus }): Promise<Account[]> {
      const conditions: string[] = [];
      const values: string[] = [];
      if (filter.pool !== undefined) {
        conditions.push('pool = ?');
        values.push(filter.pool);
      }
      if (filter.status !== undefined) {
        conditions.push('status = ?');
        values.push(filter.status);
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      return (await read(`SELECT ${COLUMN_LIST} FROM accounts ${where} ORDER BY created_at, token`, values)).map(
        fromNetworkRow,
      );
    },
    async listAfter(after, limit) {
      const rows =
        after === null
          ? await read(`SELECT ${COLUMN_LIST} FROM accounts ORDER BY token LIMIT ?`, [limit])
          : await read(`SELECT ${COLUMN_LIST} FROM accounts WHERE token > ? ORDER BY token LIMIT ?`, [after, limit]);
      return rows.map(fromNetworkRow);
    },
    async get(token) {
      const [row] = await read(`SELECT ${COLUMN_LIST} FROM accounts WHERE token = ?`, [token]);
      return row ? fromNetworkRow(row) : null;
    },
    async count() {
      const [row] = await read('SELECT COUNT(*) AS total FROM accounts');
      return Number(row?.total ?? 0);
    },
    async changedSince(at) {
      return (await read(`SELECT ${COLUMN_LIST} FROM accounts WHERE updated_at > ? ORDER BY updated_at`, [at])).map(
        fromNetworkRow,
      );
    },
    async changedVersionsSince(at) {
      return (await read('SELECT token, version FROM accounts WHERE updated_at > ?', [at])).map((row) => ({
        token: String(row.token),
        version: Number(row.version),
      }));
    },
    async getMany(tokens) {
      if (tokens.length === 0) return [];
      return (await read(`SELECT ${COLUMN_LIST} FROM accounts WHERE token IN (?)`, [tokens])).map(fromNetworkRow);
    },
    async storedTokens(tokens) {
      if (tokens.length === 0) return [];
      return (await read('SELECT token FROM accounts WHERE token IN (?)', [tokens])).map((row) => String(row.token));
    },
    async removedSince(at) {
      return (await read('SELECT token FROM account_removals WHERE removed_at > ?', [at])).map((row) =>
        String(row.token),
      );
    },
    async query(query: AccountQuery): Promise<AccountQueryPage> {
      const count = countStatement(query, FLAVOUR);
      const page = pageStatement(query, FLAVOUR);
      const [countRows, pageRows] = await Promise.all([
        query.knownCounts ? null : read(count.text, count.values),
        read(page.text, page.values),
      ]);
      const counts = query.knownCounts ?? countsFrom(countRows as { status: unknown; total: unknown; nsfw: unknown }[]);
      return { total: totalOf(query, counts), counts, accounts: pageRows.map(fromNetworkRow) };
    },
  };
}
