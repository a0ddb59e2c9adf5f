import { afterAll, beforeAll, describe } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createConnection } from 'mysql2/promise';
import { openStorage } from '../../src/storage';
import { mysqlOptions } from '../../src/storage/mysql/mysql-storage';
import type { Storage } from '../../src/storage/types';
import { createMysqlDatabase, createPostgresDatabase, REDIS_URL, redisPrefix } from '../storage/server-databases';
import { runCoordinatorContract } from './coordinator-contract';

/** Two storages on one empty store per test, for every driver, on the real servers. */

const root = mkdtempSync(join(tmpdir(), 'grok2api-coordinator-'));
const redis = redisPrefix('coord');
let postgresDatabase: { url: string; drop(): Promise<void> };
let mysqlDatabase: { url: string; drop(): Promise<void> };
let stores = 0;

beforeAll(async () => {
  postgresDatabase = await createPostgresDatabase('coord');
  mysqlDatabase = await createMysqlDatabase('coord');
});
afterAll(async () => {
  await postgresDatabase.drop();
  await mysqlDatabase.drop();
  await redis.drop();
  rmSync(root, { recursive: true, force: true });
});

/** The store of the last pair, for `openAgain`. */
let last: { type: string; url: string } | null = null;

async function pair(type: string, url: string, instanceIds: [string, string]): Promise<[Storage, Storage]> {
  last = { type, url };
  const one = await openStorage({ type, url, dataDir: root, instanceId: instanceIds[0] });
  const two = await openStorage({ type, url, dataDir: root, instanceId: instanceIds[1] });
  return [one, two];
}

const openAgain = (instanceId: string) => openStorage({ type: last!.type, url: last!.url, dataDir: root, instanceId });

describe('SQLite coordinator (one file, two connections)', () => {
  runCoordinatorContract((ids) => pair('sqlite', join(root, `coordinator-${stores++}.db`), ids), openAgain);
});

describe('Redis coordinator', () => {
  runCoordinatorContract((ids) => pair('redis', `${REDIS_URL}?prefix=${redis.prefix}${stores++}:`, ids), openAgain);
});

describe('PostgreSQL coordinator', () => {
  runCoordinatorContract(async (ids) => {
    const sql = postgres(postgresDatabase.url, { max: 1, onnotice: () => {} });
    const storages = await pair('pgsql', postgresDatabase.url, ids);
    await sql`TRUNCATE accounts, account_removals, records, cluster_locks, account_slots`;
    await sql.end();
    return storages;
  }, openAgain);
});

describe('MySQL coordinator', () => {
  runCoordinatorContract(async (ids) => {
    const storages = await pair('mysql', mysqlDatabase.url, ids);
    const connection = await createConnection(mysqlOptions(mysqlDatabase.url));
    for (const table of ['accounts', 'account_removals', 'records', 'cluster_locks', 'account_slots'])
      await connection.query(`DELETE FROM ${table}`);
    await connection.end();
    return storages;
  }, openAgain);
});
