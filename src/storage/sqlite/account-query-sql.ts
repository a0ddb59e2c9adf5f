import type { Database } from 'bun:sqlite';
import { toAccount, type AccountRow } from '../account-row';
import { ACCOUNT_COLUMNS } from '../account-row';
import type { AccountQuery, AccountQueryPage, AccountSortKey, AccountStatus } from '../types';

/**
 * The admin console's accounts page in SQL: filters in WHERE, one GROUP BY for the per-status
 * counts, and LIMIT/OFFSET over an indexed order (migration 5), so 100k rows answer in
 * milliseconds instead of being read into memory.
 */

const SORT_COLUMNS: Record<AccountSortKey, string> = {
  created: 'created_at',
  last_used: 'last_used_at',
  last_sync: 'last_sync_at',
  quota: 'quota',
  use_count: 'use_count',
  fail_count: 'fail_count',
  status: 'status',
  pool: 'pool',
};

const NSFW_TAG = `%"nsfw"%`;

/** LIKE pattern for a substring, with the wildcards in the user's text escaped. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

type Parameters = Record<string, string | number>;

/** Per-status counts for every filter but the status: one pass over the matching rows. */
function countRows(database: Database, where: string, parameters: Parameters): AccountQueryPage['counts'] {
  const counts: AccountQueryPage['counts'] = { all: 0, active: 0, cooling: 0, expired: 0, disabled: 0, nsfw: 0 };
  const rows = database
    .query<{ status: string; total: number; nsfw: number }, [Parameters]>(
      `SELECT status, COUNT(*) AS total, SUM(tags LIKE '${NSFW_TAG}') AS nsfw FROM accounts ${where} GROUP BY status`,
    )
    .all(parameters);
  for (const row of rows) {
    counts.all += row.total;
    counts.nsfw += row.nsfw ?? 0;
    if (row.status in counts) counts[row.status as AccountStatus] += row.total;
  }
  return counts;
}

export function queryAccountsSql(database: Database, query: AccountQuery): AccountQueryPage {
  const conditions: string[] = [];
  const parameters: Parameters = {};
  if (query.pool !== undefined) {
    conditions.push('pool = $pool');
    parameters.pool = query.pool;
  }
  if (query.nsfw !== undefined) {
    conditions.push(query.nsfw ? 'tags LIKE $nsfw' : 'tags NOT LIKE $nsfw');
    parameters.nsfw = NSFW_TAG;
  }
  if (query.search) {
    conditions.push(
      `(token LIKE $search ESCAPE '\\' OR note LIKE $search ESCAPE '\\' OR tags LIKE $search ESCAPE '\\' OR status_reason LIKE $search ESCAPE '\\')`,
    );
    parameters.search = containing(query.search);
  }
  const countWhere = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const counts = query.knownCounts ?? countRows(database, countWhere, parameters);

  if (query.status !== undefined) {
    conditions.push('status = $status');
    parameters.status = query.status;
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const total = query.status === undefined ? counts.all : counts[query.status];
  const direction = query.descending ? 'DESC' : 'ASC';
  // Sort and skip over (column, token) pairs only, then read just the page's rows whole.
  const order = (table: string) => `${table}${SORT_COLUMNS[query.sort]} ${direction}, ${table}token ${direction}`;
  const rows = database
    .query<AccountRow, [Parameters]>(
      `SELECT ${ACCOUNT_COLUMNS.map((column) => `a.${column}`).join(', ')}
       FROM (SELECT token FROM accounts ${where} ORDER BY ${order('')} LIMIT $limit OFFSET $offset) page
       JOIN accounts a ON a.token = page.token
       ORDER BY ${order('a.')}`,
    )
    .all({ ...parameters, limit: query.limit, offset: query.offset });
  return { total, counts, accounts: rows.map(toAccount) };
}
