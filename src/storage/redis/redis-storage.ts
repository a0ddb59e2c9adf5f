import { Redis, type RedisOptions } from 'ioredis';
import { parseConnectionUrl, tlsMode } from '../connection-url';
import { ACCOUNT_STATUSES, type AccountStatus, type Storage } from '../types';
import { RedisAccountStore, statusKey } from './account-store';
import { RedisCoordinator } from './redis-coordinator';
import { adoptReferenceLayout } from '../reference-layout';
import { readReferenceRedis } from './reference-reader';
import { RedisRecordStore } from './record-store';
import { CONNECT_TIMEOUT_MS } from '../deadline-storage';

export interface RedisStorageOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://`; `?prefix=` names the key prefix. */
  url: string;
  /** Every key starts with this (default `grok2api:`), so one Redis can hold several deployments. */
  keyPrefix?: string;
  clock?: () => number;
  /** This instance's stable id (see Coordinator.releaseEarlierRun); a fresh one when absent. */
  instanceId?: string;
}

export const DEFAULT_KEY_PREFIX = 'grok2api:';

/**
 * Layout versions. Redis has no schema, but a later layout change needs to know what it finds.
 * 1: the layout in account-scripts.ts and record-store.ts. 2: account documents carry `modes`
 * (quota windows per upstream mode); a version-1 document without it reads as having none, so
 * the upgrade rewrites nothing and only records the new version. 3: a set of tokens per status
 * (`<prefix>status:<status>`), built from the documents by the upgrade. 4: removed tokens are
 * recorded in `<prefix>removed` (the change feed's deletions); nothing to rewrite, and an older
 * build, which would not record them, no longer starts on it.
 */
export const REDIS_LAYOUT_VERSION = 4;

export function redisOptions(url: string): { options: RedisOptions; keyPrefix: string | null } {
  const parts = parseConnectionUrl(url);
  if (parts.scheme !== 'redis' && parts.scheme !== 'rediss') {
    throw new Error(`SERVER_STORAGE_URL for Redis must start with redis:// or rediss://, not ${parts.scheme}://`);
  }
  const database = parts.database === null ? 0 : Number(parts.database);
  if (!Number.isInteger(database) || database < 0)
    throw new Error('the Redis database in SERVER_STORAGE_URL must be a number');
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
      // While Redis is unreachable a command fails at once instead of waiting in ioredis for the
      // reconnection (every call also has a deadline: src/storage/deadline-storage.ts). The
      // connection keeps retrying in the background, so recovery needs no restart.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
    },
    keyPrefix: parts.parameters.get('prefix') ?? null,
  };
}

export async function openRedisStorage(options: RedisStorageOptions): Promise<Storage> {
  const clock = options.clock ?? Date.now;
  const parsed = redisOptions(options.url);
  const prefix = options.keyPrefix ?? parsed.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const redis = new Redis(parsed.options);
  // Each failed call reports the outage to its caller; without a listener ioredis would also print
  // every reconnection error to stderr.
  redis.on('error', () => {});
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
  const coordinator = new RedisCoordinator(redis, prefix, options.instanceId);
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
    // Versions 2 and 4 need no data change (see REDIS_LAYOUT_VERSION).
    if (version === 3) await buildStatusSets(redis, prefix);
    await redis.set(versionKey, String(version));
  }
}

/**
 * Puts every stored account in its status set. Only adds: an instance already on layout 3 keeps
 * the sets right for what it writes meanwhile, a member left over in a wrong set is dropped by the
 * account's next write, and listing checks each document's own status anyway.
 */
async function buildStatusSets(redis: Redis, prefix: string): Promise<void> {
  const tokens = await redis.zrange(`${prefix}accounts`, '0', '-1');
  for (let start = 0; start < tokens.length; start += STATUS_BATCH) {
    const slice = tokens.slice(start, start + STATUS_BATCH);
    const texts = await redis.mget(slice.map((token) => `${prefix}account:${token}`));
    const pipeline = redis.pipeline();
    texts.forEach((text, position) => {
      if (text === null) return;
      const status = (JSON.parse(text) as { status?: unknown }).status;
      if (typeof status === 'string' && (ACCOUNT_STATUSES as readonly string[]).includes(status)) {
        pipeline.sadd(statusKey(prefix, status as AccountStatus), slice[position]!);
      }
    });
    await pipeline.exec();
  }
}

const STATUS_BATCH = 1_000;
