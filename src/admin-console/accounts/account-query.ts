import { forEachYielding } from '../../storage/yield-to-requests';
import {
  isNsfw,
  type Account,
  type AccountCounts,
  type AccountQuery,
  type AccountQueryPage,
  type AccountSortKey,
  type AccountStore,
} from '../../storage/types';

/**
 * The accounts page's query. Drivers with `AccountStore.query` (SQLite, PostgreSQL, MySQL) answer
 * filters, sorts and pages in the database with indexes. Redis has no query language for it, so
 * its pages come from this instance's pool index, which holds every account and is kept in step
 * with the store by the change notices and the change feed: no store read at all. A search
 * (a substring anywhere in the token, note, tags or reason) is answered from the pool index on
 * every store: no B-tree serves `LIKE '%…%'`, so the database would read every row, while one
 * pass over the index in memory takes a few milliseconds at 100k accounts. The per-status counts
 * come from the pool index's running tallies, so a SQL store reads only the page's rows, never
 * every row for a GROUP BY (the count was most of a page's cost, and on SQLite it ran on the event
 * loop). A pass in memory yields to other work every few thousand accounts: a console user paging
 * through 100k accounts must not hold up the chat requests of the same instance. `list()` stays
 * the last resort (no pool given).
 */

/** The accounts this instance already holds in memory (its pool index). */
export interface LocalAccounts {
  all(): Iterable<Account>;
  get(token: string): Account | undefined;
  /** Accounts per status for a pool and NSFW filter (no search), from running tallies. */
  counts(filter: { pool?: string; nsfw?: boolean }): AccountCounts;
}

/** The pool's in-memory accounts as the console reads them. */
export const localAccountsOf = (pool: {
  allAccounts(): Iterable<Account>;
  find(token: string): Account | undefined;
  accountCounts(filter: { pool?: string; nsfw?: boolean }): AccountCounts;
}): LocalAccounts => ({
  all: () => pool.allAccounts(),
  get: (token) => pool.find(token),
  counts: (filter) => pool.accountCounts(filter),
});

/** Accounts looked at between two yields to the event loop in a pass over every account. */
export const YIELD_EVERY = 4096;

type SortValue = number | string | null;

const SORT_VALUE: Record<AccountSortKey, (account: Account) => SortValue> = {
  created: (account) => account.createdAt,
  last_used: (account) => account.lastUsedAt,
  last_sync: (account) => account.lastSyncAt,
  quota: (account) => account.quota,
  use_count: (account) => account.useCount,
  fail_count: (account) => account.failCount,
  status: (account) => account.status,
  pool: (account) => account.pool,
};

type Order = (left: Account, right: Account) => number;

/** SQL order on one sort key: NULL sorts first ascending; ties broken by token (unique, so the order is total). */
function orderBy(value: (account: Account) => SortValue, descending: boolean): Order {
  const ascending: Order = (left, right) => {
    const a = value(left);
    const b = value(right);
    if (a !== b) {
      if (a === null) return -1;
      if (b === null) return 1;
      return a < b ? -1 : 1;
    }
    const x = left.token;
    const y = right.token;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return descending ? (left, right) => ascending(right, left) : ascending;
}

/** A page ending within this many rows is kept as the pass goes (FirstRows); a deeper one is chosen after it. */
export const HEAP_PAGE_END = 2_000;

/**
 * The `capacity` rows that come first in `order`, kept while rows stream past: rows gather in a
 * buffer of twice that, which is cut back to the best `capacity` whenever it fills (quickselect);
 * after the first cut a row that comes after the last one kept costs one comparison. O(n) in any
 * input order: the index holds accounts about in creation order, the worst case for a heap when
 * the page is the newest first.
 */
class FirstRows {
  private rows: Account[] = [];
  private last: Account | null = null;

  constructor(
    private readonly capacity: number,
    private readonly order: Order,
  ) {}

  offer(row: Account): void {
    if (this.last !== null && this.order(row, this.last) > 0) return;
    this.rows.push(row);
    if (this.rows.length >= this.capacity * 2) this.cut();
  }

  sorted(): Account[] {
    return this.rows.sort(this.order).slice(0, this.capacity);
  }

  private cut(): void {
    selectRank(this.rows, this.capacity - 1, 0, this.rows.length - 1, this.order);
    this.rows.length = this.capacity;
    this.last = this.rows[this.capacity - 1]!;
  }
}

/**
 * Rearranges `items` so the one of rank `k` sits at `k`, smaller ones before it and larger after
 * (quickselect, O(n) on average): a deep page needs its own rows in order, not all 100k sorted.
 */
function selectRank<T>(items: T[], k: number, low: number, high: number, order: (a: T, b: T) => number): void {
  while (high > low) {
    const middle = (low + high) >>> 1;
    const pivot = items[middle]!;
    items[middle] = items[high]!;
    items[high] = pivot;
    let store = low;
    for (let index = low; index < high; index++) {
      const item = items[index]!;
      if (order(item, pivot) < 0) {
        items[index] = items[store]!;
        items[store] = item;
        store++;
      }
    }
    items[high] = items[store]!;
    items[store] = pivot;
    if (store === k) return;
    if (k < store) high = store - 1;
    else low = store + 1;
  }
}

/** The rows of ranks [start, end) in order, leaving the rest unsorted. */
function pageOf<T>(items: T[], start: number, end: number, order: (a: T, b: T) => number): T[] {
  const last = items.length - 1;
  if (start > last || end <= start) return [];
  const stop = Math.min(end, items.length);
  selectRank(items, start, 0, last, order);
  if (stop - 1 > start) selectRank(items, stop - 1, start + 1, last, order);
  return items.slice(start, stop).sort(order);
}

/**
 * Whether an account holds `search` (case-insensitive) in its token, note, tags (as the stored JSON
 * text, like the SQL stores' `tags LIKE`) or status reason. One case-insensitive literal pattern
 * tested against each field: no lower-cased copy of every token per search.
 */
function searchMatcher(search: string | undefined): ((account: Account) => boolean) | null {
  if (!search) return null;
  const pattern = new RegExp(search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  const emptyTagsMatch = pattern.test('[]');
  return (account) =>
    pattern.test(account.token) ||
    pattern.test(account.note) ||
    (account.tags.length === 0 ? emptyTagsMatch : pattern.test(JSON.stringify(account.tags))) ||
    (account.statusReason !== null && pattern.test(account.statusReason));
}

export async function queryAccountsInMemory(all: Iterable<Account>, query: AccountQuery): Promise<AccountQueryPage> {
  const matchesSearch = searchMatcher(query.search);
  const matchesOthers = (account: Account) =>
    (query.pool === undefined || account.pool === query.pool) &&
    (query.nsfw === undefined || isNsfw(account) === query.nsfw) &&
    (matchesSearch === null || matchesSearch(account));
  const counts: AccountCounts = { all: 0, active: 0, cooling: 0, expired: 0, disabled: 0, nsfw: 0 };
  const order = orderBy(SORT_VALUE[query.sort], query.descending);
  const end = query.offset + query.limit;
  // A shallow page is kept as the rows go past; a deep one needs every matching row first.
  const first = end <= HEAP_PAGE_END ? new FirstRows(end, order) : null;
  const matching: Account[] = [];
  let total = 0;
  await forEachYielding(all, YIELD_EVERY, (account) => {
    if (!matchesOthers(account)) return;
    counts.all += 1;
    counts[account.status] += 1;
    if (isNsfw(account)) counts.nsfw += 1;
    if (query.status !== undefined && account.status !== query.status) return;
    total += 1;
    if (first) first.offer(account);
    else matching.push(account);
  });
  const page = first ? first.sorted().slice(query.offset, end) : pageOf(matching, query.offset, end, order);
  return { total, counts, accounts: page };
}

export async function queryAccounts(
  store: AccountStore,
  query: AccountQuery,
  local?: LocalAccounts,
): Promise<AccountQueryPage> {
  if (!local) return store.query ? store.query(query) : queryAccountsInMemory(await store.list(), query);
  if (query.search || !store.query) return queryAccountsInMemory(local.all(), query);
  return store.query({ ...query, knownCounts: local.counts({ pool: query.pool, nsfw: query.nsfw }) });
}

/** Every account matching the query's filters (no paging), for batch jobs over a filter. */
export async function matchingTokens(
  store: AccountStore,
  filter: Omit<AccountQuery, 'sort' | 'descending' | 'offset' | 'limit'>,
  local?: LocalAccounts,
): Promise<string[]> {
  const query: AccountQuery = {
    ...filter,
    sort: 'created',
    descending: false,
    offset: 0,
    limit: Number.MAX_SAFE_INTEGER,
  };
  let page: AccountQueryPage;
  if (local) page = await queryAccountsInMemory(local.all(), query);
  else if (store.query) page = await store.query(query);
  else
    page = await queryAccountsInMemory(
      await store.list(filter.status === undefined ? {} : { status: filter.status }),
      query,
    );
  return page.accounts.map((account) => account.token);
}
