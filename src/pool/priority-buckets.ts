import type { SlotTable } from './slot-tables';

/**
 * Accounts of one pool grouped by (priority, in-flight), best group first: highest priority, then
 * fewest requests in flight. Members of a group are interchangeable, so a pick is a random member
 * of the first group that has an acceptable one.
 *
 * Cost: a move or a pick touches O(1) members plus a binary search over the groups; the number of
 * groups is the number of distinct (quota, in-flight) pairs — a few hundred at most, whatever the
 * number of accounts, because quotas are small integers (≤ a few hundred per window).
 */

interface Bucket {
  /** Small and reused: it is stored beside each member's position (see `slots`). */
  readonly id: number;
  readonly priority: number;
  readonly inFlight: number;
  readonly members: string[];
}

export interface PickOptions {
  /** False for a token the request must not use (already tried, missing a tag…). */
  accept: (token: string) => boolean;
  /** Requests one account may serve at once; 0 = unlimited. */
  maxInFlight: number;
  /** Uniform in [0, 1). */
  random: () => number;
}

/** Random draws before falling back to scanning a group (only reached when most members are refused). */
const RANDOM_DRAWS = 8;

/** A slot is `bucket id × POSITIONS + position in the bucket's members`: one number, exact in a double. */
const POSITIONS = 2 ** 32;

/** Negative when `a` comes first. */
const compare = (a: { priority: number; inFlight: number }, b: { priority: number; inFlight: number }) =>
  b.priority - a.priority || a.inFlight - b.inFlight;

/**
 * Memory: one slot per member (a number: no object per member; see slot-tables.ts for where it is
 * kept) and one array element; the pool keeps one of these per pool and mode, and per tag.
 */
export class PriorityBuckets {
  /** priority → in-flight → bucket; numbers as keys, so finding a bucket allocates nothing. */
  private readonly byPriority = new Map<number, Map<number, Bucket>>();
  private readonly byId: (Bucket | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private readonly ordered: Bucket[] = [];
  /** token → its bucket and position (see POSITIONS). */
  constructor(private readonly slots: SlotTable = new Map<string, number>()) {}

  get size(): number {
    return this.slots.size;
  }

  has(token: string): boolean {
    return this.slots.get(token) !== undefined;
  }

  /** The priority the token was placed with; undefined when it is not here. */
  priorityOf(token: string): number | undefined {
    return this.bucketOf(token)?.priority;
  }

  /** Adds the token, or moves it to its new group. */
  set(token: string, priority: number, inFlight: number): void {
    const current = this.bucketOf(token);
    if (current) {
      if (current.priority === priority && current.inFlight === inFlight) return;
      this.detach(token, current);
    }
    const bucket = this.bucketFor(priority, inFlight);
    this.slots.set(token, bucket.id * POSITIONS + bucket.members.length);
    bucket.members.push(token);
  }

  /** Moves a member to the group of the same priority with this many in flight; nothing when absent. */
  setInFlight(token: string, inFlight: number): void {
    const current = this.bucketOf(token);
    if (current) this.set(token, current.priority, inFlight);
  }

  delete(token: string): void {
    const bucket = this.bucketOf(token);
    if (!bucket) return;
    this.detach(token, bucket);
    this.slots.delete(token);
  }

  pick(options: PickOptions): string | null {
    for (const bucket of this.ordered) {
      if (options.maxInFlight > 0 && bucket.inFlight >= options.maxInFlight) continue;
      const token = pickMember(bucket.members, options);
      if (token !== null) return token;
    }
    return null;
  }

  private bucketOf(token: string): Bucket | undefined {
    const slot = this.slots.get(token);
    return slot === undefined ? undefined : this.byId[Math.floor(slot / POSITIONS)];
  }

  private bucketFor(priority: number, inFlight: number): Bucket {
    let byInFlight = this.byPriority.get(priority);
    const existing = byInFlight?.get(inFlight);
    if (existing) return existing;
    const id = this.freeIds.pop() ?? this.byId.length;
    const bucket: Bucket = { id, priority, inFlight, members: [] };
    this.byId[id] = bucket;
    if (!byInFlight) {
      byInFlight = new Map();
      this.byPriority.set(priority, byInFlight);
    }
    byInFlight.set(inFlight, bucket);
    this.ordered.splice(this.insertionPoint(bucket), 0, bucket);
    return bucket;
  }

  /**
   * Takes the token out of its bucket, leaving its slot for the caller to overwrite (a move) or
   * delete: a map entry deleted and added again is garbage until the map next rehashes, and a
   * move happens on every charge.
   */
  private detach(token: string, bucket: Bucket): void {
    const position = this.slots.get(token)! % POSITIONS;
    const last = bucket.members.pop()!;
    if (last !== token) {
      bucket.members[position] = last;
      this.slots.set(last, bucket.id * POSITIONS + position);
    }
    if (bucket.members.length === 0) {
      const byInFlight = this.byPriority.get(bucket.priority)!;
      byInFlight.delete(bucket.inFlight);
      if (byInFlight.size === 0) this.byPriority.delete(bucket.priority);
      this.byId[bucket.id] = undefined;
      this.freeIds.push(bucket.id);
      this.ordered.splice(this.insertionPoint(bucket), 1);
    }
  }

  /** Binary search: the index of `bucket` in `ordered`, or where it belongs. */
  private insertionPoint(bucket: { priority: number; inFlight: number }): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(this.ordered[middle]!, bucket) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** A uniformly random acceptable member, or null. */
function pickMember(members: readonly string[], options: PickOptions): string | null {
  const draws = Math.min(RANDOM_DRAWS, members.length);
  for (let draw = 0; draw < draws; draw += 1) {
    const token = members[randomIndex(members.length, options.random)]!;
    if (options.accept(token)) return token;
  }
  const acceptable = members.filter(options.accept);
  return acceptable.length === 0 ? null : acceptable[randomIndex(acceptable.length, options.random)]!;
}

/** Clamped, so an injected random that returns 1 cannot index past the end. */
const randomIndex = (length: number, random: () => number) =>
  Math.min(length - 1, Math.max(0, Math.floor(random() * length)));
