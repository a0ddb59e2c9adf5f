import { join } from 'node:path';
import { MEMORY_DATABASE, openSqliteStorage } from './sqlite/sqlite-storage';
import type { Storage } from './types';

export * from './types';

export const DATABASE_FILE_NAME = 'grok2api.db';

export interface OpenStorageOptions {
  /** `SERVER_STORAGE_TYPE`: local | sqlite | redis | mysql | pgsql | postgres. Empty means local. */
  type: string;
  /** `SERVER_STORAGE_URL`. For SQLite: a file path, `sqlite:<path>`, or `:memory:`. */
  url?: string;
  dataDir: string;
  clock?: () => number;
}

const NOT_YET_AVAILABLE = new Set(['redis', 'mysql', 'mariadb', 'pgsql', 'postgres', 'postgresql']);

function sqlitePath(url: string | undefined, dataDir: string): string {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return join(dataDir, DATABASE_FILE_NAME);
  if (trimmed === MEMORY_DATABASE) return MEMORY_DATABASE;
  return trimmed.replace(/^sqlite:(\/\/)?/, '') || join(dataDir, DATABASE_FILE_NAME);
}

/** Opens the configured backend; an unknown or unavailable type is an error, never a silent fallback. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const type = options.type.trim().toLowerCase() || 'local';
  if (type === 'local' || type === 'sqlite') {
    return openSqliteStorage({ path: sqlitePath(options.url, options.dataDir), clock: options.clock });
  }
  if (NOT_YET_AVAILABLE.has(type)) throw new Error(`storage type ${options.type} is not available yet`);
  throw new Error(`unknown storage type ${options.type} (expected local, sqlite, redis, mysql or pgsql)`);
}
