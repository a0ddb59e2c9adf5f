import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { RecordStore } from '../types';

/** RecordStore on one MySQL table; each call is a single statement. */
export class MysqlRecordStore implements RecordStore {
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => number,
  ) {}

  async put(
    collection: string,
    id: string,
    value: unknown,
    options: { expiresAt?: number | null } = {},
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO records (collection, id, value, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE value = VALUES(value), expires_at = VALUES(expires_at), updated_at = VALUES(updated_at)`,
      [collection, id, JSON.stringify(value), options.expiresAt ?? null, this.clock()],
    );
  }

  async get<T = unknown>(collection: string, id: string): Promise<T | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT value FROM records WHERE collection = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)',
      [collection, id, this.clock()],
    );
    const row = rows[0];
    return row ? (JSON.parse(String(row.value)) as T) : null;
  }

  async delete(collection: string, id: string): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>('DELETE FROM records WHERE collection = ? AND id = ?', [
      collection,
      id,
    ]);
    return result.affectedRows > 0;
  }

  async list<T = unknown>(
    collection: string,
    options: { limit?: number; after?: string } = {},
  ): Promise<{ id: string; value: T }[]> {
    const now = this.clock();
    await this.pool.query('DELETE FROM records WHERE collection = ? AND expires_at IS NOT NULL AND expires_at <= ?', [
      collection,
      now,
    ]);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT id, value FROM records WHERE collection = ? AND id > ? AND (expires_at IS NULL OR expires_at > ?)
       ORDER BY id LIMIT ?`,
      [collection, options.after ?? '', now, Math.max(1, Math.min(options.limit ?? 100, 1000))],
    );
    return rows.map((row) => ({ id: String(row.id), value: JSON.parse(String(row.value)) as T }));
  }
}
