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
  readonly priority: number;
  readonly inFlight: number;
  readonly members: string[];
  /** token → index in `members`, for O(1) removal by swapping with the last member. */
  readonly positions: Map<string, number>;
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

const bucketKey = (priority: number, inFlight: number) => `${priority}:${inFlight}`;

/** Negative when `a` comes first. */
const compare = (a: { priority: number; inFlight: number }, b: { priority: number; inFlight: number }) =>
  b.priority - a.priority || a.inFlight - b.inFlight;

export class PriorityBuckets {
  private readonly byKey = new Map<string, Bucket>();
  private readonly ordered: Bucket[] = [];
  private readonly placement = new Map<string, Bucket>();

  get size(): number {
    return this.placement.size;
  }

  has(token: string): boolean {
    return this.placement.has(token);
  }

  /** Adds the token, or moves it to its new group. */
  set(token: string, priority: number, inFlight: number): void {
    const current = this.placement.get(token);
    if (current && current.priority === priority && current.inFlight === inFlight) return;
    if (current) this.detach(token, current);
    const bucket = this.bucketFor(priority, inFlight);
    bucket.positions.set(token, bucket.members.length);
    bucket.members.push(token);
    this.placement.set(token, bucket);
  }

  delete(token: string): void {
    const bucket = this.placement.get(token);
    if (bucket) this.detach(token, bucket);
  }

  pick(options: PickOptions): string | null {
    for (const bucket of this.ordered) {
      if (options.maxInFlight > 0 && bucket.inFlight >= options.maxInFlight) continue;
      const token = pickMember(bucket.members, options);
      if (token !== null) return token;
    }
    return null;
  }

  private bucketFor(priority: number, inFlight: number): Bucket {
    const key = bucketKey(priority, inFlight);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const bucket: Bucket = { priority, inFlight, members: [], positions: new Map() };
    this.byKey.set(key, bucket);
    this.ordered.splice(this.insertionPoint(bucket), 0, bucket);
    return bucket;
  }

  private detach(token: string, bucket: Bucket): void {
    const position = bucket.positions.get(token)!;
    const last = bucket.members.pop()!;
    if (last !== token) {
      bucket.members[position] = last;
      bucket.positions.set(last, position);
    }
    bucket.positions.delete(token);
    this.placement.delete(token);
    if (bucket.members.length === 0) {
      this.byKey.delete(bucketKey(bucket.priority, bucket.inFlight));
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
