import { Database } from 'bun:sqlite';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Storage } from '../types';
import { SqliteAccountStore } from './account-store';
import { migrateSchema } from './migrations';
import { SqliteRecordStore } from './record-store';
import { SqliteCoordinator } from './sqlite-coordinator';

export const MEMORY_DATABASE = ':memory:';

export interface SqliteStorageOptions {
  /** A file path, or ':memory:' (tests). */
  path: string;
  /** Stamps `updatedAt`; injected so tests control `changedSince`. */
  clock?: () => number;
  /** How long a write waits for another process's lock before failing. */
  busyTimeoutMs?: number;
  /** This instance's stable id (see Coordinator.releaseEarlierRun); a fresh one when absent. */
  instanceId?: string;
}

/**
 * Pragmas, and why:
 * - WAL: readers never block the writer, and a crash mid-write leaves the last committed state
 *   (the write-ahead log is replayed or ignored, never half-applied).
 * - synchronous=NORMAL: in WAL mode this cannot corrupt the database; an operating-system crash or
 *   power cut may only roll back the last few commits. The hot path (one small transaction per
 *   request) would otherwise wait for an fsync every time. Token-set changes use FULL instead
 *   (see SqliteAccountStore.durably).
 * - busy_timeout: another process holding the write lock makes us wait, not fail.
 */
/**
 * The database holds every account token: it is created readable by its owner only (SQLite gives
 * its -wal and -shm files the database file's mode), and an older world-readable one is tightened.
 */
function ownerOnly(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // Not ours to change (another user's file): SQLite still opens it.
  }
}

export function openSqliteStorage(options: SqliteStorageOptions): Storage {
  const clock = options.clock ?? Date.now;
  if (options.path !== MEMORY_DATABASE) {
    mkdirSync(dirname(options.path), { recursive: true });
    ownerOnly(options.path);
  }
  const database = new Database(options.path, { create: true, strict: true });
  database.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  database.run('PRAGMA journal_mode = WAL');
  database.run('PRAGMA synchronous = NORMAL');
  migrateSchema(database, clock());
  let closed = false;
  return {
    kind: 'sqlite',
    accounts: new SqliteAccountStore(database, clock),
    records: new SqliteRecordStore(database, clock),
    coordinator: new SqliteCoordinator(database, clock, options.instanceId),
    async ping() {
      database.query('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      database.close();
    },
  };
}
