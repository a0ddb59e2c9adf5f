import { join } from 'node:path';
import { MEMORY_DATABASE, openSqliteStorage } from './sqlite/sqlite-storage';
import { applySecretKey } from './encrypted-storage';
import { withDeadlines } from './deadline-storage';
import type { Storage } from './types';

export * from './types';

export const DATABASE_FILE_NAME = 'grok2api.db';

export interface OpenStorageOptions {
  /** `SERVER_STORAGE_TYPE`: local | sqlite | redis | mysql | mariadb | pgsql | postgres. Empty means local. */
  type: string;
  /** `SERVER_STORAGE_URL`. For SQLite: a file path, `sqlite:<path>`, or `:memory:`. */
  url?: string;
  dataDir: string;
  clock?: () => number;
  /** `GROK2API_SECRET_KEY`: account tokens are encrypted at rest with it (src/storage/encrypted-storage.ts). */
  secretKey?: string;
  /**
   * This instance's stable id: a restart with the same id frees the request slots the earlier run
   * held (Coordinator.releaseEarlierRun). A fresh id per open when absent.
   */
  instanceId?: string;
  /** Told how many plain rows were encrypted while opening. */
  onTokensEncrypted?: (count: number) => void;
}

const POSTGRES_TYPES = new Set(['pgsql', 'postgres', 'postgresql']);
const MYSQL_TYPES = new Set(['mysql', 'mariadb']);

function sqlitePath(url: string | undefined, dataDir: string): string {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return join(dataDir, DATABASE_FILE_NAME);
  if (trimmed === MEMORY_DATABASE) return MEMORY_DATABASE;
  return trimmed.replace(/^sqlite:(\/\/)?/, '') || join(dataDir, DATABASE_FILE_NAME);
}

/** Opens the configured backend; an unknown or unavailable type is an error, never a silent fallback. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const storage = await openDriver(options);
  try {
    const { storage: keyed, migrated } = await applySecretKey(storage, options.secretKey || undefined);
    if (migrated > 0) options.onTokensEncrypted?.(migrated);
    return keyed;
  } catch (error) {
    await storage.close();
    throw error;
  }
}

async function openDriver(options: OpenStorageOptions): Promise<Storage> {
  const type = options.type.trim().toLowerCase() || 'local';
  if (type === 'local' || type === 'sqlite') {
    const path = sqlitePath(options.url, options.dataDir);
    return openSqliteStorage({ path, clock: options.clock, instanceId: options.instanceId });
  }
  const known = type === 'redis' || POSTGRES_TYPES.has(type) || MYSQL_TYPES.has(type);
  if (!known) throw new Error(`unknown storage type ${options.type} (expected local, sqlite, redis, mysql or pgsql)`);
  const url = options.url?.trim() ?? '';
  if (url === '') throw new Error(`SERVER_STORAGE_URL is required for storage type ${type}`);
  const driverOptions = { url, clock: options.clock, instanceId: options.instanceId };
  // Loaded only when configured: each client library costs memory and start-up time. Storage
  // servers can go away, so their calls get deadlines; SQLite is in-process (see deadline-storage.ts).
  if (type === 'redis')
    return withDeadlines(await (await import('./redis/redis-storage')).openRedisStorage(driverOptions));
  if (POSTGRES_TYPES.has(type)) {
    return withDeadlines(await (await import('./postgres/postgres-storage')).openPostgresStorage(driverOptions));
  }
  return withDeadlines(await (await import('./mysql/mysql-storage')).openMysqlStorage(driverOptions));
}
