import { Redis, type RedisOptions } from 'ioredis';
import { parseConnectionUrl, tlsMode } from '../connection-url';
import type { Storage } from '../types';
import { RedisAccountStore } from './account-store';
import { RedisCoordinator } from './redis-coordinator';
import { adoptReferenceLayout } from '../reference-layout';
import { readReferenceRedis } from './reference-reader';
import { RedisRecordStore } from './record-store';

export interface RedisStorageOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://`; `?prefix=` names the key prefix. */
  url: string;
  /** Every key starts with this (default `grok2api:`), so one Redis can hold several deployments. */
  keyPrefix?: string;
  clock?: () => number;
}

export const DEFAULT_KEY_PREFIX = 'grok2api:';

/**
 * Layout versions. Redis has no schema, but a later layout change needs to know what it finds.
 * 1: the layout in account-scripts.ts and record-store.ts. 2: account documents carry `modes`
 * (quota windows per upstream mode); a version-1 document without it reads as having none, so
 * the upgrade rewrites nothing and only records the new version.
 */
export const REDIS_LAYOUT_VERSION = 2;

export function redisOptions(url: string): { options: RedisOptions; keyPrefix: string | null } {
  const parts = parseConnectionUrl(url);
  if (parts.scheme !== 'redis' && parts.scheme !== 'rediss') {
    throw new Error(`SERVER_STORAGE_URL for Redis must start with redis:// or rediss://, not ${parts.scheme}://`);
  }
  const database = parts.database === null ? 0 : Number(parts.database);
  if (!Number.isInteger(database) || database < 0) throw new Error('the Redis database in SERVER_STORAGE_URL must be a number');
  const secure = parts.scheme === 'rediss' || tlsMode(parts) !== 'disable';
  return {
    options: {
      host: parts.host,
      port: parts.port ?? 6379,
      username: parts.user ?? undefined,
      password: parts.password ?? undefined,
      db: database,
      tls: secure ? {} : undefined,
      lazyConnect: true,
      maxRetriesPerRequest: 3,
    },
    keyPrefix: parts.parameters.get('prefix') ?? null,
  };
}

export async function openRedisStorage(options: RedisStorageOptions): Promise<Storage> {
  const clock = options.clock ?? Date.now;
  const parsed = redisOptions(options.url);
  const prefix = options.keyPrefix ?? parsed.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const redis = new Redis(parsed.options);
  try {
    await redis.connect();
    const versionKey = `${prefix}layout_version`;
    await redis.setnx(versionKey, String(REDIS_LAYOUT_VERSION));
    const stored = Number(await redis.get(versionKey));
    if (stored > REDIS_LAYOUT_VERSION) {
      throw new Error(`Redis layout version ${stored} is newer than this build supports (${REDIS_LAYOUT_VERSION})`);
    }
    if (stored < REDIS_LAYOUT_VERSION) await upgradeLayout(redis, prefix, stored);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const coordinator = new RedisCoordinator(redis, prefix);
  try {
    await coordinator.start();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  let closed = false;
  const storage: Storage = {
    kind: 'redis',
    coordinator,
    accounts: new RedisAccountStore(redis, prefix, clock),
    records: new RedisRecordStore(redis, prefix, clock),
    async ping() {
      await redis.ping();
    },
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  await adoptReferenceLayout(storage, () => readReferenceRedis(redis, prefix));
  return storage;
}

/** Brings an older layout up to REDIS_LAYOUT_VERSION, one step at a time; each step may run twice. */
async function upgradeLayout(redis: Redis, prefix: string, from: number): Promise<void> {
  const versionKey = `${prefix}layout_version`;
  for (let version = from + 1; version <= REDIS_LAYOUT_VERSION; version++) {
    // Version 2 needs no data change (see REDIS_LAYOUT_VERSION).
    await redis.set(versionKey, String(version));
  }
}
