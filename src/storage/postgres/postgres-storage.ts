import postgres, { type Options, type Sql } from 'postgres';
import { parseConnectionUrl, tlsMode } from '../connection-url';
import { SqlAccountStore } from '../sql-account-store';
import type { Storage } from '../types';
import { migratePostgres } from './migrations';
import { renewableSql } from './renewable-sql';
import { whenPostgresWriteRace } from './write-race-guard';
import { CONNECT_TIMEOUT_MS, DEFAULT_STORAGE_DEADLINES } from '../deadline-storage';
import { withDeadline } from '../storage-unavailable';
import { PostgresCoordinator } from './postgres-coordinator';
import { postgresDialect } from './postgres-dialect';
import { PostgresRecordStore } from './record-store';
import { adoptReferenceLayout } from '../reference-layout';
import { REFERENCE_TOKENS_QUERY, referenceSqlRow } from '../reference-sql';

export interface PostgresStorageOptions {
  /** `postgres://`, `postgresql://` or `postgresql+asyncpg://` with optional `?sslmode=`. */
  url: string;
  clock?: () => number;
  maxConnections?: number;
  /** This instance's stable id (see Coordinator.releaseEarlierRun); a fresh one when absent. */
  instanceId?: string;
}

/** postgres.js options from the URL; the SQLAlchemy driver suffix and asyncpg's `ssl=` are accepted. */
export function postgresOptions(url: string, maxConnections = 10): Options<Record<string, never>> {
  const parts = parseConnectionUrl(url);
  if (parts.scheme !== 'postgres' && parts.scheme !== 'postgresql' && parts.scheme !== 'pgsql') {
    throw new Error(`SERVER_STORAGE_URL for PostgreSQL must start with postgresql://, not ${parts.scheme}://`);
  }
  const mode = tlsMode(parts);
  return {
    host: parts.host,
    port: parts.port ?? 5432,
    username: parts.user ?? 'postgres',
    password: parts.password ?? undefined,
    database: parts.database ?? 'postgres',
    ssl: mode === 'disable' ? false : mode === 'verify-full' ? 'verify-full' : mode,
    max: maxConnections,
    // Seconds. A server that accepts TCP but never answers (stopped, overloaded) fails the
    // connection attempt in time; calls on open connections are bounded by deadline-storage.ts.
    connect_timeout: Math.ceil(CONNECT_TIMEOUT_MS / 1000),
    // Seconds before a connection that failed is tried again. postgres.js grows it with every
    // failure up to 20 s, so after a long outage queries would wait that long on a server that is
    // back; a short cap keeps recovery within a second (a refused connection costs nothing).
    backoff: (retries: number) => Math.min(0.1 * retries, 1),
    onnotice: () => {}, // "relation already exists" notices are expected at start-up
  };
}

export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const clock = options.clock ?? Date.now;
  // Liveness checks get a connection of their own (see Storage.probe), made when first needed.
  let probeSql: Sql | null = null;
  const client = renewableSql(() => postgres(postgresOptions(options.url, options.maxConnections)));
  const sql = client.sql;
  const coordinator = new PostgresCoordinator(sql, options.instanceId);
  try {
    await migratePostgres(sql, clock());
    await coordinator.start();
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
  const stopRenewing = whenPostgresWriteRace(() => {
    client.renew();
    const probe = probeSql;
    probeSql = null;
    void probe?.end({ timeout: 0 }).catch(() => {});
    // The notices were listened for on the old client.
    void coordinator.start().catch(() => {});
  });
  let closed = false;
  const storage: Storage = {
    kind: 'postgres',
    coordinator,
    accounts: new SqlAccountStore(postgresDialect(sql), clock),
    records: new PostgresRecordStore(sql, clock),
    async ping() {
      await sql`SELECT 1`;
    },
    async probe() {
      const client = (probeSql ??= postgres(postgresOptions(options.url, 1)));
      try {
        await withDeadline(client`SELECT 1`, DEFAULT_STORAGE_DEADLINES.probeMs, 'a liveness check');
      } catch (error) {
        // A connection that failed a check is not trusted with the next one: a fresh one is.
        if (probeSql === client) probeSql = null;
        void client.end({ timeout: 0 }).catch(() => {});
        throw error;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      stopRenewing();
      await coordinator.close();
      await probeSql?.end({ timeout: 1 });
      await sql.end({ timeout: 5 });
    },
  };
  await adoptReferenceLayout(storage, async () => {
    const [table] = await sql<{ name: string | null }[]>`SELECT to_regclass('tokens')::text AS name`;
    if (!table?.name) return [];
    return (await sql.unsafe(REFERENCE_TOKENS_QUERY)).map((row) => referenceSqlRow(row as Record<string, unknown>));
  });
  return storage;
}
