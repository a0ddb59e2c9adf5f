import type { StoredClientKey } from './client-key';

/**
 * Per-key request limits: requests per minute (sliding 60 s window), requests per UTC day, and
 * requests in flight. Counted in this instance's memory: behind N instances a key can get up to N
 * times its limits. A request that is refused is not counted.
 */

export type LimitRefusal = { limit: 'rpm' | 'daily_limit' | 'concurrency'; retryAfterSeconds: number };

interface KeyCounters {
  recent: number[];
  day: string;
  dayCount: number;
  inFlight: number;
}

const DAY_MS = 86_400_000;

export class ClientKeyLimiter {
  private readonly counters = new Map<string, KeyCounters>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Takes a request slot, or says which limit refuses it. Call the returned release exactly once when the request ends. */
  acquire(key: StoredClientKey): { release: () => void } | LimitRefusal {
    const now = this.clock();
    const counters = this.countersOf(key.id, now);
    counters.recent = counters.recent.filter((at) => now - at < 60_000);
    if (key.rpm > 0 && counters.recent.length >= key.rpm)
      return { limit: 'rpm', retryAfterSeconds: (60_000 - (now - counters.recent[0]!)) / 1000 };
    if (key.daily_limit > 0 && counters.dayCount >= key.daily_limit)
      return { limit: 'daily_limit', retryAfterSeconds: (DAY_MS - (now % DAY_MS)) / 1000 };
    if (key.concurrency > 0 && counters.inFlight >= key.concurrency)
      return { limit: 'concurrency', retryAfterSeconds: 1 };
    counters.recent.push(now);
    counters.dayCount += 1;
    counters.inFlight += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        counters.inFlight = Math.max(0, counters.inFlight - 1);
      },
    };
  }

  /** What this instance counted for a key, for the console. */
  snapshot(id: string): { last_minute: number; today: number; in_flight: number } {
    const now = this.clock();
    const counters = this.countersOf(id, now);
    return {
      last_minute: counters.recent.filter((at) => now - at < 60_000).length,
      today: counters.dayCount,
      in_flight: counters.inFlight,
    };
  }

  private countersOf(id: string, now: number): KeyCounters {
    const day = new Date(now).toISOString().slice(0, 10);
    let counters = this.counters.get(id);
    if (!counters) {
      counters = { recent: [], day, dayCount: 0, inFlight: 0 };
      this.counters.set(id, counters);
    }
    if (counters.day !== day) {
      counters.day = day;
      counters.dayCount = 0;
    }
    return counters;
  }
}
