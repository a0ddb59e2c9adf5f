import { describe, expect, test } from 'bun:test';
import { CooldownQueue } from '../../src/pool/cooldown-queue';

/** The heap the pool reads cooldown ends from: due entries come out earliest first, exactly at their time. */

describe('CooldownQueue', () => {
  test('an entry is due at its time, not a millisecond before', () => {
    const queue = new CooldownQueue();
    queue.push('a', 1_000);
    expect(queue.takeDue(999)).toEqual([]);
    expect(queue.size).toBe(1);
    expect(queue.takeDue(1_000)).toEqual([{ token: 'a', until: 1_000 }]);
    expect(queue.size).toBe(0);
    expect(queue.takeDue(5_000)).toEqual([]);
  });

  test('entries pushed in any order come out earliest first, only those due', () => {
    const queue = new CooldownQueue();
    const times = [50, 10, 90, 30, 70, 20, 80, 60, 40, 100, 0, 55, 35, 65, 15];
    for (const until of times) queue.push(`t${until}`, until);
    expect(queue.size).toBe(times.length);
    expect(queue.takeDue(35).map((entry) => entry.until)).toEqual([0, 10, 15, 20, 30, 35]);
    expect(queue.size).toBe(times.length - 6);
    expect(queue.takeDue(1_000).map((entry) => entry.until)).toEqual([40, 50, 55, 60, 65, 70, 80, 90, 100]);
  });

  test('entries taken one at a time still come out in order (the heap repairs itself after each)', () => {
    const queue = new CooldownQueue();
    const times = [9, 3, 7, 1, 8, 2, 6, 4, 5, 0];
    for (const until of times) queue.push(`t${until}`, until);
    const order: number[] = [];
    for (let now = 0; now <= 9; now += 1) order.push(...queue.takeDue(now).map((entry) => entry.until));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('a token pushed twice comes out twice (the owner ignores the stale one)', () => {
    const queue = new CooldownQueue();
    queue.push('a', 20);
    queue.push('b', 15);
    queue.push('a', 10);
    expect(queue.takeDue(20)).toEqual([
      { token: 'a', until: 10 },
      { token: 'b', until: 15 },
      { token: 'a', until: 20 },
    ]);
  });

  test('equal times all come out together', () => {
    const queue = new CooldownQueue();
    for (const token of ['a', 'b', 'c', 'd']) queue.push(token, 7);
    queue.push('later', 8);
    expect(new Set(queue.takeDue(7).map((entry) => entry.token))).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect(queue.size).toBe(1);
  });

  test('clear empties the queue', () => {
    const queue = new CooldownQueue();
    queue.push('a', 1);
    queue.push('b', 2);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.takeDue(10)).toEqual([]);
  });
});
