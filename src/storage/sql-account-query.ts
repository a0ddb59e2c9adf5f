import { ACCOUNT_COLUMNS } from './account-row';
import type { AccountQuery, AccountQueryPage, AccountSortKey, AccountStatus } from './types';

/**
 * The admin console's accounts page as SQL for the networked servers (PostgreSQL, MySQL/MariaDB):
 * filters in WHERE, one GROUP BY for the per-status counts, and LIMIT/OFFSET over an indexed
 * order, so a page never reads every row into the gateway. The flavour supplies what differs:
 * placeholders, case-insensitive LIKE, and how NULLs and text sort (the in-memory version's order:
 * NULL first ascending, text by code point, ties by token).
 */

export interface SqlFlavour {
  /** The placeholder of the n-th value (1-based). */
  placeholder(position: number): string;
  /** A case-insensitive `column LIKE pattern` whose pattern escapes with a backslash. */
  containsIgnoringCase(column: string, placeholder: string): string;
  /** The ORDER BY term of a column in this direction (NULL first ascending, last descending). */
  orderBy(column: string, direction: 'ASC' | 'DESC', text: boolean): string;
  /**
   * The FROM of the counts (schema version 5 gives both servers a generated `nsfw` column and an
   * index on (status, pool, nsfw)): a hint where the server would otherwise pick a poor plan.
   */
  countSource(searching: boolean): string;
}

export interface SqlStatement {
  text: string;
  values: (string | number)[];
}

const SORT_COLUMNS: Record<AccountSortKey, { column: string; text: boolean }> = {
  created: { column: 'created_at', text: false },
  last_used: { column: 'last_used_at', text: false },
  last_sync: { column: 'last_sync_at', text: false },
  quota: { column: 'quota', text: false },
  use_count: { column: 'use_count', text: false },
  fail_count: { column: 'fail_count', text: false },
  status: { column: 'status', text: true },
  pool: { column: 'pool', text: true },
};

/** LIKE pattern for a substring, with the wildcards in the user's text escaped; lower-cased like the column. */
const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

function conditions(
  query: Omit<AccountQuery, 'sort' | 'descending' | 'offset' | 'limit'>,
  flavour: SqlFlavour,
  values: (string | number)[],
  withStatus: boolean,
) {
  const where: string[] = [];
  const next = (value: string | number) => {
    values.push(value);
    return flavour.placeholder(values.length);
  };
  if (query.pool !== undefined) where.push(`pool = ${next(query.pool)}`);
  if (query.nsfw !== undefined) where.push(`nsfw = ${query.nsfw ? 1 : 0}`);
  if (query.search) {
    const pattern = containing(query.search);
    const columns = ['token', 'note', 'tags', "COALESCE(status_reason, '')"];
    // One value per use: `?` placeholders cannot refer back to an earlier value.
    where.push(`(${columns.map((column) => flavour.containsIgnoringCase(column, next(pattern))).join(' OR ')})`);
  }
  if (withStatus && query.status !== undefined) where.push(`status = ${next(query.status)}`);
  return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
}

/** Per-status counts for every filter but the status, and how many of those are tagged nsfw. */
export function countStatement(query: AccountQuery, flavour: SqlFlavour): SqlStatement {
  const values: (string | number)[] = [];
  const where = conditions(query, flavour, values, false);
  return {
    text: `SELECT status, COUNT(*) AS total, SUM(nsfw) AS nsfw FROM ${flavour.countSource(query.search !== undefined)} ${where} GROUP BY status`,
    values,
  };
}

/**
 * The page's rows, in order. The sort and the offset run over (sort column, token) pairs only,
 * and just the page's rows are then read whole: a deep page or a sort without an index sorts
 * narrow tuples, not every column of every row.
 */
export function pageStatement(query: AccountQuery, flavour: SqlFlavour): SqlStatement {
  const values: (string | number)[] = [];
  const where = conditions(query, flavour, values, true);
  const direction = query.descending ? 'DESC' : 'ASC';
  const sort = SORT_COLUMNS[query.sort];
  values.push(Math.min(query.limit, Number.MAX_SAFE_INTEGER), query.offset);
  const limit = flavour.placeholder(values.length - 1);
  const offset = flavour.placeholder(values.length);
  const order = (table: string) =>
    `${flavour.orderBy(`${table}${sort.column}`, direction, sort.text)}, ${flavour.orderBy(`${table}token`, direction, true)}`;
  return {
    text: `SELECT ${ACCOUNT_COLUMNS.map((column) => `a.${column}`).join(', ')}
      FROM (SELECT token FROM accounts ${where} ORDER BY ${order('')} LIMIT ${limit} OFFSET ${offset}) page
      JOIN accounts a ON a.token = page.token
      ORDER BY ${order('a.')}`,
    values,
  };
}

/** Folds the GROUP BY rows into the page's counts. */
export function countsFrom(
  rows: readonly { status: unknown; total: unknown; nsfw: unknown }[],
): AccountQueryPage['counts'] {
  const counts: AccountQueryPage['counts'] = { all: 0, active: 0, cooling: 0, expired: 0, disabled: 0, nsfw: 0 };
  for (const row of rows) {
    const total = Number(row.total);
    counts.all += total;
    counts.nsfw += Number(row.nsfw ?? 0);
    const status = String(row.status);
    if (status in counts) counts[status as AccountStatus] += total;
  }
  return counts;
}

/** Rows matching every filter, from the counts. */
export const totalOf = (query: AccountQuery, counts: AccountQueryPage['counts']) =>
  query.status === undefined ? counts.all : counts[query.status];
