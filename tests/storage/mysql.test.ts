import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createConnection, createPool } from 'mysql2/promise';
import { mysqlDialect } from '../../src/storage/mysql/mysql-dialect';
import { openStorage } from '../../src/storage';
import { MYSQL_SCHEMA_VERSION } from '../../src/storage/mysql/migrations';
import { mysqlOptions, openMysqlStorage } from '../../src/storage/mysql/mysql-storage';
import { runAccountStoreContract } from './account-store-contract';
import { runRecordStoreContract } from './record-store-contract';
import { runResponseItemIndexContract } from './response-item-index-contract';
import { createMysqlDatabase } from './server-databases';
import { expectImportInsertsOnlyAbsentTokens, expectMergeCommitsInSlices } from './merge-slices';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createMysqlDatabase('my');
});
afterAll(async () => {
  await database.drop();
});

async function query(url: string, statement: string) {
  const connection = await createConnection(mysqlOptions(url));
  try {
    const [rows] = await connection.query(statement);
    return rows as Record<string, unknown>[];
  } finally {
    await connection.end();
  }
}

/** Opens the run's database and empties it, so every contract test starts from nothing. */
async function emptyStorage() {
  const storage = await openStorage({
    type: 'mysql',
    url: database.url.replace(/^mysql:/, 'mysql+aiomysql:'),
    dataDir: '/nonexistent',
  });
  await query(database.url, 'DELETE FROM accounts');
  await query(database.url, 'DELETE FROM account_removals');
  await query(database.url, 'DELETE FROM records');
  return storage;
}

describe('MySQL / MariaDB', () => {
  runAccountStoreContract(emptyStorage);
  runRecordStoreContract(emptyStorage);
  runResponseItemIndexContract(emptyStorage);
});

describe('MySQL driver', () => {
  test('a merge of many accounts commits in slices, so a request locking one row never waits for all of them', async () => {
    const storage = await emptyStorage();
    try {
      await expectMergeCommitsInSlices(storage, async (token) => {
        const connection = await createConnection(mysqlOptions(database.url));
        await connection.query('START TRANSACTION');
        // A shared lock: an insert's duplicate check may share it, a merge's FOR UPDATE waits for it.
        await connection.query('SELECT token FROM accounts WHERE token = ? LOCK IN SHARE MODE', [token]);
        return {
          async release() {
            await connection.query('COMMIT');
            await connection.end();
          },
        };
      });
    } finally {
      await storage.close();
    }
  });

  test('instances starting at once apply each migration exactly once', async () => {
    const fresh = await createMysqlDatabase('my_race');
    try {
      const opened = await Promise.all(Array.from({ length: 4 }, () => openMysqlStorage({ url: fresh.url })));
      await Promise.all(opened.map((storage) => storage.close()));
      const rows = await query(fresh.url, 'SELECT version FROM schema_version ORDER BY version');
      expect(rows.map((row) => Number(row.version))).toEqual(
        Array.from({ length: MYSQL_SCHEMA_VERSION }, (_, index) => index + 1),
      );
    } finally {
      await fresh.drop();
    }
  });

  test('tokens differing only by case are different accounts', async () => {
    const storage = await emptyStorage();
    expect(
      await storage.accounts.insert([
        { token: 'Abc', pool: 'ssoBasic' },
        { token: 'abc', pool: 'ssoSuper' },
      ]),
    ).toEqual({ added: ['Abc', 'abc'], duplicates: [] });
    expect((await storage.accounts.get('abc'))!.pool).toBe('ssoSuper');
    await storage.close();
  });

  test('two connection pools charging one account never lose a charge', async () => {
    const one = await emptyStorage();
    const two = await openMysqlStorage({ url: database.url });
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

  test('an import offers the insert only tokens it found absent, and merges one another writer inserted meanwhile', async () => {
    await (await emptyStorage()).close();
    const pool = createPool(mysqlOptions(database.url, 3));
    try {
      await expectImportInsertsOnlyAbsentTokens(mysqlDialect(pool));
    } finally {
      await pool.end();
    }
  });

  test('the seed DSN forms are understood', () => {
    expect(mysqlOptions('mysql+aiomysql://grok:pw@db:3307/grok?ssl=true')).toMatchObject({
      host: 'db',
      port: 3307,
      user: 'grok',
      password: 'pw',
      database: 'grok',
      ssl: { rejectUnauthorized: false },
    });
    expect(mysqlOptions('mariadb://root@db/grok').ssl).toBeUndefined();
    expect(() => mysqlOptions('mysql://db')).toThrow('must name a database');
  });
});
