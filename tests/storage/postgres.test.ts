import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import { openStorage } from '../../src/storage';
import { openPostgresStorage, postgresOptions } from '../../src/storage/postgres/postgres-storage';
import { POSTGRES_SCHEMA_VERSION } from '../../src/storage/postgres/migrations';
import { inTransaction, postgresDialect } from '../../src/storage/postgres/postgres-dialect';
import { runAccountStoreContract } from './account-store-contract';
import { runRecordStoreContract } from './record-store-contract';
import { runResponseItemIndexContract } from './response-item-index-contract';
import { createPostgresDatabase } from './server-databases';
import { expectImportInsertsOnlyAbsentTokens, expectMergeCommitsInSlices } from './merge-slices';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createPostgresDatabase('pg');
});
afterAll(async () => {
  await database.drop();
});

/** Opens the run's database and empties it, so every contract test starts from nothing. */
async function emptyStorage() {
  const storage = await openStorage({ type: 'pgsql', url: database.url, dataDir: '/nonexistent' });
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  await sql`TRUNCATE accounts, account_removals, records`;
  await sql.end();
  return storage;
}

describe('PostgreSQL', () => {
  runAccountStoreContract(emptyStorage);
  runRecordStoreContract(emptyStorage);
  runResponseItemIndexContract(emptyStorage);
});

describe('PostgreSQL driver', () => {
  test('a merge of many accounts commits in slices, so a request locking one row never waits for all of them', async () => {
    const storage = await emptyStorage();
    try {
      await expectMergeCommitsInSlices(storage, async (token) => {
        const sql = postgres(database.url, { max: 1, onnotice: () => {} });
        let letGo!: () => void;
        const released = new Promise<void>((resolve) => (letGo = resolve));
        let taken!: () => void;
        const lockTaken = new Promise<void>((resolve) => (taken = resolve));
        const holder = inTransaction(sql, async (transaction) => {
          await transaction`SELECT token FROM accounts WHERE token = ${token} FOR UPDATE`;
          taken();
          await released;
        });
        await Promise.race([lockTaken, holder]);
        return {
          async release() {
            letGo();
            await holder;
            await sql.end({ timeout: 1 });
          },
        };
      });
    } finally {
      await storage.close();
    }
  });

  test('an import offers the insert only tokens it found absent, and merges one another writer inserted meanwhile', async () => {
    await (await emptyStorage()).close();
    const sql = postgres(postgresOptions(database.url, 3));
    try {
      await expectImportInsertsOnlyAbsentTokens(postgresDialect(sql));
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  test('transactions run on a reserved connection, where postgres.js sql.begin can lose its reservation', async () => {
    // Without pipelining room, postgres.js 3.4 sends sql.begin's BEGIN on a connection it never
    // reserved and fails with UNSAFE_TRANSACTION; under load the same happens at the pipeline limit.
    const options = { max: 4, max_pipeline: 0, onnotice: () => {} }; // max_pipeline is missing from the typings
    const sql = postgres(database.url, options as Parameters<typeof postgres>[1]);
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          inTransaction(sql, async (transaction) => {
            const [row] = await transaction<{ value: number }[]>`SELECT ${index}::int AS value`;
            const [state] = await transaction<{ inside: boolean }[]>`SELECT now() = statement_timestamp() AS inside`;
            return { value: row!.value, inside: state!.inside };
          }),
        ),
      );
      expect(results.map((result) => result.value)).toEqual(Array.from({ length: 40 }, (_, index) => index));
      // now() is fixed at BEGIN, so inside a real transaction it lags the statement's own timestamp.
      expect(results.every((result) => result.inside === false)).toBe(true);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  test('the schema version is recorded and reopening does not re-run migrations', async () => {
    const first = await openPostgresStorage({ url: database.url });
    await first.accounts.insert([{ token: 'survivor', pool: 'ssoSuper' }]);
    await first.close();
    const second = await openPostgresStorage({ url: database.url });
    expect((await second.accounts.get('survivor'))!.pool).toBe('ssoSuper');
    await second.close();
    const sql = postgres(database.url, { max: 1 });
    const [row] = await sql<{ version: number }[]>`SELECT MAX(version) AS version FROM schema_version`;
    expect(row!.version).toBe(POSTGRES_SCHEMA_VERSION);
    await sql.end();
  });

  test('instances starting at once apply each migration exactly once', async () => {
    const fresh = await createPostgresDatabase('pg_race');
    try {
      const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgresStorage({ url: fresh.url })));
      await Promise.all(opened.map((storage) => storage.close()));
      const sql = postgres(fresh.url, { max: 1 });
      const rows = await sql`SELECT version FROM schema_version ORDER BY version`;
      await sql.end();
      expect(rows.map((row) => row.version)).toEqual(
        Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1),
      );
    } finally {
      await fresh.drop();
    }
  }, 20_000); // a fresh database and four starts: more than the default 5 s on a busy machine

  test('two connection pools charging one account never lose a charge', async () => {
    const one = await emptyStorage();
    const two = await openPostgresStorage({ url: database.url });
    await one.accounts.insert([{ token: 'shared', pool: 'ssoBasic', quota: 500 }]);
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 ? one : two).accounts.recordSuccess('shared', { units: 1, at: 1 }),
      ),
    );
    expect(await one.accounts.get('shared')).toMatchObject({ quota: 400, useCount: 100 });
    await one.close();
    await two.close();
  });

  test('SQLAlchemy-style URLs and sslmode are understood', () => {
    const options = postgresOptions('postgresql+asyncpg://grok:s%40cret@db.internal:6543/grok?sslmode=require');
    expect(options).toMatchObject({
      host: 'db.internal',
      port: 6543,
      username: 'grok',
      password: 's@cret',
      database: 'grok',
      ssl: 'require',
    });
    expect(postgresOptions('postgres://db/x').ssl).toBe(false);
    expect(() => postgresOptions('mysql://db/x')).toThrow('must start with postgresql://');
  });
});
