import type { PoolStats } from '../../pool/account-pool';
import type { RecordStore } from '../../storage/types';

/**
 * Pool health over time: a snapshot of the per-pool status counts every BUCKET_MS, kept 7 days.
 * The record id is the bucket's start, so instances writing the same bucket overwrite each other
 * with the same picture (they share the store) instead of needing a lock.
 */

const COLLECTION = 'pool-history';
export const BUCKET_MS = 5 * 60_000;
const KEEP_MS = 7 * 86_400_000;

export interface PoolSnapshot {
  at: number;
  pools: Record<string, PoolStats>;
}

const idOf = (at: number) => at.toString().padStart(15, '0');

export async function recordPoolSnapshot(
  records: RecordStore,
  stats: Record<string, PoolStats>,
  now: number,
): Promise<void> {
  const at = now - (now % BUCKET_MS);
  await records.put(COLLECTION, idOf(at), { at, pools: stats } satisfies PoolSnapshot, { expiresAt: at + KEEP_MS });
}

export async function poolHistory(records: RecordStore, since: number): Promise<PoolSnapshot[]> {
  const snapshots: PoolSnapshot[] = [];
  let after = idOf(Math.max(0, since - 1));
  for (;;) {
    const page = await records.list<PoolSnapshot>(COLLECTION, { limit: 1000, after });
    snapshots.push(...page.map((entry) => entry.value));
    if (page.length < 1000) return snapshots;
    after = page.at(-1)!.id;
  }
}
