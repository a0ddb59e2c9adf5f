import type { Database } from 'bun:sqlite';
import type { RecordStore } from '../types';

/** RecordStore on one SQLite table; each call is a single statement (putMany: one transaction). */
export class SqliteRecordStore implements RecordStore {
  constructor(
    private readonly database: Database,
    private readonly clock: () => number,
  ) {}

  async put(
    collection: string,
    id: string,
    value: unknown,
    options: { expiresAt?: number | null } = {},
  ): Promise<void> {
    this.upsert().run(collection, id, JSON.stringify(value), options.expiresAt ?? null, this.clock());
  }

  async putMany(collection: string, items: { id: string; value: unknown; expiresAt?: number | null }[]): Promise<void> {
    const statement = this.upsert();
    const now = this.clock();
    this.database
      .transaction(() => {
        for (const item of items) {
          statement.run(collection, item.id, JSON.stringify(item.value), item.expiresAt ?? null, now);
        }
      })
      .immediate();
  }

  private upsert() {
    return this.database.query(
      `INSERT INTO records (collection, id, value, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (collection, id) DO UPDATE
       SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
    );
  }

  async get<T = unknown>(collection: string, id: string): Promise<T | null> {
    const row = this.database
      .query<{ value: string }, [string, string, number]>(
        'SELECT value FROM records WHERE collection = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)',
      )
      .get(collection, id, this.clock());
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async delete(collection: string, id: string): Promise<boolean> {
    return this.database.query('DELETE FROM records WHERE collection = ? AND id = ?').run(collection, id).changes > 0;
  }

  async list<T = unknown>(
    collection: string,
    options: { limit?: number; after?: string } = {},
  ): Promise<{ id: string; value: T }[]> {
    const now = this.clock();
    // Purging here keeps the table small without a timer; expired rows are never returned anyway.
    this.database
      .query('DELETE FROM records WHERE collection = ? AND expires_at IS NOT NULL AND expires_at <= ?')
      .run(collection, now);
    const rows = this.database
      .query<{ id: string; value: string }, [string, string, number, number]>(
        `SELECT id, value FROM records WHERE collection = ? AND id > ? AND (expires_at IS NULL OR expires_at > ?)
         ORDER BY id LIMIT ?`,
      )
      .all(collection, options.after ?? '', now, Math.max(1, Math.min(options.limit ?? 100, 1000)));
    return rows.map((row) => ({ id: row.id, value: JSON.parse(row.value) as T }));
  }
}
