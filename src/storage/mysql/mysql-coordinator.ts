import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  isUsableForSlot,
  HolderIds,
  type ClusterEvent,
  type ClusterMessage,
  type Coordinator,
  type SlotOutcome,
} from '../coordinator';
import { retryOnDeadlock, withTransaction } from './mysql-dialect';

/**
 * Coordination over MySQL/MariaDB. MySQL has no notification channel, so `delivery` is `poll`: the
 * pool reads the change feed (`changedSince`, an indexed range scan) every second instead, and
 * `publish` only reaches listeners in this process. Locks and request slots are rows taken inside
 * transactions that lock the row they decide on; expiry uses the database clock.
 */

const DATABASE_NOW = 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)';

export class MysqlCoordinator implements Coordinator {
  readonly delivery = 'poll' as const;
  private readonly listeners = new Set<(message: ClusterMessage) => void>();
  private readonly holders: HolderIds;

  constructor(
    private readonly pool: Pool,
    instanceId?: string,
  ) {
    this.holders = new HolderIds(instanceId);
  }

  get instanceId(): string {
    return this.holders.instanceId;
  }

  async publish(_event: ClusterEvent): Promise<void> {
    // Other instances learn of the change from the change feed; nothing to send.
  }

  subscribe(listener: (message: ClusterMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * No transaction and no locking read: a conditional UPDATE takes the row over only when its time
   * is up, and when there is no row yet an INSERT IGNORE creates it (a concurrent first taker makes
   * that a duplicate: the other has it). A first take can still be picked as a deadlock victim by
   * InnoDB's insert locks, so victims try again. Release expires the row instead of deleting it, so
   * later takes of a name only ever lock that one existing row.
   */
  async tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null> {
    const holder = this.holders.next();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const taken = await retryOnDeadlock(async () => {
      const [updated] = await this.pool.query<ResultSetHeader>(
        `UPDATE cluster_locks SET holder = ?, expires_at = ${DATABASE_NOW} + ? WHERE name = ? AND expires_at <= ${DATABASE_NOW}`,
        [holder, ttl, name],
      );
      if (updated.affectedRows > 0) return true;
      const [inserted] = await this.pool.query<ResultSetHeader>(
        `INSERT IGNORE INTO cluster_locks (name, holder, expires_at) VALUES (?, ?, ${DATABASE_NOW} + ?)`,
        [name, holder, ttl],
      );
      return inserted.affectedRows === 1;
    });
    if (!taken) return null;
    return {
      release: async () => {
        await retryOnDeadlock(() =>
          this.pool.query('UPDATE cluster_locks SET expires_at = 0 WHERE name = ? AND holder = ?', [name, holder]),
        );
      },
    };
  }

  async acquireSlot(token: string, limit: number, ttlMs: number, now: number): Promise<SlotOutcome> {
    const slotId = this.holders.next();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    if (limit <= 0) {
      // Nothing to count, so no lock and no write: just the usability check.
      const [rows] = await this.pool.query<RowDataPacket[]>(
        'SELECT status, quota, cooldown_until, modes FROM accounts WHERE token = ?',
        [token],
      );
      const account = rows[0];
      return account &&
        isUsableForSlot(String(account.status), Number(account.quota), account.cooldown_until, now, account.modes)
        ? { result: 'granted', slotId }
        : { result: 'unusable' };
    }
    return this.transaction(async (connection): Promise<SlotOutcome> => {
      const [accounts] = await connection.query<RowDataPacket[]>(
        `SELECT status, quota, cooldown_until, modes, ${DATABASE_NOW} AS now FROM accounts WHERE token = ? FOR UPDATE`,
        [token],
      );
      const account = accounts[0];
      if (
        !account ||
        !isUsableForSlot(String(account.status), Number(account.quota), account.cooldown_until, now, account.modes)
      )
        return { result: 'unusable' };
      const databaseNow = Number(account.now);
      await connection.query('DELETE FROM account_slots WHERE token = ? AND expires_at <= ?', [token, databaseNow]);
      const [held] = await connection.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS total FROM account_slots WHERE token = ?',
        [token],
      );
      if (Number(held[0]!.total) >= limit) return { result: 'busy' };
      await connection.query('INSERT INTO account_slots (token, slot_id, expires_at) VALUES (?, ?, ?)', [
        token,
        slotId,
        databaseNow + ttl,
      ]);
      return { result: 'granted', slotId };
    });
  }

  async renewSlot(token: string, slotId: string, ttlMs: number): Promise<boolean> {
    const [result] = await this.pool.query(
      `UPDATE account_slots SET expires_at = ${DATABASE_NOW} + ? WHERE token = ? AND slot_id = ? AND expires_at > ${DATABASE_NOW}`,
      [Math.max(1, Math.ceil(ttlMs)), token, slotId],
    );
    return (result as { affectedRows: number }).affectedRows > 0;
  }

  async releaseSlot(token: string, slotId: string): Promise<void> {
    await this.pool.query('DELETE FROM account_slots WHERE token = ? AND slot_id = ?', [token, slotId]);
  }

  async releaseEarlierRun(): Promise<number> {
    const prefix = this.holders.prefix;
    const mine = [prefix.length, prefix];
    const [slots] = await this.pool.query('DELETE FROM account_slots WHERE BINARY LEFT(slot_id, ?) = ?', mine);
    const [locks] = await this.pool.query('DELETE FROM cluster_locks WHERE BINARY LEFT(holder, ?) = ?', mine);
    return (slots as { affectedRows: number }).affectedRows + (locks as { affectedRows: number }).affectedRows;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private transaction<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}
