import { parseModeWindows } from './mode-windows';
/**
 * What instances sharing one store need from each other, beyond the rows themselves: change
 * notices (so an edit on one instance reaches the others within a second), named locks with a
 * time limit (so exactly one instance runs a given quota refresh), and per-account request slots
 * held in the store with a time limit (so `token.max_inflight_per_account` holds across instances,
 * and a crashed instance's slots come back by themselves).
 *
 * Each storage driver supplies one: Redis (pub/sub, Lua), PostgreSQL (LISTEN/NOTIFY, row locks),
 * MySQL and SQLite (row locks; notices by polling the change feed every second).
 */

export type ClusterEvent =
  /** These accounts changed in the store: re-read them. */
  | { kind: 'accounts'; tokens: string[] }
  /** Many accounts changed (an import, a batch job): read the change feed, rows updated since your last read. */
  | { kind: 'changes' }
  /** Reload everything (only when an operator asks for it; changes otherwise travel as deltas). */
  | { kind: 'reload' }
  /** The operator changed the config; `values` holds only the keys that changed, by section. */
  | { kind: 'config'; values: unknown };

export interface ClusterMessage {
  /** The instance that sent it; an instance ignores its own messages. */
  from: string;
  event: ClusterEvent;
}

/** `granted`: the slot is yours until released or expired. `busy`: the account is at its limit. `unusable`: the stored account cannot serve (gone, disabled, expired, no quota). */
export type SlotOutcome = { result: 'granted'; slotId: string } | { result: 'busy' } | { result: 'unusable' };

export interface Coordinator {
  /** `push`: notices arrive by themselves. `poll`: the caller must poll `changedSince` (about every second). */
  readonly delivery: 'push' | 'poll';
  readonly instanceId: string;
  publish(event: ClusterEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (message: ClusterMessage) => void): () => void;
  /** Takes the named lock unless another holder's lease on it is still running; release gives it back early. */
  tryLock(name: string, ttlMs: number): Promise<{ release(): Promise<void> } | null>;
  /** Takes one of `limit` slots of an account (0 = unlimited: only checks the account is usable, writes nothing). */
  acquireSlot(token: string, limit: number, ttlMs: number, now: number): Promise<SlotOutcome>;
  /** Extends a held slot (long streams). False when it had already expired. */
  renewSlot(token: string, slotId: string, ttlMs: number, now: number): Promise<boolean>;
  releaseSlot(token: string, slotId: string): Promise<void>;
  /**
   * Frees the request slots and locks an earlier run of this instance (same `instanceId`) left in
   * the store: a crash or `kill -9` skips releasing them, and they would otherwise block their
   * accounts until they expire. Run once at start-up, before serving. Returns how many it freed.
   */
  releaseEarlierRun(): Promise<number>;
  close(): Promise<void>;
}

/**
 * What a stable instance id (`SERVER_INSTANCE_ID`, or the one kept in the data folder) may look
 * like: no `:`, so `<instance id>:` prefixes exactly the ids this instance's runs took.
 */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** An id no other process uses: for tests and for processes without a stable identity. */
export function newInstanceId(random: () => number = Math.random): string {
  return `${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.floor(random() * 2 ** 32).toString(36)}`;
}

/**
 * Holder ids for the slots and locks one run takes: `<instance id>:<run>.<sequence>`. The
 * instance part tells a restarted instance which ones were its own (`releaseEarlierRun`); the run
 * part keeps a new run's ids apart from any an earlier run left behind.
 */
export class HolderIds {
  private sequence = 0;
  private readonly run = Math.floor(Math.random() * 2 ** 32).toString(36);

  constructor(readonly instanceId: string = newInstanceId()) {
    if (!INSTANCE_ID_PATTERN.test(instanceId)) {
      throw new Error(`instance id "${instanceId}" may only use letters, digits, '.', '_' and '-' (at most 64)`);
    }
  }

  next(): string {
    return `${this.instanceId}:${this.run}.${(this.sequence++).toString(36)}`;
  }

  /** Every id any run of this instance took starts with this. */
  get prefix(): string {
    return `${this.instanceId}:`;
  }
}

/**
 * The store-side half of pool/selection.ts `isSelectableFor`, for drivers that check it in SQL
 * rows. It cannot know the request's mode, so it only refuses what no mode could use: disabled
 * or expired, cooling for the whole account, or no quota left anywhere. `modes` is the stored
 * JSON of the per-mode windows (absent on a store that predates them).
 */
export function isUsableForSlot(
  status: string,
  quota: number,
  cooldownUntil: string | number | null,
  now: number,
  modes?: unknown,
): boolean {
  const windows = Object.values(parseModeWindows(modes ?? {}));
  const modeLimited = windows.some((window) => window.limitedReason !== null);
  const anyLeft = quota > 0 || windows.some((window) => window.remaining > 0);
  if (!anyLeft) return false;
  if (status === 'active') return true;
  return status === 'cooling' && (modeLimited || (cooldownUntil !== null && Number(cooldownUntil) <= now));
}
