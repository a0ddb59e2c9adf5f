import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { parseConnectionUrl, tlsMode } from '../connection-url';
import { SqlAccountStore } from '../sql-account-store';
import type { Storage } from '../types';
import { migrateMysql } from './migrations';
import { CONNECT_TIMEOUT_MS, DEFAULT_STORAGE_DEADLINES } from '../deadline-storage';
import { withDeadline } from '../storage-unavailable';
import { mysqlDialect } from './mysql-dialect';
import { MysqlRecordStore } from './record-store';
import { MysqlCoordinator } from './mysql-coordinator';
import type { RowDataPacket } from 'mysql2/promise';
import { adoptReferenceLayout } from '../reference-layout';
import { REFERENCE_TOKENS_QUERY, referenceSqlRow } from '../reference-sql';

/**
 * MySQL and MariaDB through mysql2: the most used and actively released MySQL client for
 * JavaScript, pure JS over `net`/`tls` (so it runs under Bun without native add-ons), with
 * promise pools and TypeScript types in the package.
 */

export interface MysqlStorageOptions {
  /** `mysql://`, `mariadb://` or `mysql+aiomysql://` (any `+driver`), optional `?ssl=`/`?ssl-mode=`. */
  url: string;
  clock?: () => number;
  maxConnections?: number;
  /** This instance's stable id (see Coordinator.releaseEarlierRun); a fresh one when absent. */
  instanceId?: string;
}

export function mysqlOptions(url: string, maxConnections = 10): PoolOptions {
  const parts = parseConnectionUrl(url);
  if (parts.scheme !== 'mysql' && parts.scheme !== 'mariadb') {
    throw new Error(`SERVER_STORAGE_URL for MySQL must start with mysql://, not ${parts.scheme}://`);
  }
  if (!parts.database)
    throw new Error('SERVER_STORAGE_URL for MySQL must name a database (mysql://user@host/database)');
  const mode = tlsMode(parts);
  return {
    host: parts.host,
    port: parts.port ?? 3306,
    user: parts.user ?? 'root',
    password: parts.password ?? undefined,
    database: parts.database,
    ssl: mode === 'disable' || mode === 'prefer' ? undefined : { rejectUnauthorized: mode === 'verify-full' },
    connectionLimit: maxConnections,
    // A server that accepts TCP but never answers fails the connection attempt in time; calls on
    // open connections are bounded by deadline-storage.ts.
    connectTimeout: CONNECT_TIMEOUT_MS,
    charset: 'utf8mb4_bin',
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

export async function openMysqlStorage(options: MysqlStorageOptions): Promise<Storage> {
  const clock = options.clock ?? Date.now;
  const pool = createPool(mysqlOptions(options.url, options.maxConnections));
  try {
    await migrateMysql(pool, clock());
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  let closed = false;
  // Liveness checks get a connection of their own (see Storage.probe), made when first needed.
  let probePool: Pool | null = null;
  const storage: Storage = {
    kind: 'mysql',
    accounts: new SqlAccountStore(mysqlDialect(pool), clock),
    records: new MysqlRecordStore(pool, clock),
    coordinator: new MysqlCoordinator(pool, options.instanceId),
    async ping() {
      await pool.query('SELECT 1');
    },
    async probe() {
      const client = (probePool ??= createPool(mysqlOptions(options.url, 1)));
      try {
        await withDeadline(client.query('SELECT 1'), DEFAULT_STORAGE_DEADLINES.probeMs, 'a liveness check');
      } catch (error) {
        // A connection that failed a check is not trusted with the next one: a fresh one is.
        if (probePool === client) probePool = null;
        void client.end().catch(() => {});
        throw error;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await probePool?.end().catch(() => {});
      await pool.end();
    },
  };
  await adoptReferenceLayout(storage, async () => {
    const [tables] = await pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS total FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'tokens'",
    );
    if (Number(tables[0]?.total ?? 0) === 0) return [];
    const [rows] = await pool.query<RowDataPacket[]>(REFERENCE_TOKENS_QUERY);
    return rows.map((row) => referenceSqlRow(row));
  });
  return storage;
}
