import type { Sql } from 'postgres';

/**
 * PostgreSQL schema changes, in order; `schema_version` records what was applied. A start takes a
 * transaction-scoped advisory lock first, so instances starting together apply each migration once;
 * PostgreSQL's DDL is transactional, so a crash mid-migration leaves the old schema intact.
 * Append new entries; never edit one that has shipped.
 */
const MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE accounts (
        token TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        pool TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        status_changed_at BIGINT NOT NULL,
        quota BIGINT NOT NULL,
        quota_total BIGINT,
        window_seconds BIGINT,
        consumed BIGINT NOT NULL DEFAULT 0,
        use_count BIGINT NOT NULL DEFAULT 0,
        fail_count BIGINT NOT NULL DEFAULT 0,
        last_fail_at BIGINT,
        last_fail_reason TEXT,
        last_used_at BIGINT,
        last_sync_at BIGINT,
        cooldown_until BIGINT,
        created_at BIGINT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        updated_at BIGINT NOT NULL,
        version BIGINT NOT NULL DEFAULT 1
      )`,
      'CREATE INDEX accounts_by_pool_status ON accounts (pool, status)',
      'CREATE INDEX accounts_by_updated_at ON accounts (updated_at)',
    ],
  },
  {
    version: 2,
    statements: [
      `CREATE TABLE records (
        collection TEXT COLLATE "C" NOT NULL,
        id TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        expires_at BIGINT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (collection, id)
      )`,
      'CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL',
    ],
  },
  {
    version: 3,
    statements: [
      'CREATE TABLE cluster_locks (name TEXT PRIMARY KEY NOT NULL, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)',
      `CREATE TABLE account_slots (
        token TEXT COLLATE "C" NOT NULL,
        slot_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (token, slot_id)
      )`,
    ],
  },
  {
    version: 4,
    // Quota windows per upstream mode (JSON, like tags).
    statements: ["ALTER TABLE accounts ADD COLUMN modes TEXT NOT NULL DEFAULT '{}'"],
  },
  {
    version: 5,
    // The admin console's accounts page (sql-account-query.ts): its default order, the status
    // filter in that order, and the sorts by last use and by quota. NULLS FIRST and COLLATE "C" match the ORDER
    // BY it sends, so ascending reads the index forwards and descending backwards.
    statements: [
      // `nsfw` mirrors the tag so the per-status counts can come from one small covering index.
      `ALTER TABLE accounts ADD COLUMN nsfw INTEGER GENERATED ALWAYS AS (CASE WHEN tags LIKE '%"nsfw"%' THEN 1 ELSE 0 END) STORED`,
      'CREATE INDEX accounts_by_status_pool_nsfw ON accounts (status, pool, nsfw)',
      'CREATE INDEX accounts_by_created ON accounts (created_at NULLS FIRST, token COLLATE "C" NULLS FIRST)',
      'CREATE INDEX accounts_by_status_created ON accounts (status, created_at NULLS FIRST, token COLLATE "C" NULLS FIRST)',
      'CREATE INDEX accounts_by_last_used ON accounts (last_used_at NULLS FIRST, token COLLATE "C" NULLS FIRST)',
      'CREATE INDEX accounts_by_quota ON accounts (quota NULLS FIRST, token COLLATE "C" NULLS FIRST)',
    ],
  },
  {
    version: 6,
    statements: [
      // The change feed's deletions (AccountStore.removedSince): instances that poll learn of them here.
      `CREATE TABLE account_removals (
        token TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        removed_at BIGINT NOT NULL
      )`,
      'CREATE INDEX account_removals_by_time ON account_removals (removed_at)',
      // Every charge rewrites a row, which clears its page's all-visible bit; the console's sorts are
      // index-only scans that visit the heap for such pages. Vacuum after 2 % of the rows changed
      // (default 20 %), so the visibility map and the statistics stay close to the table.
      `ALTER TABLE accounts SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
        autovacuum_vacuum_insert_scale_factor = 0.02)`,
    ],
  },
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Any constant shared by every grok2api instance; only identifies the lock. */
const MIGRATION_LOCK_KEY = 0x67726f6b;

export async function migratePostgres(sql: Sql, now: number): Promise<void> {
  await sql.begin(async (transaction) => {
    await transaction`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await transaction`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY NOT NULL, applied_at BIGINT NOT NULL)`;
    const [row] = await transaction<{ version: number | null }[]>`SELECT MAX(version) AS version FROM schema_version`;
    const current = row?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new Error(
        `database schema version ${current} is newer than this build supports (${POSTGRES_SCHEMA_VERSION})`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements) await transaction.unsafe(statement);
      await transaction`INSERT INTO schema_version (version, applied_at) VALUES (${migration.version}, ${now})`;
    }
  });
}
