import { expect, test } from 'bun:test';
import { queryAccountsInMemory } from '../../src/admin-console/accounts/account-query';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import { ACCOUNT_SORT_KEYS, type AccountQuery, type NewAccount } from '../../src/storage/types';

/** The SQL query (SQLite) and the in-memory fallback (other drivers) give the same pages. */
test('SQLite query and in-memory fallback agree on filters, counts, sort and paging', async () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const statuses = ['active', 'cooling', 'expired', 'disabled'] as const;
  const accounts: NewAccount[] = Array.from({ length: 300 }, (_, index) => ({
    token: `token-${index.toString().padStart(4, '0')}-${Math.floor(random() * 1e6)}`,
    pool: random() < 0.5 ? 'ssoBasic' : 'ssoSuper',
    status: statuses[Math.floor(random() * 4)],
    quota: Math.floor(random() * 5),
    useCount: Math.floor(random() * 3),
    lastUsedAt: random() < 0.3 ? null : Math.floor(random() * 10),
    createdAt: Math.floor(random() * 50),
    tags: random() < 0.2 ? ['nsfw'] : [],
    note: random() < 0.1 ? 'Special_100%' : '',
  }));
  const storage = openSqliteStorage({ path: ':memory:' });
  await storage.accounts.insert(accounts);
  const all = await storage.accounts.list();
  const queries: AccountQuery[] = [];
  for (const sort of ACCOUNT_SORT_KEYS) {
    for (const descending of [false, true]) queries.push({ sort, descending, offset: 5, limit: 40 });
  }
  queries.push(
    { sort: 'created', descending: true, offset: 0, limit: 500, status: 'cooling' },
    { sort: 'quota', descending: false, offset: 0, limit: 500, nsfw: true, pool: 'ssoSuper' },
    { sort: 'created', descending: false, offset: 0, limit: 500, nsfw: false, search: 'TOKEN-01' },
    // LIKE wildcards in the search text are literal characters.
    { sort: 'created', descending: false, offset: 0, limit: 500, search: '_100%' },
    { sort: 'created', descending: false, offset: 0, limit: 500, search: 'n_0' },
  );
  for (const query of queries) {
    const sql = await storage.accounts.query!(query);
    const memory = queryAccountsInMemory(all, query);
    expect({ query, total: sql.total, counts: sql.counts, tokens: sql.accounts.map((account) => account.token) }).toEqual({
      query,
      total: memory.total,
      counts: memory.counts,
      tokens: memory.accounts.map((account) => account.token),
    });
  }
  expect((await storage.accounts.query!(queries.at(-2)!)).total).toBeGreaterThan(0);
  expect((await storage.accounts.query!(queries.at(-1)!)).total).toBe(0);
  await storage.close();
});
