import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import { openStorage } from '../../src/storage';
import { runAccountStoreContract } from './account-store-contract';
import { createPostgresDatabase, REDIS_URL, redisPrefix } from './server-databases';

// Encryption at rest is one wrapper over every driver: the contract holds on the server drivers too.
const KEY = 'server-driver-secret-key-0123456789';

describe('PostgreSQL with GROK2API_SECRET_KEY', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createPostgresDatabase('pgenc');
  });
  afterAll(async () => {
    await database.drop();
  });

  const emptyStorage = async () => {
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    const storage = await openStorage({ type: 'pgsql', url: database.url, dataDir: '/nonexistent', secretKey: KEY });
    await sql`TRUNCATE accounts, account_removals`;
    await sql.end();
    return storage;
  };
  runAccountStoreContract(emptyStorage);

  test('the rows hold only encrypted tokens', async () => {
    const storage = await emptyStorage();
    await storage.accounts.insert([{ token: 'pg-plain-token', pool: 'ssoBasic' }]);
    expect((await storage.accounts.get('pg-plain-token'))?.pool).toBe('ssoBasic');
    await storage.close();
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    const rows = await sql<{ token: string }[]>`SELECT token FROM accounts`;
    await sql.end();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token.startsWith('enc:v1:')).toBe(true);
  });
});

describe('Redis with GROK2API_SECRET_KEY', () => {
  const run = redisPrefix('redisenc');
  let storages = 0;
  afterAll(() => run.drop());
  runAccountStoreContract(() =>
    openStorage({
      type: 'redis',
      url: `${REDIS_URL}?prefix=${run.prefix}${storages++}:`,
      dataDir: '/nonexistent',
      secretKey: KEY,
    }),
  );
});
