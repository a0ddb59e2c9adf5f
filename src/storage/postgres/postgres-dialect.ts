import type { ReservedSql, Sql } from 'postgres';
import { ACCOUNT_COLUMNS, fromNetworkRow, toRow } from '../account-row';
import type { SqlDialect, SqlSession } from '../sql-account-store';
import { countsFrom, countStatement, pageStatement, totalOf, type SqlFlavour } from '../sql-account-query';
import { REMOVALS_KEPT_MS, type Account, type AccountQuery, type AccountQueryPage, type AccountStatus } from '../types';

/** The SQL of SqlAccountStore for PostgreSQL (postgres.js tagged templates, always parameterised). */

const WRITABLE_COLUMNS = ACCOUNT_COLUMNS.filter((column) => column !== 'token');
const OVERWRITE_ALL = WRITABLE_COLUMNS.map((column) => `${column} = EXCLUDED.${column}`).join(', ');

function session(transaction: ReservedSql): SqlSession {
  const sql = transaction;
  return {
    async lockRows(tokens) {
      const rows =
        await sql`SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts WHERE token IN ${sql(tokens)} ORDER BY token FOR UPDATE`;
      return rows.map(fromNetworkRow);
    },
    async lockAll() {
      // EXCLUSIVE still lets readers in but stops inserts and writes until the replace commits.
      await sql`LOCK TABLE accounts IN EXCLUSIVE MODE`;
      return (await sql`SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts`).map(fromNetworkRow);
    },
    async insertMissing(accounts) {
      if (accounts.length === 0) return [];
      const rows = accounts.map(toRow);
      const inserted = await sql<{ token: string }[]>`
        INSERT INTO accounts ${sql(rows, ACCOUNT_COLUMNS)} ON CONFLICT (token) DO NOTHING RETURNING token`;
      return inserted.map((row) => row.token);
    },
    async write(account) {
      const row = toRow(account);
      await sql`UPDATE accounts SET ${sql(row, WRITABLE_COLUMNS)} WHERE token = ${account.token}`;
    },
    async writeMany(accounts) {
      if (accounts.length === 0) return;
      // The rows exist and are locked: the upsert always takes its UPDATE branch.
      await sql`
        INSERT INTO accounts ${sql(accounts.map(toRow), ACCOUNT_COLUMNS)}
        ON CONFLICT (token) DO UPDATE SET ${sql.unsafe(OVERWRITE_ALL)}`;
    },
    async deleteTokens(tokens, at) {
      if (tokens.length === 0) return 0;
      const removed = await sql<
        { token: string }[]
      >`DELETE FROM accounts WHERE token IN ${sql(tokens)} RETURNING token`;
      if (removed.length > 0) {
        const rows = removed.map((row) => ({ token: row.token, removed_at: at }));
        await sql`
          INSERT INTO account_removals ${sql(rows, 'token', 'removed_at')}
          ON CONFLICT (token) DO UPDATE SET removed_at = EXCLUDED.removed_at`;
        await sql`DELETE FROM account_removals WHERE removed_at < ${at - REMOVALS_KEPT_MS}`;
      }
      return removed.length;
    },
  };
}

/** Text sorts by code point (COLLATE "C"), like JavaScript and the other stores, whatever the database's locale. */
const FLAVOUR: SqlFlavour = {
  placeholder: (position) => `$${position}`,
  containsIgnoringCase: (column, placeholder) => `lower(${column}) LIKE ${placeholder}`,
  orderBy: (column, direction, text) =>
    `${column}${text ? ' COLLATE "C"' : ''} ${direction} NULLS ${direction === 'ASC' ? 'FIRST' : 'LAST'}`,
  countSource: () => 'accounts',
};

/** Deadlock victims and serialization failures: PostgreSQL asks the client to run the transaction again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 8;

/**
 * Runs `work` in one transaction on a connection reserved for it. Not `sql.begin`: postgres.js
 * 3.4 can pipeline a `BEGIN` onto a busy pooled connection without reserving it, which fails the
 * transaction with UNSAFE_TRANSACTION under load (porsager/postgres#823). A reserved connection
 * runs only our statements until released, so BEGIN/COMMIT on it are safe.
 */
export async function inTransaction<T>(sql: Sql, work: (transaction: ReservedSql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const connection = await sql.reserve();
    try {
      await connection`BEGIN`;
      const result = await work(connection);
      await connection`COMMIT`;
      return result;
    } catch (error) {
      await connection`ROLLBACK`.catch(() => {});
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    } finally {
      connection.release();
    }
    await Bun.sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
  }
}

export function postgresDialect(sql: Sql): SqlDialect {
  return {
    async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      return inTransaction(sql, (transaction) => work(session(transaction)));
    },
    async list(filter: { pool?: string; status?: AccountStatus }): Promise<Account[]> {
      const rows = await sql`
        SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts
        WHERE (${filter.pool ?? null}::text IS NULL OR pool = ${filter.pool ?? null})
          AND (${filter.status ?? null}::text IS NULL OR status = ${filter.status ?? null})
        ORDER BY created_at, token`;
      return rows.map(fromNetworkRow);
    },
    async listAfter(after, limit) {
      const rows = await sql`
        SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts
        WHERE (${after}::text IS NULL OR token > ${after}) ORDER BY token LIMIT ${limit}`;
      return rows.map(fromNetworkRow);
    },
    async get(token) {
      const [row] = await sql`SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts WHERE token = ${token}`;
      return row ? fromNetworkRow(row) : null;
    },
    async count() {
      const [row] = await sql<{ total: string }[]>`SELECT COUNT(*) AS total FROM accounts`;
      return Number(row?.total ?? 0);
    },
    async changedSince(at) {
      const rows = await sql`SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts WHERE updated_at > ${at} ORDER BY updated_at`;
      return rows.map(fromNetworkRow);
    },
    async changedVersionsSince(at) {
      const rows = await sql<{ token: string; version: string | number }[]>`
        SELECT token, version FROM accounts WHERE updated_at > ${at}`;
      return rows.map((row) => ({ token: row.token, version: Number(row.version) }));
    },
    async getMany(tokens) {
      if (tokens.length === 0) return [];
      return (await sql`SELECT ${sql(ACCOUNT_COLUMNS)} FROM accounts WHERE token IN ${sql(tokens)}`).map(
        fromNetworkRow,
      );
    },
    async storedTokens(tokens) {
      if (tokens.length === 0) return [];
      const rows = await sql<{ token: string }[]>`SELECT token FROM accounts WHERE token IN ${sql(tokens)}`;
      return rows.map((row) => row.token);
    },
    async removedSince(at) {
      const rows = await sql<{ token: string }[]>`SELECT token FROM account_removals WHERE removed_at > ${at}`;
      return rows.map((row) => row.token);
    },
    async afterBulkWrite() {
      // Right after a bulk load the planner has no statistics for the new rows (it may sort 100k
      // rows for a page an index serves) and the visibility map is unset (an index-only scan then
      // visits every heap row). Autovacuum would fix both within a minute or so; do it now.
      await sql`VACUUM (ANALYZE) accounts`;
    },
    async query(query: AccountQuery): Promise<AccountQueryPage> {
      const count = countStatement(query, FLAVOUR);
      const page = pageStatement(query, FLAVOUR);
      const [countRows, pageRows] = await Promise.all([
        query.knownCounts ? null : sql.unsafe(count.text, count.values),
        sql.unsafe(page.text, page.values),
      ]);
      const counts =
        query.knownCounts ?? countsFrom(countRows as unknown as { status: unknown; total: unknown; nsfw: unknown }[]);
      return { total: totalOf(query, counts), counts, accounts: pageRows.map(fromNetworkRow) };
    },
  };
}
