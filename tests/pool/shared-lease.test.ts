import { afterEach, beforeEach, expect, type Mock, spyOn, test } from 'bun:test';
import { sharedLease } from '../../src/pool/shared-lease';
import type { Coordinator } from '../../src/storage/coordinator';

// The renewal timers are captured, not run (a test fires a tick by hand); restored after each test.
const ticks: Array<() => void> = [];
const cleared: unknown[] = [];
let setIntervalSpy: Mock<typeof setInterval>;
let clearIntervalSpy: Mock<typeof clearInterval>;

beforeEach(() => {
  setIntervalSpy = spyOn(globalThis, 'setInterval').mockImplementation(((tick: () => void) => {
    ticks.push(tick);
    return { unref() {} } as unknown as ReturnType<typeof setInterval>;
  }) as unknown as typeof setInterval);
  clearIntervalSpy = spyOn(globalThis, 'clearInterval').mockImplementation((timer) => void cleared.push(timer));
});

afterEach(() => {
  setIntervalSpy.mockRestore();
  clearIntervalSpy.mockRestore();
  ticks.length = 0;
  cleared.length = 0;
});

function fakeCoordinator() {
  const renewed: string[] = [];
  const released: string[] = [];
  const coordinator = {
    renewSlot: async (_token: string, slotId: string) => {
      renewed.push(slotId);
      return true;
    },
    releaseSlot: async (_token: string, slotId: string) => void released.push(slotId),
  } as unknown as Coordinator;
  return { coordinator, renewed, released };
}

const localLease = (token: string) => ({ token, pool: 'basic', release() {} });

test('the slots held on one store are renewed together on one timer, released ones no more', () => {
  const { coordinator, renewed, released } = fakeCoordinator();
  const leases = ['slot-a', 'slot-b', 'slot-c'].map((slotId) =>
    sharedLease(localLease(`token-${slotId}`), coordinator, slotId, 90_000, () => 0),
  );
  expect(setIntervalSpy).toHaveBeenCalledTimes(1);
  expect(setIntervalSpy.mock.calls[0]![1]).toBe(30_000); // a third of the lifetime

  ticks[0]!();
  expect(renewed.sort()).toEqual(['slot-a', 'slot-b', 'slot-c']);

  leases[1]!.release();
  leases[1]!.release(); // twice is once
  expect(released).toEqual(['slot-b']);
  renewed.length = 0;
  ticks[0]!();
  expect(renewed.sort()).toEqual(['slot-a', 'slot-c']);

  expect(cleared).toHaveLength(0);
  leases[0]!.release();
  leases[2]!.release();
  expect(cleared).toHaveLength(1); // nothing held: the timer stops

  sharedLease(localLease('token-d'), coordinator, 'slot-d', 90_000, () => 0);
  expect(setIntervalSpy).toHaveBeenCalledTimes(2); // and starts again for the next slot
});

test('another store or another lifetime has its own timer', () => {
  const first = fakeCoordinator();
  const second = fakeCoordinator();
  sharedLease(localLease('a'), first.coordinator, 'slot-a', 90_000, () => 0);
  sharedLease(localLease('b'), second.coordinator, 'slot-b', 90_000, () => 0);
  sharedLease(localLease('c'), first.coordinator, 'slot-c', 3_000, () => 0);
  expect(setIntervalSpy).toHaveBeenCalledTimes(3);
  ticks[0]!();
  expect(first.renewed).toEqual(['slot-a']);
  expect(second.renewed).toEqual([]);
  expect(setIntervalSpy.mock.calls[2]![1]).toBe(1_000); // never more often than every second
});
