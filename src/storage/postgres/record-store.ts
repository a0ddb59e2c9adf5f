import type { Sql } from 'postgres';
import type { RecordStore } from '../types';

/** RecordStore on one PostgreSQL table; each call is a single statement. */
export class PostgresRecordStore implements RecordStore {
  constructor(
    private readonly sql: Sql,
    private readonly clock: () => number,
  ) {}

  async put(
    collection: string,
    id: string,
    value: unknown,
    options: { expiresAt?: number | null } = {},
  ): Promise<void> {
    await this.sql`
      INSERT INTO records (collection, id, value, expires_at, updated_at)
      VALUES (${collection}, ${id}, ${JSON.stringify(value)}, ${options.expiresAt ?? null}, ${this.clock()})
      ON CONFLICT (collection, id) DO UPDATE
      SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`;
  }

  async get<T = unknown>(collection: string, id: string): Promise<T | null> {
    const [row] = await this.sql<{ value: string }[]>`
      SELECT value FROM records
      WHERE collection = ${collection} AND id = ${id} AND (expires_at IS NULL OR expires_at > ${this.clock()})`;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async delete(collection: string, id: string): Promise<boolean> {
    const result = await this.sql`DELETE FROM records WHERE collection = ${collection} AND id = ${id}`;
    return result.count > 0;
  }

  async list<T = unknown>(
    collection: string,
    options: { limit?: number; after?: string } = {},
  ): Promise<{ id: string; value: T }[]> {
    const now = this.clock();
    await this
      .sql`DELETE FROM records WHERE collection = ${collection} AND expires_at IS NOT NULL AND expires_at <= ${now}`;
    const rows = await this.sql<{ id: string; value: string }[]>`
      SELECT id, value FROM records
      WHERE collection = ${collection} AND id > ${options.after ?? ''} AND (expires_at IS NULL OR expires_at > ${now})
      ORDER BY id LIMIT ${Math.max(1, Math.min(options.limit ?? 100, 1000))}`;
    return rows.map((row) => ({ id: row.id, value: JSON.parse(row.value) as T }));
  }
}
