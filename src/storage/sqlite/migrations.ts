import type { Database } from 'bun:sqlite';

/**
 * Schema changes, in order. A database records the last one applied in `schema_version`; a start
 * applies the rest inside one transaction, so a crash mid-migration leaves the old schema intact.
 * Append new entries; never edit one that has shipped.
 */
export interface SchemaMigration {
  version: number;
  description: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    description: 'accounts table',
    statements: [
      `CREATE TABLE accounts (
        token TEXT PRIMARY KEY NOT NULL,
        pool TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        status_changed_at INTEGER NOT NULL,
        quota INTEGER NOT NULL,
        quota_total INTEGER,
        window_seconds INTEGER,
        consumed INTEGER NOT NULL DEFAULT 0,
        use_count INTEGER NOT NULL DEFAULT 0,
        fail_count INTEGER NOT NULL DEFAULT 0,
        last_fail_at INTEGER,
        last_fail_reason TEXT,
        last_used_at INTEGER,
        last_sync_at INTEGER,
        cooldown_until INTEGER,
        created_at INTEGER NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
      )`,
      'CREATE INDEX accounts_by_pool_status ON accounts (pool, status)',
      'CREATE INDEX accounts_by_updated_at ON accounts (updated_at)',
    ],
  },
  {
    version: 2,
    description: 'records table (stored responses, media jobs, …)',
    statements: [
      `CREATE TABLE records (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (collection, id)
      )`,
      'CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL',
    ],
  },
  {
    version: 3,
    description: 'locks and request slots shared by processes on one file (SERVER_WORKERS > 1)',
    statements: [
      'CREATE TABLE cluster_locks (name TEXT PRIMARY KEY NOT NULL, holder TEXT NOT NULL, expires_at INTEGER NOT NULL)',
      `CREATE TABLE account_slots (
        token TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (token, slot_id)
      )`,
    ],
  },
  {
    version: 4,
    description: 'quota windows per upstream mode (JSON)',
    statements: ["ALTER TABLE accounts ADD COLUMN modes TEXT NOT NULL DEFAULT '{}'"],
  },
  {
    version: 5,
    description: 'indexes for the admin console accounts table (sort by creation or use, filter by status)',
    statements: [
      'CREATE INDEX accounts_by_created ON accounts (created_at, token)',
      'CREATE INDEX accounts_by_status_created ON accounts (status, created_at, token)',
      'CREATE INDEX accounts_by_last_used ON accounts (last_used_at)',
    ],
  },
  {
    version: 6,
    description: 'index for the admin console sort by quota (deep pages without sorting every row)',
    statements: ['CREATE INDEX accounts_by_quota ON accounts (quota, token)'],
  },
  {
    version: 7,
    description: 'removed accounts, for the change feed of instances sharing the file (AccountStore.removedSince)',
    statements: [
      'CREATE TABLE account_removals (token TEXT PRIMARY KEY NOT NULL, removed_at INTEGER NOT NULL)',
      'CREATE INDEX account_removals_by_time ON account_removals (removed_at)',
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export function migrateSchema(database: Database, now: number): void {
  database.run(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)',
  );
  // IMMEDIATE takes the write lock before reading the version, so two processes starting at once
  // cannot both apply the same migration.
  database
    .transaction(() => {
      const row = database
        .query<{ version: number | null }, []>('SELECT MAX(version) AS version FROM schema_version')
        .get();
      const current = row?.version ?? 0;
      if (current > LATEST_SCHEMA_VERSION) {
        throw new Error(
          `database schema version ${current} is newer than this build supports (${LATEST_SCHEMA_VERSION})`,
        );
      }
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) database.run(statement);
        database.run('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)', [migration.version, now]);
      }
    })
    .immediate();
}
