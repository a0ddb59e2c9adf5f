import type { Coordinator } from '../cluster/coordinator';
import { withDeadline } from './storage-unavailable';
import type { AccountStore, RecordStore, Storage } from './types';

/**
 * Every call to a storage server (Redis, PostgreSQL, MySQL) with a deadline, so an outage answers
 * a StorageUnavailableError within seconds instead of hanging a request until the server comes
 * back. One wrapper for every driver, in the spirit of encrypted-storage.ts: one timer per call,
 * no retries (the drivers reconnect by themselves, so the first call after recovery succeeds).
 *
 * Point calls (a row, a slot, a record) get `callMs`. Bulk calls (a listing, an import batch, a
 * replace) may rightly take longer on a large pool: they get `bulkMs`, but a ping sent beside
 * them must answer within `callMs`, so a stopped server still fails them as fast as a point call.
 * SQLite is in-process and synchronous: nothing to bound, so it is not wrapped.
 */

export interface StorageDeadlines {
  callMs: number;
  bulkMs: number;
}

/**
 * Two seconds: far above a healthy store's milliseconds, and short enough that a request fails
 * inside the three seconds a client or load balancer reasonably waits for an answer.
 */
export const DEFAULT_STORAGE_DEADLINES: StorageDeadlines = { callMs: 2_000, bulkMs: 120_000 };

type Bound = (what: string, work: () => Promise<unknown>) => Promise<unknown>;

/** An object with the listed methods of `target`, each run through `bound`. */
function boundMethods<T extends object>(target: T, names: readonly string[], bound: Bound, prefix: string): Partial<T> {
  const methods: Record<string, unknown> = {};
  for (const name of names) {
    const method = (target as Record<string, unknown>)[name];
    if (typeof method !== 'function') continue;
    methods[name] = (...args: unknown[]) => bound(`${prefix}.${name}`, () => method.apply(target, args) as Promise<unknown>);
  }
  return methods as Partial<T>;
}

const POINT_ACCOUNT_CALLS = ['get', 'count', 'update', 'recordSuccess', 'recordFailure', 'applySync', 'changeStatus'] as const;
const BULK_ACCOUNT_CALLS = ['list', 'insert', 'remove', 'replaceAll', 'changedSince', 'query'] as const;
const RECORD_CALLS = ['put', 'get', 'delete', 'list'] as const;

export function withDeadlines(storage: Storage, deadlines: StorageDeadlines = DEFAULT_STORAGE_DEADLINES): Storage {
  const point: Bound = (what, work) => withDeadline(work(), deadlines.callMs, what);
  const bulk: Bound = (what, work) =>
    new Promise((resolve, reject) => {
      withDeadline(work(), deadlines.bulkMs, what).then(resolve, reject);
      // Only its failure matters: a live server lets the bulk call run to its own deadline.
      withDeadline(storage.ping(), deadlines.callMs, `${what} (liveness check)`).catch(reject);
    });
  const accounts = {
    ...boundMethods(storage.accounts, POINT_ACCOUNT_CALLS, point, 'accounts'),
    ...boundMethods(storage.accounts, BULK_ACCOUNT_CALLS, bulk, 'accounts'),
  } as AccountStore;
  const records = boundMethods(storage.records, RECORD_CALLS, point, 'records') as RecordStore;
  const coordinator = storage.coordinator ? coordinatorWithDeadlines(storage.coordinator, point) : undefined;
  return {
    get kind() {
      return storage.kind;
    },
    accounts,
    records,
    ...(coordinator ? { coordinator } : {}),
    ping: () => withDeadline(storage.ping(), deadlines.callMs, 'ping'),
    close: () => storage.close(),
  };
}

function coordinatorWithDeadlines(inner: Coordinator, point: Bound): Coordinator {
  const calls = boundMethods(inner, ['publish', 'acquireSlot', 'renewSlot', 'releaseSlot', 'releaseEarlierRun'], point, 'coordinator');
  return {
    ...(calls as Pick<Coordinator, 'publish' | 'acquireSlot' | 'renewSlot' | 'releaseSlot' | 'releaseEarlierRun'>),
    get delivery() {
      return inner.delivery;
    },
    get instanceId() {
      return inner.instanceId;
    },
    subscribe: (listener) => inner.subscribe(listener),
    tryLock: async (name, ttlMs) => {
      const lock = (await point('coordinator.tryLock', () => inner.tryLock(name, ttlMs))) as Awaited<ReturnType<Coordinator['tryLock']>>;
      return lock && { release: () => point('coordinator.releaseLock', () => lock.release()) as Promise<void> };
    },
    close: () => inner.close(),
  };
}
