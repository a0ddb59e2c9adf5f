import type { Database } from 'bun:sqlite';
import {
  isUsableForSlot,
  HolderIds,
  type ClusterEvent,
  type ClusterMessage,
  type Coordinator,
  type SlotOutcome,
} from '../coordinator';

/**
 * Coordination for processes sharing one SQLite file (SERVER_WORKERS > 1 on one machine). There
 * is no notification channel, so `delivery` is `poll` (the pool reads the change feed every
 * second). Locks and request slots are rows changed in IMMEDIATE transactions, which hold the
 * file's write lock, so two processes cannot both take the last slot.
 */
export class SqliteCoordinator implements Coordinator {
  readonly delivery = 'poll' as const;
  private readonly listeners = new Set<(message: ClusterMessage) => void>();
  private readonly holders: HolderIds;
  /** Slots granted with no limit (limit 0): nothing was written for them, so nothing is deleted or renewed. */
  private readonly unwritten = new Set<string>();

  constructor(
    private readonly database: Database,
    private readonly clock: () => number,
    instanceId?: string,
  ) {
    this.holders = new HolderIds(instanceId);
  }

  get instanceId(): string {
    return this.holders.instanceId;
  }

  async publish(_event: ClusterEvent): Promise<void> {
    // Other processes learn of the change from the change feed.
  }

  subscribe(listener: (message: ClusterMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null> {
    const holder = this.holders.next();
    const now = this.clock();
    const taken = this.database
      .transaction(() => {
        const row = this.database
          .query<{ expires_at: number }, [string]>('SELECT expires_at FROM cluster_locks WHERE name = ?')
          .get(name);
        if (row && row.expires_at > now) return false;
        this.database
          .query(
            'INSERT INTO cluster_locks (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at',
          )
          .run(name, holder, now + Math.max(1, Math.ceil(ttlMs)));
        return true;
      })
      .immediate();
    if (!taken) return null;
    return {
      release: async () => {
        this.database.query('DELETE FROM cluster_locks WHERE name = ? AND holder = ?').run(name, holder);
      },
    };
  }

  async acquireSlot(token: string, limit: number, ttlMs: number, now: number): Promise<SlotOutcome> {
    const slotId = this.holders.next();
    const clock = this.clock();
    if (limit <= 0) {
      // Nothing to count, so no write transaction: just the usability check, one indexed read.
      const account = this.database
        .query<{ status: string; quota: number; cooldown_until: number | null; modes: string }, [string]>(
          'SELECT status, quota, cooldown_until, modes FROM accounts WHERE token = ?',
        )
        .get(token);
      if (!account || !isUsableForSlot(account.status, account.quota, account.cooldown_until, now, account.modes))
        return { result: 'unusable' };
      this.unwritten.add(slotId); // its release and renewals need no write either
      return { result: 'granted', slotId };
    }
    return this.database
      .transaction((): SlotOutcome => {
        const account = this.database
          .query<{ status: string; quota: number; cooldown_until: number | null; modes: string }, [string]>(
            'SELECT status, quota, cooldown_until, modes FROM accounts WHERE token = ?',
          )
          .get(token);
        if (!account || !isUsableForSlot(account.status, account.quota, account.cooldown_until, now, account.modes))
          return { result: 'unusable' };
        this.database.query('DELETE FROM account_slots WHERE token = ? AND expires_at <= ?').run(token, clock);
        const held = this.database
          .query<{ total: number }, [string]>('SELECT COUNT(*) AS total FROM account_slots WHERE token = ?')
          .get(token);
        if ((held?.total ?? 0) >= limit) return { result: 'busy' };
        this.database
          .query('INSERT INTO account_slots (token, slot_id, expires_at) VALUES (?, ?, ?)')
          .run(token, slotId, clock + Math.max(1, Math.ceil(ttlMs)));
        return { result: 'granted', slotId };
      })
      .immediate();
  }

  async renewSlot(token: string, slotId: string, ttlMs: number): Promise<boolean> {
    if (this.unwritten.has(slotId)) return true;
    const now = this.clock();
    const { changes } = this.database
      .query('UPDATE account_slots SET expires_at = ? WHERE token = ? AND slot_id = ? AND expires_at > ?')
      .run(now + Math.max(1, Math.ceil(ttlMs)), token, slotId, now);
    return changes > 0;
  }

  async releaseSlot(token: string, slotId: string): Promise<void> {
    if (this.unwritten.delete(slotId)) return;
    this.database.query('DELETE FROM account_slots WHERE token = ? AND slot_id = ?').run(token, slotId);
  }

  async releaseEarlierRun(): Promise<number> {
    const prefix = this.holders.prefix;
    const slots = this.database.query('DELETE FROM account_slots WHERE substr(slot_id, 1, ?) = ?');
    const locks = this.database.query('DELETE FROM cluster_locks WHERE substr(holder, 1, ?) = ?');
    return slots.run(prefix.length, prefix).changes + locks.run(prefix.length, prefix).changes;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
