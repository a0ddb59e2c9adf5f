import type { RecordStore } from '../../storage/types';
import { USAGE_COLLECTION, type UsageEntry } from '../../usage/usage-recorder';

/**
 * The dashboard's request charts, summarised from the usage records of a time window into
 * equal buckets: requests and failures by model and outcome, and latency (mean and p95).
 * Usage ids start with the time, so the scan starts at the window; it stops after
 * MAX_RECORDS and says so (`truncated`) rather than taking unbounded time.
 */

const MAX_RECORDS = 500_000;

export interface UsageBucket {
  at: number;
  requests: number;
  failed: number;
  latency_mean_ms: number | null;
  latency_p95_ms: number | null;
  by_model: Record<string, number>;
  by_outcome: Record<string, number>;
  /** chat | image | video (records written before media was recorded count as chat). */
  by_kind: Record<string, number>;
}

export interface UsageSummary {
  bucket_ms: number;
  buckets: UsageBucket[];
  totals: {
    requests: number;
    failed: number;
    by_model: Record<string, number>;
    by_outcome: Record<string, number>;
    by_kind: Record<string, number>;
    /** What the media requests made: images given back and seconds of video rendered. */
    images: number;
    video_seconds: number;
  };
  top_keys: { id: string | null; key: string | null; requests: number; failed: number }[];
  truncated: boolean;
}

const percentile = (sorted: number[], fraction: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;

export async function summariseUsage(
  records: RecordStore,
  window: { since: number; until: number; buckets: number },
): Promise<UsageSummary> {
  const bucketMs = Math.max(60_000, Math.ceil((window.until - window.since) / window.buckets / 60_000) * 60_000);
  const start = window.until - bucketMs * window.buckets;
  const latencies: number[][] = Array.from({ length: window.buckets }, () => []);
  const buckets: UsageBucket[] = Array.from({ length: window.buckets }, (_, index) => ({
    at: start + index * bucketMs,
    requests: 0,
    failed: 0,
    latency_mean_ms: null,
    latency_p95_ms: null,
    by_model: {},
    by_outcome: {},
    by_kind: {},
  }));
  const totals: UsageSummary['totals'] = {
    requests: 0,
    failed: 0,
    by_model: {},
    by_outcome: {},
    by_kind: {},
    images: 0,
    video_seconds: 0,
  };
  const keys = new Map<string, UsageSummary['top_keys'][number]>();
  let after = Math.max(0, start - 1)
    .toString()
    .padStart(15, '0');
  let scanned = 0;
  let truncated = false;
  scan: for (;;) {
    const page = await records.list<UsageEntry>(USAGE_COLLECTION, { limit: 1000, after });
    for (const { value } of page) {
      if (++scanned > MAX_RECORDS) {
        truncated = true;
        break scan;
      }
      const index = Math.floor((value.at - start) / bucketMs);
      if (index < 0 || index >= window.buckets) continue;
      const bucket = buckets[index]!;
      const failed = value.outcome !== 'completed';
      bucket.requests += 1;
      bucket.by_model[value.model] = (bucket.by_model[value.model] ?? 0) + 1;
      bucket.by_outcome[value.outcome] = (bucket.by_outcome[value.outcome] ?? 0) + 1;
      if (failed) bucket.failed += 1;
      latencies[index]!.push(value.latencyMs);
      totals.requests += 1;
      if (failed) totals.failed += 1;
      totals.by_model[value.model] = (totals.by_model[value.model] ?? 0) + 1;
      totals.by_outcome[value.outcome] = (totals.by_outcome[value.outcome] ?? 0) + 1;
      const kind = value.kind ?? 'chat';
      bucket.by_kind[kind] = (bucket.by_kind[kind] ?? 0) + 1;
      totals.by_kind[kind] = (totals.by_kind[kind] ?? 0) + 1;
      totals.images += value.images ?? 0;
      totals.video_seconds += value.videoSeconds ?? 0;
      const keyName = value.apiKeyId ?? 'open';
      const key = keys.get(keyName) ?? { id: value.apiKeyId, key: value.apiKey, requests: 0, failed: 0 };
      key.requests += 1;
      if (failed) key.failed += 1;
      keys.set(keyName, key);
    }
    if (page.length < 1000) break;
    after = page.at(-1)!.id;
  }
  buckets.forEach((bucket, index) => {
    const values = latencies[index]!.sort((a, b) => a - b);
    if (values.length === 0) return;
    bucket.latency_mean_ms = Math.round(values.reduce((sum, value) => sum + value, 0) / values.length);
    bucket.latency_p95_ms = percentile(values, 0.95);
  });
  const top_keys = [...keys.values()].sort((left, right) => right.requests - left.requests).slice(0, 10);
  return { bucket_ms: bucketMs, buckets, totals, top_keys, truncated };
}
