import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import postgres from 'postgres';

/**
 * Throw-away databases on the real servers `.ci/run` starts (PostgreSQL, MariaDB/MySQL, Redis).
 * Each test run gets names no other run uses, so engineers and CI jobs sharing one server never
 * collide, and drops them at the end so repeated runs leave nothing behind.
 * Override the servers with TEST_POSTGRES_URL / TEST_MYSQL_URL / TEST_REDIS_URL.
 */

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export function uniqueName(label: string): string {
  return `grok2api_test_${label}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createPostgresDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName(label);
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  return {
    url: withDatabase(POSTGRES_ADMIN_URL, name),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export async function createMysqlDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName(label);
  const parsed = new URL(MYSQL_ADMIN_URL);
  const admin = await createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password) || undefined,
  });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  return {
    url: withDatabase(MYSQL_ADMIN_URL, name),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

/** A key prefix for one run, and a cleanup that deletes every key under it. */
export function redisPrefix(label: string): { prefix: string; drop(): Promise<void> } {
  const prefix = `${uniqueName(label)}:`;
  return {
    prefix,
    async drop() {
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        await redis.quit();
      }
    },
  };
}
