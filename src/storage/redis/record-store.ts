import type { Redis } from 'ioredis';
import type { RecordStore } from '../types';

/**
 * Records in Redis: one string per record (`<prefix>record:<collection length>:<collection>:<id>`,
 * the length keeps `a:b` + `c` apart from `a` + `b:c`) expiring by itself through PXAT, and a
 * sorted set per collection with every id at score 0, so ZRANGE BYLEX pages in id order. Ids of
 * records that expired linger in the set until a `list` meets them and drops them.
 */
export class RedisRecordStore implements RecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number,
  ) {}

  async put(
    collection: string,
    id: string,
    value: unknown,
    options: { expiresAt?: number | null } = {},
  ): Promise<void> {
    const expiresAt = options.expiresAt ?? null;
    const transaction = this.redis.multi();
    if (expiresAt !== null && expiresAt <= this.clock()) {
      transaction.del(this.recordKey(collection, id)).zrem(this.indexKey(collection), id);
    } else {
      const text = JSON.stringify(value);
      if (expiresAt === null) transaction.set(this.recordKey(collection, id), text);
      else transaction.set(this.recordKey(collection, id), text, 'PXAT', expiresAt);
      transaction.zadd(this.indexKey(collection), 0, id);
    }
    await transaction.exec();
  }

  async get<T = unknown>(collection: string, id: string): Promise<T | null> {
    const text = await this.redis.get(this.recordKey(collection, id));
    return text === null ? null : (JSON.parse(text) as T);
  }

  async delete(collection: string, id: string): Promise<boolean> {
    const results = await this.redis
      .multi()
      .del(this.recordKey(collection, id))
      .zrem(this.indexKey(collection), id)
      .exec();
    return Number(results?.[0]?.[1] ?? 0) > 0;
  }

  async list<T = unknown>(
    collection: string,
    options: { limit?: number; after?: string } = {},
  ): Promise<{ id: string; value: T }[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
    const found: { id: string; value: T }[] = [];
    let after = options.after ?? '';
    while (found.length < limit) {
      const start = after === '' ? '-' : `(${after}`;
      const ids = await this.redis.zrangebylex(this.indexKey(collection), start, '+', 'LIMIT', 0, limit - found.length);
      if (ids.length === 0) break;
      const texts = await this.redis.mget(ids.map((id) => this.recordKey(collection, id)));
      const gone: string[] = [];
      ids.forEach((id, index) => {
        const text = texts[index];
        if (text === null || text === undefined) gone.push(id);
        else found.push({ id, value: JSON.parse(text) as T });
      });
      if (gone.length > 0) await this.redis.zrem(this.indexKey(collection), ...gone);
      after = ids.at(-1)!;
    }
    return found;
  }

  private recordKey(collection: string, id: string): string {
    return `${this.prefix}record:${collection.length}:${collection}:${id}`;
  }

  private indexKey(collection: string): string {
    return `${this.prefix}records:${collection.length}:${collection}`;
  }
}
