import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { tmpdir } from 'node:os';
import {
  queryAccounts,
  queryAccountsInMemory,
  matchingTokens,
  localAccountsOf,
  HEAP_PAGE_END,
} from '../../src/admin-console/accounts/account-query';
import { buildConfig } from '../../src/config/validate';
import { newAccountRecord } from '../../src/storage/account-rules';
import { AccountPool } from '../../src/pool/account-pool';
import { openStorage } from '../../src/storage';
import {
  ACCOUNT_SORT_KEYS,
  type AccountQuery,
  type AccountQueryPage,
  type NewAccount,
  type Storage,
} from '../../src/storage/types';
import { createMysqlDatabase, createPostgresDatabase, REDIS_URL, redisPrefix } from '../storage/server-databases';

/**
 * The accounts page answered where each store answers it (SQL on SQLite, PostgreSQL and MySQL;
 * the pool index on Redis and for searches) gives the same pages as the plain in-memory reference
 * over every row, and so does each SQL store's own query, searches included.
 */

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const statuses = ['active', 'cooling', 'expired', 'disabled'] as const;
const accounts: NewAccount[] = Array.from({ length: 300 }, (_, index) => ({
  // Mixed case, so a case-sensitive search or a locale-aware sort would show.
  token: `${random() < 0.5 ? 'Token' : 'token'}-${index.toString().padStart(4, '0')}-${Math.floor(random() * 1e6)}`,
  pool: random() < 0.5 ? 'ssoBasic' : 'ssoSuper',
  status: statuses[Math.floor(random() * 4)],
  quota: Math.floor(random() * 5),
  useCount: Math.floor(random() * 3),
  lastUsedAt: random() < 0.3 ? null : Math.floor(random() * 10),
  createdAt: Math.floor(random() * 50),
  tags: random() < 0.2 ? ['nsfw'] : [],
  note: random() < 0.1 ? 'Special_100%' : '',
}));

const queries: AccountQuery[] = [];
for (const sort of ACCOUNT_SORT_KEYS) {
  for (const descending of [false, true]) queries.push({ sort, descending, offset: 5, limit: 40 });
}
queries.push(
  { sort: 'created', descending: true, offset: 0, limit: 500, status: 'cooling' },
  { sort: 'last_used', descending: true, offset: 280, limit: 50 },
  { sort: 'quota', descending: false, offset: 0, limit: 500, nsfw: true, pool: 'ssoSuper' },
  { sort: 'created', descending: false, offset: 0, limit: 500, nsfw: false, search: 'TOKEN-01' },
  // LIKE wildcards in the search text are literal characters.
  { sort: 'created', descending: false, offset: 0, limit: 500, search: '_100%' },
  { sort: 'created', descending: false, offset: 0, limit: 500, search: 'n_0' },
);

const redis = redisPrefix('query');
let postgresDatabase: { url: string; drop(): Promise<void> };
let mysqlDatabase: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  postgresDatabase = await createPostgresDatabase('query');
  mysqlDatabase = await createMysqlDatabase('query');
});
afterAll(async () => {
  await postgresDatabase.drop();
  await mysqlDatabase.drop();
  await redis.drop();
});

const stores: { name: string; open: () => Promise<Storage> }[] = [
  { name: 'SQLite', open: () => openStorage({ type: 'sqlite', url: ':memory:', dataDir: tmpdir() }) },
  { name: 'PostgreSQL', open: () => openStorage({ type: 'pgsql', url: postgresDatabase.url, dataDir: tmpdir() }) },
  { name: 'MySQL', open: () => openStorage({ type: 'mysql', url: mysqlDatabase.url, dataDir: tmpdir() }) },
  {
    name: 'Redis',
    open: () => openStorage({ type: 'redis', url: `${REDIS_URL}?prefix=${redis.prefix}`, dataDir: tmpdir() }),
  },
];

for (const store of stores) {
  describe(store.name, () => {
    test('the console query agrees with the in-memory reference on filters, counts, sort and paging', async () => {
      const storage = await store.open();
      try {
        await storage.accounts.insert(accounts);
        const all = await storage.accounts.list();
        // The route's source of rows in memory: this instance's pool index, loaded from the store.
        const config = buildConfig({});
        const pool = new AccountPool({
          storage,
          config: () => config,
          syncQuota: async () => ({ remaining: 1, total: 1, windowSeconds: 1 }),
          coordinator: null,
        });
        await pool.load();
        const local = localAccountsOf(pool);
        expect(storage.accounts.query !== undefined).toBe(store.name !== 'Redis');
        const summary = (query: AccountQuery, page: AccountQueryPage) => ({
          query,
          total: page.total,
          counts: page.counts,
          tokens: page.accounts.map((account) => account.token),
        });
        for (const query of queries) {
          const reference = summary(query, await queryAccountsInMemory(all, query));
          expect(summary(query, await queryAccounts(storage.accounts, query, local))).toEqual(reference);
          if (storage.accounts.query) expect(summary(query, await storage.accounts.query(query))).toEqual(reference);
        }
        expect((await queryAccounts(storage.accounts, queries.at(-2)!, local)).total).toBeGreaterThan(0);
        expect((await queryAccounts(storage.accounts, queries.at(-1)!, local)).total).toBe(0);
        // Batch jobs over a filter resolve the same accounts with and without the pool index.
        const filter = { status: 'active' as const, nsfw: false };
        expect((await matchingTokens(storage.accounts, filter)).sort()).toEqual(
          (await matchingTokens(storage.accounts, filter, local)).sort(),
        );
      } finally {
        await storage.close();
      }
    }, 30_000);
  });
}

test('the in-memory page (a partial selection) matches a full sort at every offset', async () => {
  const rows = accounts.map((input) => newAccountRecord(input, 0));
  const sorted = [...rows].sort((a, b) => a.quota - b.quota || (a.token < b.token ? -1 : 1)).map((row) => row.token);
  for (const offset of [0, 1, 37, 150, 260, 299, 300, 400]) {
    for (const limit of [1, 7, 50]) {
      const page = await queryAccountsInMemory(rows, { sort: 'quota', descending: false, offset, limit });
      expect(page.accounts.map((row) => row.token)).toEqual(sorted.slice(offset, offset + limit));
    }
  }
});

test('pages kept during the pass and pages chosen after it match a full sort, nulls and ties included, both directions', async () => {
  const rows = Array.from({ length: HEAP_PAGE_END * 2 + 500 }, (_, index) =>
    newAccountRecord(
      {
        token: `row-${Math.floor(random() * 1e9)}-${index}`,
        pool: 'ssoBasic',
        // Few distinct values and many nulls: most order decisions fall to the token.
        lastUsedAt: random() < 0.3 ? null : Math.floor(random() * 20),
      },
      0,
    ),
  );
  const ascending = (a: (typeof rows)[number], b: (typeof rows)[number]) => {
    const x = a.lastUsedAt;
    const y = b.lastUsedAt;
    if (x !== y) return x === null ? -1 : y === null ? 1 : x - y;
    return a.token < b.token ? -1 : 1;
  };
  for (const descending of [false, true]) {
    const sorted = [...rows].sort((a, b) => (descending ? ascending(b, a) : ascending(a, b))).map((row) => row.token);
    for (const offset of [0, 1, HEAP_PAGE_END - 50, HEAP_PAGE_END - 10, HEAP_PAGE_END, 3_000, rows.length - 10]) {
      for (const limit of [1, 50]) {
        const page = await queryAccountsInMemory(rows, { sort: 'last_used', descending, offset, limit });
        expect(page.accounts.map((row) => row.token)).toEqual(sorted.slice(offset, offset + limit));
        expect(page.total).toBe(rows.length);
      }
    }
  }
});
