import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../src/storage';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/storage/sqlite/migrations';
import { runAccountStoreContract } from './account-store-contract';
import { runRecordStoreContract } from './record-store-contract';
import { runResponseItemIndexContract } from './response-item-index-contract';
import { mergeTokens } from './merge-slices';

const root = mkdtempSync(join(tmpdir(), 'grok2api-sqlite-'));
let databases = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SQLite in a file', () => {
  runAccountStoreContract(async () => openStorage({ type: 'sqlite', dataDir: join(root, `data-${databases++}`) }));
  runRecordStoreContract(async () => openStorage({ type: 'sqlite', dataDir: join(root, `data-${databases++}`) }));
  runResponseItemIndexContract(async () => openStorage({ type: 'sqlite', dataDir: join(root, `data-${databases++}`) }));
});

describe('SQLite in memory', () => {
  runAccountStoreContract(async () => openStorage({ type: 'local', url: ':memory:', dataDir: root }));
});

describe('SQLite driver', () => {
  test('a merge of many accounts lets other work run between its slices (each holds the write lock and the event loop)', async () => {
    const storage = await openStorage({ type: 'sqlite', dataDir: join(root, 'merge-slices') });
    const tokens = mergeTokens(300);
    await storage.accounts.importBatch(tokens.map((token) => ({ token, pool: 'ssoBasic' })));
    let merging = true;
    let turns = 0;
    const turn = () => {
      if (!merging) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const result = await storage.accounts.importBatch(
      tokens.map((token) => ({ token, pool: 'ssoBasic', note: 'merged' })),
    );
    merging = false;
    expect(result.merged).toHaveLength(tokens.length);
    // 300 accounts in slices of 64: five transactions, and the event loop's turns between them.
    expect(turns).toBeGreaterThanOrEqual(4);
    expect((await storage.accounts.get(tokens.at(-1)!))?.note).toBe('merged');
    await storage.close();
  });

  test('the default file is DATA_DIR/grok2api.db, in WAL mode, with the schema version recorded', async () => {
    const dataDir = join(root, 'default-path');
    const storage = await openStorage({ type: 'local', dataDir });
    await storage.accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
    await storage.close();
    const database = new Database(join(dataDir, 'grok2api.db'), { readonly: true });
    expect(database.query<{ journal_mode: string }, []>('PRAGMA journal_mode').get()!.journal_mode).toBe('wal');
    expect(
      database.query<{ version: number }, []>('SELECT MAX(version) AS version FROM schema_version').get()!.version,
    ).toBe(LATEST_SCHEMA_VERSION);
    database.close();
  });

  test('data survives close and reopen; reopening does not re-run migrations', async () => {
    const path = join(root, 'reopen', 'grok2api.db');
    const first = openSqliteStorage({ path });
    await first.accounts.insert([{ token: 'a', pool: 'ssoSuper', tags: ['nsfw'] }]);
    await first.accounts.recordSuccess('a', { units: 4, at: 1 });
    await first.close();
    const second = openSqliteStorage({ path });
    expect(await second.accounts.get('a')).toMatchObject({ pool: 'ssoSuper', quota: 136, consumed: 4, tags: ['nsfw'] });
    await second.close();
  });

  test('two connections to one file never lose a charge', async () => {
    const path = join(root, 'shared', 'grok2api.db');
    const one = openSqliteStorage({ path });
    const two = openSqliteStorage({ path });
    await one.accounts.insert([{ token: 'a', pool: 'ssoBasic', quota: 500 }]);
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 ? one : two).accounts.recordSuccess('a', { units: 1, at: 1 }),
      ),
    );
    expect((await one.accounts.get('a'))!.quota).toBe(400);
    await one.close();
    await two.close();
  });

  test('a version-3 database (before quota per mode) migrates: its accounts read with no mode windows and take them', async () => {
    const path = join(root, 'version-3', 'grok2api.db');
    mkdirSync(join(root, 'version-3'), { recursive: true });
    const old = new Database(path);
    old.run('CREATE TABLE schema_version (version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)');
    for (const migration of MIGRATIONS.filter((entry) => entry.version <= 3)) {
      for (const statement of migration.statements) old.run(statement);
      old.run('INSERT INTO schema_version (version, applied_at) VALUES (?, 0)', [migration.version]);
    }
    old.run(`INSERT INTO accounts (token, pool, status, status_changed_at, quota, created_at, updated_at)
      VALUES ('old', 'ssoBasic', 'active', 1, 42, 1, 1)`);
    old.close();
    const storage = openSqliteStorage({ path });
    expect(await storage.accounts.get('old')).toMatchObject({ quota: 42, modes: {} });
    const charged = await storage.accounts.applySync('old', {
      remaining: 30,
      total: 30,
      windowSeconds: 86_400,
      at: 2,
      modes: { fast: { remaining: 30, total: 30, windowSeconds: 86_400 } },
    });
    expect(charged!.modes.fast!.remaining).toBe(30);
    await storage.close();
  });

  test('a database from a newer build is refused, not altered', () => {
    const path = join(root, 'newer', 'grok2api.db');
    openSqliteStorage({ path }).close();
    const database = new Database(path);
    database.run('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)', [LATEST_SCHEMA_VERSION + 1, 0]);
    database.close();
    expect(() => openSqliteStorage({ path })).toThrow('newer than this build');
  });

  test('the changed-since clock is injectable', async () => {
    let now = 1_000;
    const storage = openSqliteStorage({ path: ':memory:', clock: () => now });
    await storage.accounts.insert([
      { token: 'a', pool: 'ssoBasic' },
      { token: 'b', pool: 'ssoBasic' },
    ]);
    now = 2_000;
    await storage.accounts.update('b', { note: 'edited' });
    expect((await storage.accounts.changedSince(1_500)).map((account) => account.token)).toEqual(['b']);
    expect((await storage.accounts.changedSince(999)).length).toBe(2);
    await storage.close();
  });
});

describe('openStorage', () => {
  test.each(['redis', 'mysql', 'mariadb', 'pgsql', 'postgres'])(
    '%s without SERVER_STORAGE_URL is an error naming the key',
    async (type) => {
      await expect(openStorage({ type, dataDir: root })).rejects.toThrow(
        `SERVER_STORAGE_URL is required for storage type ${type}`,
      );
    },
  );

  test('a URL of the wrong kind is refused without echoing the password', async () => {
    const failure = openStorage({ type: 'pgsql', url: 'mysql://root:hunter2@db/x', dataDir: root });
    await expect(failure).rejects.toThrow('must start with postgresql://');
    await expect(failure).rejects.not.toThrow('hunter2');
  });

  test('an unknown type is an error, not a fallback', async () => {
    await expect(openStorage({ type: 'mongo', dataDir: root })).rejects.toThrow('unknown storage type mongo');
  });
});
