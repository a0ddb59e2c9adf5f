import { describe, expect, test } from 'bun:test';
import { PriorityBuckets, type PickOptions } from '../../src/pool/priority-buckets';
import { MemberNumbers } from '../../src/pool/slot-tables';

/** The grouping the pool picks from, on its own: exact order, in-flight limits and random draws. */

const options = (fields: Partial<PickOptions> = {}): PickOptions => ({
  accept: () => true,
  maxInFlight: 0,
  random: () => 0,
  ...fields,
});

/** Every token in pick order: each pick refuses the tokens picked before it. */
function pickOrder(buckets: PriorityBuckets, maxInFlight = 0): (string | null)[] {
  const picked: (string | null)[] = [];
  for (let guard = 0; guard < 100; guard += 1) {
    const token = buckets.pick(options({ maxInFlight, accept: (candidate) => !picked.includes(candidate) }));
    if (token === null) return picked;
    picked.push(token);
  }
  throw new Error('pick never ran out');
}

/** A random source that counts its calls. */
function counting(value: number) {
  const source = { calls: 0, random: () => (source.calls++, value) };
  return source;
}

describe('PriorityBuckets order', () => {
  test('highest priority first, then fewest in flight', () => {
    const buckets = new PriorityBuckets();
    buckets.set('low', 1, 0);
    buckets.set('busy-top', 9, 1);
    buckets.set('middle', 5, 0);
    buckets.set('top', 9, 0);
    buckets.set('busiest-top', 9, 4);
    expect(pickOrder(buckets)).toEqual(['top', 'busy-top', 'busiest-top', 'middle', 'low']);
  });

  test('many groups inserted in any order come out sorted', () => {
    const buckets = new PriorityBuckets();
    const priorities = [5, 1, 9, 3, 7, 2, 8, 6, 4, 0, 10, -2];
    for (const priority of priorities) buckets.set(`p${priority}`, priority, 0);
    expect(pickOrder(buckets)).toEqual([...priorities].sort((a, b) => b - a).map((priority) => `p${priority}`));
    expect(buckets.size).toBe(priorities.length);
  });

  test('removing a group from the middle keeps the others in order', () => {
    const buckets = new PriorityBuckets();
    for (const priority of [1, 2, 3, 4, 5, 6, 7]) buckets.set(`p${priority}`, priority, 0);
    buckets.delete('p4');
    buckets.delete('p6');
    buckets.delete('p1');
    expect(pickOrder(buckets)).toEqual(['p7', 'p5', 'p3', 'p2']);
    buckets.set('p4', 4, 0);
    expect(pickOrder(buckets)).toEqual(['p7', 'p5', 'p4', 'p3', 'p2']);
  });
});

describe('PriorityBuckets membership', () => {
  test('set adds, moves and is a no-op when nothing changed; delete removes', () => {
    const buckets = new PriorityBuckets();
    expect(buckets.size).toBe(0);
    expect(buckets.has('a')).toBe(false);
    buckets.set('a', 5, 0);
    buckets.set('b', 5, 0);
    buckets.set('a', 5, 0);
    expect(buckets.size).toBe(2);
    expect(buckets.has('a')).toBe(true);
    expect(pickOrder(buckets)).toEqual(['a', 'b']);
    buckets.set('a', 5, 1);
    expect(pickOrder(buckets)).toEqual(['b', 'a']);
    buckets.set('a', 6, 1);
    expect(pickOrder(buckets)).toEqual(['a', 'b']);
    buckets.delete('a');
    buckets.delete('missing');
    expect(buckets.size).toBe(1);
    expect(buckets.has('a')).toBe(false);
    expect(pickOrder(buckets)).toEqual(['b']);
  });

  test('removing members from one group keeps every remaining member reachable, and only those', () => {
    const buckets = new PriorityBuckets();
    for (const token of ['a', 'b', 'c', 'd', 'e']) buckets.set(token, 3, 0);
    buckets.delete('a');
    buckets.delete('e');
    buckets.delete('b');
    expect(new Set(pickOrder(buckets))).toEqual(new Set(['c', 'd']));
    expect(pickOrder(buckets)).toHaveLength(2);
    buckets.delete('d');
    buckets.delete('c');
    expect(pickOrder(buckets)).toEqual([]);
    expect(buckets.size).toBe(0);
  });

  test('a moved member leaves its old group whole', () => {
    const buckets = new PriorityBuckets();
    for (const token of ['a', 'b', 'c']) buckets.set(token, 3, 0);
    buckets.set('a', 3, 1);
    buckets.set('b', 3, 1);
    expect(pickOrder(buckets)).toEqual(['c', 'a', 'b']);
  });
});

describe('PriorityBuckets pick', () => {
  test('a group at the in-flight limit is skipped; 0 means no limit', () => {
    const buckets = new PriorityBuckets();
    buckets.set('busy', 9, 2);
    buckets.set('idle', 5, 1);
    expect(buckets.pick(options({ maxInFlight: 2 }))).toBe('idle');
    expect(buckets.pick(options({ maxInFlight: 3 }))).toBe('busy');
    expect(buckets.pick(options({ maxInFlight: 0 }))).toBe('busy');
    expect(buckets.pick(options({ maxInFlight: 1 }))).toBeNull();
  });

  test('the random source picks uniformly by index, clamped into the group', () => {
    const buckets = new PriorityBuckets();
    for (const token of ['a', 'b', 'c', 'd']) buckets.set(token, 1, 0);
    expect(buckets.pick(options({ random: () => 0 }))).toBe('a');
    expect(buckets.pick(options({ random: () => 0.5 }))).toBe('c');
    expect(buckets.pick(options({ random: () => 0.99 }))).toBe('d');
    expect(buckets.pick(options({ random: () => 1 }))).toBe('d');
    expect(buckets.pick(options({ random: () => -0.5 }))).toBe('a');
  });

  test('after one random draw per member (at most 8) the group is scanned for an acceptable one', () => {
    const small = new PriorityBuckets();
    for (const token of ['a', 'b', 'c']) small.set(token, 1, 0);
    const smallSource = counting(0);
    expect(small.pick(options({ random: smallSource.random, accept: (token) => token === 'c' }))).toBe('c');
    expect(smallSource.calls).toBe(4);

    const large = new PriorityBuckets();
    for (let index = 0; index < 20; index += 1) large.set(`t${index}`, 1, 0);
    const largeSource = counting(0);
    expect(large.pick(options({ random: largeSource.random, accept: (token) => token === 't19' }))).toBe('t19');
    expect(largeSource.calls).toBe(9);
  });

  test('a group with no acceptable member falls through to the next group', () => {
    const buckets = new PriorityBuckets();
    for (const token of ['a', 'b']) buckets.set(token, 9, 0);
    buckets.set('next', 1, 0);
    const source = counting(0);
    expect(buckets.pick(options({ random: source.random, accept: (token) => token === 'next' }))).toBe('next');
    // Two draws on the refused group, none extra for its empty scan, one draw that finds "next".
    expect(source.calls).toBe(3);
    expect(buckets.pick(options({ accept: () => false }))).toBeNull();
  });

  test('the scan picks among the acceptable members with the random source', () => {
    const buckets = new PriorityBuckets();
    for (const token of ['a', 'b', 'c', 'd']) buckets.set(token, 1, 0);
    // Draws land on "a" (refused); the scan then chooses among b, c, d by the same value.
    const accept = (token: string) => token !== 'a';
    expect(buckets.pick(options({ random: () => 0, accept }))).toBe('b');
    let calls = 0;
    const lateHigh = () => (calls++ < 4 ? 0 : 0.99);
    expect(buckets.pick(options({ random: lateHigh, accept }))).toBe('d');
  });
});

describe('PriorityBuckets over a pool’s shared member numbers', () => {
  /** Deterministic pseudo-random numbers in [0, 1). */
  const seeded = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  test('two orderings sharing numbers behave like orderings with maps of their own, as members come, move and leave', () => {
    const random = seeded(7);
    const members = new MemberNumbers();
    const shared = [new PriorityBuckets(members.table()), new PriorityBuckets(members.table())];
    const own = [new PriorityBuckets(), new PriorityBuckets()];
    const tokens = Array.from({ length: 300 }, (_, index) => `t${index}`);
    for (let step = 0; step < 20_000; step++) {
      const token = tokens[Math.floor(random() * tokens.length)]!;
      const which = Math.floor(random() * 2);
      const roll = random();
      if (roll < 0.5) {
        const priority = Math.floor(random() * 6);
        const inFlight = Math.floor(random() * 3);
        shared[which]!.set(token, priority, inFlight);
        own[which]!.set(token, priority, inFlight);
      } else if (roll < 0.7) {
        shared[which]!.setInFlight(token, 1);
        own[which]!.setInFlight(token, 1);
      } else if (roll < 0.9) {
        shared[which]!.delete(token);
        own[which]!.delete(token);
      } else {
        // The account leaves the pool: out of every ordering, then its number is free for another.
        for (const buckets of [...shared, ...own]) buckets.delete(token);
        members.release(token);
      }
    }
    for (const which of [0, 1]) {
      expect(shared[which]!.size).toBe(own[which]!.size);
      for (const token of tokens) {
        expect(shared[which]!.has(token)).toBe(own[which]!.has(token));
        expect(shared[which]!.priorityOf(token)).toBe(own[which]!.priorityOf(token));
      }
      const everyPick = (buckets: PriorityBuckets) => {
        const picked = new Set<string>();
        for (let token = buckets.pick(options()); token !== null; ) {
          picked.add(token);
          token = buckets.pick(options({ accept: (candidate) => !picked.has(candidate) }));
        }
        return [...picked];
      };
      expect(everyPick(shared[which]!)).toEqual(everyPick(own[which]!));
    }
  });

  test('a member still in an ordering cannot leave the pool (its slot would seat the next newcomer)', () => {
    const members = new MemberNumbers();
    const buckets = new PriorityBuckets(members.table());
    buckets.set('a', 1, 0);
    expect(() => members.release('a')).toThrow();
    buckets.delete('a');
    members.release('a');
    buckets.set('b', 2, 0);
    expect(buckets.has('a')).toBe(false);
    expect(buckets.priorityOf('b')).toBe(2);
  });
});
