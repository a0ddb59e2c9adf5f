import type { Sql } from 'postgres';
import { inTransaction } from './postgres-dialect';
import {
  isUsableForSlot as usable,
  HolderIds,
  type ClusterEvent,
  type ClusterMessage,
  type Coordinator,
  type SlotOutcome,
} from '../coordinator';

/**
 * Coordination over PostgreSQL: notices by LISTEN/NOTIFY on one channel, locks as rows of
 * `cluster_locks` taken by an upsert that only succeeds when the previous holder's time is up, and
 * request slots as rows of `account_slots` counted under the account row's lock (which also proves
 * the stored account is usable). Expiry uses the database clock, the one clock all instances share.
 */

const CHANNEL = 'grok2api_events';
/** NOTIFY payloads must stay under 8000 bytes: a longer token list goes as several notices. */
const PAYLOAD_LIMIT = 7000;
/** Room for `{"from":…,"event":{"kind":"accounts","tokens":[…]}}` around the tokens. */
const ENVELOPE = 200;

function fitPayload(event: ClusterEvent): ClusterEvent[] {
  if (event.kind !== 'accounts') return [event];
  const parts: ClusterEvent[] = [];
  let tokens: string[] = [];
  let size = ENVELOPE;
  for (const token of event.tokens) {
    const cost = JSON.stringify(token).length + 1;
    if (tokens.length > 0 && size + cost > PAYLOAD_LIMIT) {
      parts.push({ kind: 'accounts', tokens });
      tokens = [];
      size = ENVELOPE;
    }
    tokens.push(token);
    size += cost;
  }
  if (tokens.length > 0) parts.push({ kind: 'accounts', tokens });
  return parts;
}

export class PostgresCoordinator implements Coordinator {
  readonly delivery = 'push' as const;
  private readonly listeners = new Set<(message: ClusterMessage) => void>();
  private unlisten: (() => Promise<void>) | null = null;
  private readonly holders: HolderIds;

  constructor(
    private readonly sql: Sql,
    instanceId?: string,
  ) {
    this.holders = new HolderIds(instanceId);
  }

  get instanceId(): string {
    return this.holders.instanceId;
  }

  async start(): Promise<void> {
    const subscription = await this.sql.listen(CHANNEL, (payload) => {
      let message: ClusterMessage;
      try {
        message = JSON.parse(payload) as ClusterMessage;
      } catch {
        return;
      }
      if (message.from === this.instanceId) return;
      for (const listener of this.listeners) listener(message);
    });
    this.unlisten = () => subscription.unlisten();
  }

  async publish(event: ClusterEvent): Promise<void> {
    for (const part of fitPayload(event)) {
      await this.sql.notify(CHANNEL, JSON.stringify({ from: this.instanceId, event: part } satisfies ClusterMessage));
    }
  }

  subscribe(listener: (message: ClusterMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null> {
    const holder = this.holders.next();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const rows = await this.sql`
      INSERT INTO cluster_locks (name, holder, expires_at)
      VALUES (${name}, ${holder}, (extract(epoch from clock_timestamp()) * 1000)::bigint + ${ttl})
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE cluster_locks.expires_at <= (extract(epoch from clock_timestamp()) * 1000)::bigint
      RETURNING holder`;
    if (rows.length === 0) return null;
    return {
      release: async () => {
        await this.sql`DELETE FROM cluster_locks WHERE name = ${name} AND holder = ${holder}`;
      },
    };
  }

  async acquireSlot(token: string, limit: number, ttlMs: number, now: number): Promise<SlotOutcome> {
    const slotId = this.holders.next();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    if (limit <= 0) {
      // Nothing to count, so no lock and no write: just the usability check.
      const [account] = await this.sql<
        { status: string; quota: string; cooldown_until: string | null; modes: string }[]
      >`
        SELECT status, quota, cooldown_until, modes FROM accounts WHERE token = ${token}`;
      return account && usable(account.status, Number(account.quota), account.cooldown_until, now, account.modes)
        ? { result: 'granted', slotId }
        : { result: 'unusable' };
    }
    return inTransaction(this.sql, async (transaction): Promise<SlotOutcome> => {
      const [account] = await transaction<
        { status: string; quota: string; cooldown_until: string | null; modes: string }[]
      >`
        SELECT status, quota, cooldown_until, modes FROM accounts WHERE token = ${token} FOR UPDATE`;
      if (!account || !usable(account.status, Number(account.quota), account.cooldown_until, now, account.modes))
        return { result: 'unusable' };
      const [clock] = await transaction<
        { now: string }[]
      >`SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS now`;
      const databaseNow = Number(clock!.now);
      await transaction`DELETE FROM account_slots WHERE token = ${token} AND expires_at <= ${databaseNow}`;
      const [held] = await transaction<
        { total: string }[]
      >`SELECT COUNT(*) AS total FROM account_slots WHERE token = ${token}`;
      if (Number(held!.total) >= limit) return { result: 'busy' };
      await transaction`INSERT INTO account_slots (token, slot_id, expires_at) VALUES (${token}, ${slotId}, ${databaseNow + ttl})`;
      return { result: 'granted', slotId };
    });
  }

  async renewSlot(token: string, slotId: string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const result = await this.sql`
      UPDATE account_slots SET expires_at = (extract(epoch from clock_timestamp()) * 1000)::bigint + ${ttl}
      WHERE token = ${token} AND slot_id = ${slotId} AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`;
    return result.count > 0;
  }

  async releaseSlot(token: string, slotId: string): Promise<void> {
    await this.sql`DELETE FROM account_slots WHERE token = ${token} AND slot_id = ${slotId}`;
  }

  async releaseEarlierRun(): Promise<number> {
    const prefix = this.holders.prefix;
    const slots = await this.sql`DELETE FROM account_slots WHERE left(slot_id, ${prefix.length}) = ${prefix}`;
    const locks = await this.sql`DELETE FROM cluster_locks WHERE left(holder, ${prefix.length}) = ${prefix}`;
    return slots.count + locks.count;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const unlisten = this.unlisten;
    this.unlisten = null;
    if (unlisten) await unlisten().catch(() => {});
  }
}
