import type { Coordinator } from './coordinator';
import { isConnectionFailure, StorageUnavailableError, withDeadline } from './storage-unavailable';
import type { AccountStore, RecordStore, Storage } from './types';

/**
 * Every call to a storage server (Redis, PostgreSQL, MySQL) is bounded, so an outage answers a
 * StorageUnavailableError within about two seconds instead of hanging a request until the server
 * comes back. One wrapper for every driver, in the spirit of encrypted-storage.ts; no retries (the
 * drivers reconnect by themselves, so the first call after recovery succeeds).
 *
 * A fixed short deadline would also fail calls on a store that is alive but busy (a burst of
 * charges queued on one account's row lock, a listing of a large pool). So a call that has not
 * answered after `probeAfterMs` asks whether the store is alive: one liveness check shared by every
 * waiting call, on a connection of its own (Storage.probe), so it is not queued behind them. A
 * check that fails or does not answer within `probeMs` fails the waiting calls; while the checks
 * pass, a call may run until `longestMs`. A refused or broken connection fails a call at once.
 * SQLite is in-process and synchronous: nothing to bound, so it is not wrapped.
 */

export interface StorageDeadlines {
  /** A call still waiting after this long starts (or joins) a liveness check. */
  probeAfterMs: number;
  /** A liveness check that has not answered after this long means the store is down. */
  probeMs: number;
  /** No call waits longer, however alive the store (a large import batch stays well inside). */
  longestMs: number;
}

/**
 * An outage is answered within probeAfterMs + probeMs = 2 s: far above a healthy store's
 * milliseconds, and inside the three seconds a client or load balancer reasonably waits.
 */
export const DEFAULT_STORAGE_DEADLINES: StorageDeadlines = { probeAfterMs: 1_000, probeMs: 1_000, longestMs: 120_000 };

/** How long the drivers let one connection attempt take (a stopped server accepts TCP and never answers). */
export const CONNECT_TIMEOUT_MS = DEFAULT_STORAGE_DEADLINES.probeAfterMs + DEFAULT_STORAGE_DEADLINES.probeMs;

type Bound = <T>(what: string, work: () => Promise<T>) => Promise<T>;

/** One liveness check at a time, shared by every call waiting for the store. */
function sharedLiveness(check: () => Promise<void>, deadlineMs: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    running ??= withDeadline(check(), deadlineMs, 'a liveness check').finally(() => (running = null));
    return running;
  };
}

function boundCalls(alive: () => Promise<void>, deadlines: StorageDeadlines): Bound {
  return <T>(what: string, work: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const fail = (error: unknown) => {
        clearInterval(watch);
        clearTimeout(longest);
        reject(error);
      };
      const watch = setInterval(() => {
        const down = () => new StorageUnavailableError(`Storage did not answer ${what}, nor a liveness check.`);
        alive().catch(() => fail(down()));
      }, deadlines.probeAfterMs);
      const tooLong = () => new StorageUnavailableError(`Storage did not answer ${what} in ${deadlines.longestMs} ms.`);
      const longest = setTimeout(() => fail(tooLong()), deadlines.longestMs);
      work().then(
        (value) => {
          clearInterval(watch);
          clearTimeout(longest);
          resolve(value);
        },
        (error: unknown) => fail(isConnectionFailure(error) ? unavailable(error, what) : error),
      );
    });
}

function unavailable(error: unknown, what: string): StorageUnavailableError {
  if (error instanceof StorageUnavailableError) return error;
  return new StorageUnavailableError(`Storage is unreachable (${what}).`, { cause: error });
}

/** An object with the listed methods of `target`, each run through `bound`. */
function boundMethods<T extends object>(target: T, names: readonly string[], bound: Bound, prefix: string): Partial<T> {
  const methods: Record<string, unknown> = {};
  for (const name of names) {
    const method = (target as Record<string, unknown>)[name];
    if (typeof method !== 'function') continue;
    const what = `${prefix}.${name}`;
    methods[name] = (...args: unknown[]) => bound(what, () => method.apply(target, args) as Promise<unknown>);
  }
  return methods as Partial<T>;
}

const ACCOUNT_CALLS = [
  'list',
  'listPage',
  'get',
  'getMany',
  'count',
  'insert',
  'importBatch',
  'update',
  'remove',
  'recordSuccess',
  'recordFailure',
  'applySync',
  'changeStatus',
  'replaceAll',
  'changedSince',
  'removedSince',
  'query',
  'afterBulkWrite',
] as const;
const RECORD_CALLS = ['put', 'get', 'delete', 'list'] as const;

export function withDeadlines(storage: Storage, deadlines: StorageDeadlines = DEFAULT_STORAGE_DEADLINES): Storage {
  const probe = () => (storage.probe ?? storage.ping)();
  const bound = boundCalls(sharedLiveness(probe, deadlines.probeMs), deadlines);
  const coordinator = storage.coordinator ? coordinatorWithDeadlines(storage.coordinator, bound) : undefined;
  return {
    get kind() {
      return storage.kind;
    },
    accounts: boundMethods(storage.accounts, ACCOUNT_CALLS, bound, 'accounts') as AccountStore,
    records: boundMethods(storage.records, RECORD_CALLS, bound, 'records') as RecordStore,
    ...(coordinator ? { coordinator } : {}),
    // A readiness probe wants "does it answer now", not "is it alive but busy".
    ping: () => withDeadline(probe(), deadlines.probeMs, 'ping'),
    close: () => storage.close(),
  };
}

function coordinatorWithDeadlines(inner: Coordinator, bound: Bound): Coordinator {
  const names = ['publish', 'acquireSlot', 'renewSlot', 'releaseSlot', 'releaseEarlierRun'] as const;
  const calls = boundMethods(inner, names, bound, 'coordinator') as Pick<Coordinator, (typeof names)[number]>;
  return {
    ...calls,
    get delivery() {
      return inner.delivery;
    },
    get instanceId() {
      return inner.instanceId;
    },
    subscribe: (listener) => inner.subscribe(listener),
    tryLock: async (name, ttlMs) => {
      const lock = await bound('coordinator.tryLock', () => inner.tryLock(name, ttlMs));
      return lock && { release: () => bound('coordinator.releaseLock', () => lock.release()) };
    },
    close: () => inner.close(),
  };
}
