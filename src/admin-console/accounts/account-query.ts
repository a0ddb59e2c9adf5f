import type { Account, AccountQuery, AccountQueryPage, AccountSortKey, AccountStore } from '../../storage/types';

/**
 * The accounts page's query. Drivers with `AccountStore.query` (SQLite) answer it in the
 * database; the others (Redis, PostgreSQL, MySQL today) get this in-memory version over `list()`,
 * which is correct at any size but reads every row per page — fine for thousands, slow for 100k.
 */

export const isNsfw = (account: Account) => account.tags.includes('nsfw');

const SORT_VALUE: Record<AccountSortKey, (account: Account) => number | string | null> = {
  created: (account) => account.createdAt,
  last_used: (account) => account.lastUsedAt,
  last_sync: (account) => account.lastSyncAt,
  quota: (account) => account.quota,
  use_count: (account) => account.useCount,
  fail_count: (account) => account.failCount,
  status: (account) => account.status,
  pool: (account) => account.pool,
};

/** SQL order: NULL sorts first ascending; ties broken by token. */
function compare(left: Account, right: Account, key: AccountSortKey): number {
  const a = SORT_VALUE[key](left);
  const b = SORT_VALUE[key](right);
  if (a !== b) {
    if (a === null) return -1;
    if (b === null) return 1;
    return a < b ? -1 : 1;
  }
  return left.token < right.token ? -1 : left.token > right.token ? 1 : 0;
}

export function queryAccountsInMemory(all: readonly Account[], query: AccountQuery): AccountQueryPage {
  const needle = query.search?.toLowerCase();
  const matchesOthers = (account: Account) =>
    (query.pool === undefined || account.pool === query.pool) &&
    (query.nsfw === undefined || isNsfw(account) === query.nsfw) &&
    (!needle ||
      account.token.toLowerCase().includes(needle) ||
      account.note.toLowerCase().includes(needle) ||
      JSON.stringify(account.tags).toLowerCase().includes(needle) ||
      (account.statusReason ?? '').toLowerCase().includes(needle));
  const counts: AccountQueryPage['counts'] = { all: 0, active: 0, cooling: 0, expired: 0, disabled: 0, nsfw: 0 };
  const matching: Account[] = [];
  for (const account of all) {
    if (!matchesOthers(account)) continue;
    counts.all += 1;
    counts[account.status] += 1;
    if (isNsfw(account)) counts.nsfw += 1;
    if (query.status === undefined || account.status === query.status) matching.push(account);
  }
  matching.sort((left, right) => (query.descending ? -1 : 1) * compare(left, right, query.sort));
  return { total: matching.length, counts, accounts: matching.slice(query.offset, query.offset + query.limit) };
}

export async function queryAccounts(store: AccountStore, query: AccountQuery): Promise<AccountQueryPage> {
  return store.query ? store.query(query) : queryAccountsInMemory(await store.list(), query);
}

/** Every account matching the query's filters (no paging), for batch jobs over a filter. */
export async function matchingTokens(store: AccountStore, filter: Omit<AccountQuery, 'sort' | 'descending' | 'offset' | 'limit'>): Promise<string[]> {
  const all = await store.list(filter.status === undefined ? {} : { status: filter.status });
  const page = queryAccountsInMemory(all, { ...filter, sort: 'created', descending: false, offset: 0, limit: Number.MAX_SAFE_INTEGER });
  return page.accounts.map((account) => account.token);
}
