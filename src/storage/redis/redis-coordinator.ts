import type { Redis } from 'ioredis';
import { HolderIds, type ClusterEvent, type ClusterMessage, type Coordinator, type SlotOutcome } from '../coordinator';
import { LuaScript } from './lua-script';

/**
 * Coordination over Redis: notices on one pub/sub channel (`<prefix>events`), locks as
 * `SET NX PX` keys released only by their holder, and an account's request slots as a sorted set
 * (`<prefix>slots:<token>`, slot id scored by its expiry on the Redis clock; with no limit nothing
 * needs counting, so nothing is written). Taking a slot also
 * checks the stored account is usable, in the same script, so an account disabled on one instance
 * cannot be taken by another that has not heard about it yet.
 */

const ACQUIRE_SLOT = new LuaScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local account = cjson.decode(raw)
local now = tonumber(ARGV[1])
-- Same rule as isUsableForSlot in cluster/coordinator.ts.
local hasWindows, modeLimited, windowLeft = false, false, false
if type(account.modes) == 'table' then
  for _, window in pairs(account.modes) do
    if type(window) == 'table' then
      hasWindows = true
      if window.limitedReason ~= cjson.null then modeLimited = true end
      if window.remaining > 0 then windowLeft = true end
    end
  end
end
local usable = false
if account.status == 'active' then usable = true
elseif account.status == 'cooling' then
  usable = modeLimited or (account.cooldownUntil ~= cjson.null and account.cooldownUntil <= now)
end
if usable then usable = account.quota > 0 or (hasWindows and windowLeft) end
if not usable then return -1 end
local limit = tonumber(ARGV[2])
if limit <= 0 then return 1 end
local time = redis.call('TIME')
local clock = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', clock)
if redis.call('ZCARD', KEYS[2]) >= limit then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], clock + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[2], ttl * 2)
return 1
`);

const RENEW_SLOT = new LuaScript(`
local time = redis.call('TIME')
local clock = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) <= clock then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], clock + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return 1
`);

const RELEASE_LOCK = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

const RELEASE_EARLIER_SLOTS = new LuaScript(`
local freed = 0
for _, slot in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(slot, 1, string.len(ARGV[1])) == ARGV[1] then
    freed = freed + redis.call('ZREM', KEYS[1], slot)
  end
end
return freed
`);

const RELEASE_EARLIER_LOCK = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export class RedisCoordinator implements Coordinator {
  readonly delivery = 'push' as const;
  private readonly listeners = new Set<(message: ClusterMessage) => void>();
  private subscriber: Redis | null = null;
  private readonly holders: HolderIds;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    instanceId?: string,
  ) {
    this.holders = new HolderIds(instanceId);
  }

  get instanceId(): string {
    return this.holders.instanceId;
  }

  private get channel(): string {
    return `${this.prefix}events`;
  }

  /** Opens the subscriber connection (a subscribed Redis connection can do nothing else). */
  async start(): Promise<void> {
    // Subscribing waits for the connection (and ioredis subscribes again after each reconnection).
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => {});
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, text: string) => {
      let message: ClusterMessage;
      try {
        message = JSON.parse(text) as ClusterMessage;
      } catch {
        return; // not ours
      }
      if (message.from === this.instanceId) return;
      for (const listener of this.listeners) listener(message);
    });
    await subscriber.subscribe(this.channel);
  }

  async publish(event: ClusterEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ from: this.instanceId, event } satisfies ClusterMessage));
  }

  subscribe(listener: (message: ClusterMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null> {
    const key = `${this.prefix}lock:${name}`;
    const holder = this.holders.next();
    const taken = await this.redis.set(key, holder, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    if (taken !== 'OK') return null;
    return {
      release: async () => {
        await RELEASE_LOCK.run(this.redis, [key], [holder]);
      },
    };
  }

  async acquireSlot(token: string, limit: number, ttlMs: number, now: number): Promise<SlotOutcome> {
    const slotId = this.holders.next();
    const result = await ACQUIRE_SLOT.run(
      this.redis,
      [`${this.prefix}account:${token}`, this.slotsKey(token)],
      [now, limit, Math.max(1, Math.ceil(ttlMs)), slotId],
    );
    if (result === 1) return { result: 'granted', slotId };
    return result === 0 ? { result: 'busy' } : { result: 'unusable' };
  }

  async renewSlot(token: string, slotId: string, ttlMs: number): Promise<boolean> {
    return (await RENEW_SLOT.run(this.redis, [this.slotsKey(token)], [slotId, Math.max(1, Math.ceil(ttlMs))])) === 1;
  }

  async releaseSlot(token: string, slotId: string): Promise<void> {
    await this.redis.zrem(this.slotsKey(token), slotId);
  }

  /**
   * Slots live in one sorted set per account and locks in one key each, so this walks the slot
   * and lock keys (SCAN: a few round trips at start-up, nothing on the request path).
   */
  async releaseEarlierRun(): Promise<number> {
    const prefix = this.holders.prefix;
    let freed = 0;
    for await (const keys of this.scan(`${this.prefix}slots:`)) {
      for (const key of keys) freed += Number(await RELEASE_EARLIER_SLOTS.run(this.redis, [key], [prefix]));
    }
    for await (const keys of this.scan(`${this.prefix}lock:`)) {
      for (const key of keys) freed += Number(await RELEASE_EARLIER_LOCK.run(this.redis, [key], [prefix]));
    }
    return freed;
  }

  /** Keys starting with `start` (glob characters in our prefix taken literally). */
  private async *scan(start: string): AsyncGenerator<string[]> {
    const pattern = `${start.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private slotsKey(token: string): string {
    return `${this.prefix}slots:${token}`;
  }
}
