import { timingSafeEqual } from 'node:crypto';
import type { RecordStore } from '../storage/types';
import { hashKey, keyId, keyUnusableReason, type StoredClientKey } from './client-key';

/**
 * Client keys in `storage.records`. Lookups are cached for a couple of seconds so a busy API does
 * not read the store per request; a revoke made on another instance therefore takes effect within
 * CACHE_MS.
 */

const COLLECTION = 'client-keys';
export const CACHE_MS = 2_000;

export class ClientKeyStore {
  private readonly cache = new Map<string, { key: StoredClientKey | null; at: number }>();
  private usable: { any: boolean; at: number } = { any: false, at: -Infinity };

  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async save(key: StoredClientKey): Promise<void> {
    await this.records.put(COLLECTION, key.id, key);
    this.forget();
  }

  async get(id: string): Promise<StoredClientKey | null> {
    return this.records.get<StoredClientKey>(COLLECTION, id);
  }

  async all(): Promise<StoredClientKey[]> {
    const keys: StoredClientKey[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.records.list<StoredClientKey>(COLLECTION, { limit: 500, after });
      keys.push(...page.map((entry) => entry.value));
      if (page.length < 500) return keys;
      after = page.at(-1)!.id;
    }
  }

  /** The stored key a presented secret belongs to (any state), or null. */
  async find(secret: string): Promise<StoredClientKey | null> {
    const hash = hashKey(secret);
    const id = keyId(hash);
    const cached = this.cache.get(id);
    let key: StoredClientKey | null;
    if (cached && this.clock() - cached.at < CACHE_MS) key = cached.key;
    else {
      key = await this.get(id);
      this.cache.set(id, { key, at: this.clock() });
      if (this.cache.size > 10_000) this.cache.clear();
    }
    if (!key || !timingSafeEqual(Buffer.from(key.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    return key;
  }

  /** Whether any key can be used now (then the /v1 API is not open even with an empty `app.api_key`). */
  async anyUsable(): Promise<boolean> {
    if (this.clock() - this.usable.at >= CACHE_MS) {
      const now = this.clock();
      this.usable = { any: (await this.all()).some((key) => keyUnusableReason(key, now) === null), at: now };
    }
    return this.usable.any;
  }

  private forget(): void {
    this.cache.clear();
    this.usable = { any: false, at: -Infinity };
  }
}
