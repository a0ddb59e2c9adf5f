import { afterAll, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import postgres from 'postgres';
import { openStorage } from '../../src/storage';
import { mysqlOptions } from '../../src/storage/mysql/mysql-storage';
import { createMysqlDatabase, createPostgresDatabase, REDIS_URL, redisPrefix } from './server-databases';

/**
 * Pointed at a store the reference wrote (docs/python-compatibility.md §6.2, §6.3), each
 * driver takes over its tokens once, leaves the reference's keys/tables alone, and never twice.
 */

const run = redisPrefix('reference');
const cleanups: (() => Promise<void>)[] = [run.drop];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const expected = {
  cooled: {
    pool: 'ssoBasic',
    status: 'cooling',
    quota: 0,
    consumed: 80,
    useCount: 80,
    failCount: 1,
    tags: ['nsfw'],
    note: 'from the reference',
    createdAt: 1_700_000_000_000,
    lastUsedAt: null,
  },
  fresh: { pool: 'ssoSuper', status: 'active', quota: 140 },
};

async function checkAdopted(type: string, url: string) {
  const storage = await openStorage({ type, url, dataDir: '/nonexistent' });
  expect(await storage.accounts.count()).toBe(2);
  expect(await storage.accounts.get('ref-cooled')).toMatchObject(expected.cooled);
  expect(await storage.accounts.get('ref-fresh')).toMatchObject(expected.fresh);
  await storage.accounts.remove(['ref-fresh']);
  await storage.close();
  // Our set is not empty any more: reopening does not bring back what the operator removed.
  const again = await openStorage({ type, url, dataDir: '/nonexistent' });
  expect(await again.accounts.count()).toBe(1);
  await again.close();
}

describe('adopting the reference layout', () => {
  test('Redis: pools set, pool sets and token hashes under the same prefix', async () => {
    const prefix = `${run.prefix}grok2api:`;
    const redis = new Redis(REDIS_URL);
    await redis.sadd(`${prefix}pools`, 'ssoBasic', 'ssoSuper');
    await redis.sadd(`${prefix}pool:ssoBasic`, 'ref-cooled');
    await redis.sadd(`${prefix}pool:ssoSuper`, 'ref-fresh');
    await redis.hset(`${prefix}token:ref-cooled`, {
      token: 'ref-cooled',
      status: 'cooling',
      quota: '0',
      consumed: '80',
      created_at: '1700000000000',
      last_used_at: 'None',
      use_count: '80',
      fail_count: '1',
      last_fail_at: '',
      last_fail_reason: 'rate_limited',
      last_sync_at: '',
      tags: '["nsfw"]',
      note: 'from the reference',
    });
    await redis.hset(`${prefix}token:ref-fresh`, { token: 'ref-fresh', status: 'active', quota: '140' });
    await checkAdopted('redis', `${REDIS_URL}?prefix=${prefix}`);
    expect(await redis.exists(`${prefix}token:ref-fresh`)).toBe(1); // the reference's own keys stay
    await redis.quit();
  });

  test('PostgreSQL: the tokens table, full JSON in data', async () => {
    const database = await createPostgresDatabase('reference');
    cleanups.push(() => database.drop());
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    await sql.unsafe(`CREATE TABLE tokens (token VARCHAR(512) PRIMARY KEY, pool_name VARCHAR(64), status VARCHAR(16), quota INT, created_at BIGINT,
      last_used_at BIGINT, use_count INT, fail_count INT, last_fail_at BIGINT, last_fail_reason TEXT, last_sync_at BIGINT, tags TEXT, note TEXT,
      last_asset_clear_at BIGINT, data TEXT, data_hash CHAR(64), updated_at BIGINT)`);
    const cooledData = JSON.stringify({
      token: 'ref-cooled',
      status: 'cooling',
      quota: 0,
      consumed: 80,
      created_at: 1_700_000_000_000,
      last_used_at: null,
      use_count: 80,
      fail_count: 1,
      tags: ['nsfw'],
      note: 'from the reference',
    });
    await sql`INSERT INTO tokens (token, pool_name, status, quota, created_at, use_count, fail_count, tags, note, data, updated_at)
      VALUES ('ref-cooled', 'ssoBasic', 'cooling', 0, 1700000000000, 80, 1, '["nsfw"]', 'from the reference', ${cooledData}, 0),
             ('ref-fresh', 'ssoSuper', 'active', 140, 1700000000000, 0, 0, '[]', '', NULL, 0)`;
    await sql.end();
    await checkAdopted('pgsql', database.url);
  });

  test('MySQL: the tokens table, flat columns only', async () => {
    const database = await createMysqlDatabase('reference');
    cleanups.push(() => database.drop());
    const connection = await createConnection(mysqlOptions(database.url));
    await connection.query(`CREATE TABLE tokens (token VARCHAR(512) PRIMARY KEY, pool_name VARCHAR(64), status VARCHAR(16), quota INT, created_at BIGINT,
      last_used_at BIGINT, use_count INT, fail_count INT, last_fail_at BIGINT, last_fail_reason TEXT, last_sync_at BIGINT, tags TEXT, note TEXT,
      last_asset_clear_at BIGINT, data TEXT, data_hash CHAR(64), updated_at BIGINT)`);
    const cooledData = JSON.stringify({ token: 'ref-cooled', consumed: 80 });
    await connection.query(
      `INSERT INTO tokens (token, pool_name, status, quota, created_at, use_count, fail_count, tags, note, data, updated_at) VALUES
       ('ref-cooled', 'ssoBasic', 'COOLING', 0, 1700000000000, 80, 1, '["nsfw"]', 'from the reference', ?, 0),
       ('ref-fresh', 'ssoSuper', 'active', 140, 1700000000000, 0, 0, '[]', '', NULL, 0)`,
      [cooledData],
    );
    await connection.end();
    await checkAdopted('mysql', database.url);
  });
});
