import type { Pool, RowDataPacket } from 'mysql2/promise';

/**
 * MySQL/MariaDB schema changes, in order; `schema_version` records what was applied. MySQL commits
 * DDL implicitly, so a migration cannot be rolled back: every statement is written to be safe to
 * run again (IF NOT EXISTS, indexes declared inside CREATE TABLE), and a named server lock
 * (GET_LOCK) keeps instances starting together from applying one twice.
 * Append new entries; never edit one that has shipped.
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

interface MysqlMigration {
  version: number;
  statements: readonly string[];
  /**
   * A query that returns a row when the change is already there: MySQL has no ADD COLUMN IF NOT
   * EXISTS (MariaDB has), so a column added by a run that crashed before recording it is detected.
   */
  alreadyApplied?: string;
}

const MIGRATIONS: readonly MysqlMigration[] = [
  {
    version: 1,
    statements: [
      // utf8mb4_bin: tokens are case-sensitive secrets, and ids must sort by code point like JavaScript.
      `CREATE TABLE IF NOT EXISTS accounts (
        token VARCHAR(700) NOT NULL PRIMARY KEY,
        pool VARCHAR(100) NOT NULL,
        status VARCHAR(16) NOT NULL,
        status_reason TEXT NULL,
        status_changed_at BIGINT NOT NULL,
        quota BIGINT NOT NULL,
        quota_total BIGINT NULL,
        window_seconds BIGINT NULL,
        consumed BIGINT NOT NULL DEFAULT 0,
        use_count BIGINT NOT NULL DEFAULT 0,
        fail_count BIGINT NOT NULL DEFAULT 0,
        last_fail_at BIGINT NULL,
        last_fail_reason TEXT NULL,
        last_used_at BIGINT NULL,
        last_sync_at BIGINT NULL,
        cooldown_until BIGINT NULL,
        created_at BIGINT NOT NULL,
        tags TEXT NOT NULL,
        note TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        version BIGINT NOT NULL DEFAULT 1,
        INDEX accounts_by_pool_status (pool, status),
        INDEX accounts_by_updated_at (updated_at)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 2,
    statements: [
      `CREATE TABLE IF NOT EXISTS records (
        collection VARCHAR(100) NOT NULL,
        id VARCHAR(500) NOT NULL,
        value LONGTEXT NOT NULL,
        expires_at BIGINT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (collection, id),
        INDEX records_by_expiry (expires_at)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 3,
    statements: [
      `CREATE TABLE IF NOT EXISTS cluster_locks (
        name VARCHAR(200) NOT NULL PRIMARY KEY,
        holder VARCHAR(200) NOT NULL,
        expires_at BIGINT NOT NULL
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS account_slots (
        token VARCHAR(700) NOT NULL,
        slot_id VARCHAR(100) CHARACTER SET ascii NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (token, slot_id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 4,
    // Quota windows per upstream mode (JSON); NULL reads as none, so existing rows need no rewrite.
    statements: ['ALTER TABLE accounts ADD COLUMN modes TEXT NULL'],
    alreadyApplied: `SELECT 1 FROM information_schema.columns
      WHERE table_schema = DATABASE() AND table_name = 'accounts' AND column_name = 'modes'`,
  },
  {
    version: 5,
    // The admin console's accounts page (sql-account-query.ts): its default order, the status
    // filter in that order, and the sorts by last use and by quota. InnoDB appends the primary key (token) to
    // every secondary index, so each already orders ties by token.
    statements: [
      // `nsfw` mirrors the tag so the per-status counts come from one small covering index.
      `ALTER TABLE accounts
        ADD COLUMN nsfw TINYINT AS (CASE WHEN tags LIKE '%"nsfw"%' THEN 1 ELSE 0 END) STORED,
        ADD INDEX accounts_by_status_pool_nsfw (status, pool, nsfw),
        ADD INDEX accounts_by_created (created_at),
        ADD INDEX accounts_by_status_created (status, created_at),
        ADD INDEX accounts_by_last_used (last_used_at),
        ADD INDEX accounts_by_quota (quota)`,
    ],
    alreadyApplied: `SELECT 1 FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name = 'accounts' AND index_name = 'accounts_by_created'`,
  },
  {
    version: 6,
    // The change feed's deletions (AccountStore.removedSince): instances poll MySQL, so a removed
    // account reaches them only through a record like this.
    statements: [
      `CREATE TABLE IF NOT EXISTS account_removals (
        token VARCHAR(700) NOT NULL PRIMARY KEY,
        removed_at BIGINT NOT NULL,
        INDEX account_removals_by_time (removed_at)
      ) ${TABLE_OPTIONS}`,
    ],
  },
];

export const MYSQL_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

const LOCK_NAME = 'grok2api_schema_migration';

export async function migrateMysql(pool: Pool, now: number): Promise<void> {
  const connection = await pool.getConnection();
  try {
    const [[lock]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, 60) AS got', [LOCK_NAME]);
    if (Number(lock?.got) !== 1) throw new Error('could not take the schema migration lock within 60 s');
    try {
      await connection.query(
        `CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL) ${TABLE_OPTIONS}`,
      );
      const [[row]] = await connection.query<RowDataPacket[]>('SELECT MAX(version) AS version FROM schema_version');
      const current = Number(row?.version ?? 0);
      if (current > MYSQL_SCHEMA_VERSION) {
        throw new Error(
          `database schema version ${current} is newer than this build supports (${MYSQL_SCHEMA_VERSION})`,
        );
      }
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        const [present] = migration.alreadyApplied
          ? await connection.query<RowDataPacket[]>(migration.alreadyApplied)
          : [[]];
        if (present.length === 0) for (const statement of migration.statements) await connection.query(statement);
        await connection.query('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)', [
          migration.version,
          now,
        ]);
      }
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    connection.release();
  }
}
