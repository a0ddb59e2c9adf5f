import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import type { ClusterMessage, Coordinator } from '../../src/storage/coordinator';
import type { Storage } from '../../src/storage/types';

/**
 * What every driver's Coordinator must do. `openPair` returns two storages on one empty store,
 * standing for two instances with the given instance ids; `openAgain` one more on that same store
 * (an instance restarting). Expiry is waited for by polling with a bound, never by a fixed sleep.
 */
export function runCoordinatorContract(
  openPair: (instanceIds: [string, string]) => Promise<[Storage, Storage]>,
  openAgain: (instanceId: string) => Promise<Storage>,
): void {
  let one: Storage;
  let two: Storage;
  let first: Coordinator;
  let second: Coordinator;
  const now = () => Date.now();

  async function eventually(check: () => Promise<boolean>, boundMs = 5_000): Promise<boolean> {
    const end = Date.now() + boundMs;
    while (Date.now() < end) {
      if (await check()) return true;
      await Bun.sleep(25);
    }
    return check();
  }

  beforeEach(async () => {
    [one, two] = await openPair(['instance-one', 'instance-two']);
    first = one.coordinator!;
    second = two.coordinator!;
    await one.accounts.insert([
      { token: 'active', pool: 'ssoBasic' },
      { token: 'disabled', pool: 'ssoBasic', status: 'disabled' },
      { token: 'empty', pool: 'ssoBasic', quota: 0 },
      { token: 'cooling-over', pool: 'ssoBasic', status: 'cooling', cooldownUntil: 1 },
      { token: 'cooling-later', pool: 'ssoBasic', status: 'cooling', cooldownUntil: Date.now() + 3_600_000 },
    ]);
  });

  afterEach(async () => {
    await one.close();
    await two.close();
  });

  describe('locks', () => {
    test('one holder at a time across instances; release hands it on', async () => {
      const held = await first.tryLock('refresh', 60_000);
      expect(held).not.toBeNull();
      expect(await second.tryLock('refresh', 60_000)).toBeNull();
      expect(await first.tryLock('refresh', 60_000)).toBeNull();
      expect(await second.tryLock('other', 60_000)).not.toBeNull();
      await held!.release();
      expect(await second.tryLock('refresh', 60_000)).not.toBeNull();
    });

    test('a holder that never releases (crashed) loses the lock when its time is up', async () => {
      expect(await first.tryLock('crashy', 300)).not.toBeNull();
      expect(await second.tryLock('crashy', 60_000)).toBeNull();
      expect(await eventually(async () => (await second.tryLock('crashy', 60_000)) !== null)).toBe(true);
    });

    test("a late release by the old holder does not free the new holder's lock", async () => {
      const old = await first.tryLock('handover', 300);
      expect(await eventually(async () => (await second.tryLock('handover', 60_000)) !== null)).toBe(true);
      await old!.release();
      expect(await first.tryLock('handover', 60_000)).toBeNull();
    });
  });

  describe('under load', () => {
    /** Two instances, 2,000 takes at once over 1,000 names (two contenders each, one per instance), each holder keeping it 20 ms. */
    test('2,000 concurrent lock takes with 20 ms holds: no errors, never two holders of one name', async () => {
      const held = new Set<string>();
      const failures: unknown[] = [];
      const overlaps: string[] = [];
      const takenNames = new Set<string>();
      const take = async (index: number) => {
        const name = `load-${index % 1_000}`;
        const coordinator = index < 1_000 ? first : second;
        try {
          const lock = await coordinator.tryLock(name, 60_000);
          if (!lock) return;
          if (held.has(name)) overlaps.push(name);
          held.add(name);
          takenNames.add(name);
          await Bun.sleep(20);
          held.delete(name);
          await lock.release();
        } catch (error) {
          failures.push(error);
        }
      };
      await Promise.all(Array.from({ length: 2_000 }, (_, index) => take(index)));
      expect(failures.map(String)).toEqual([]);
      expect(overlaps).toEqual([]);
      expect(takenNames.size).toBe(1_000);
      // Every lock was given back: each name can be taken again at once.
      expect(await first.tryLock('load-7', 60_000)).not.toBeNull();
    }, 60_000);

    test('2,000 concurrent slot takes on 20 accounts (limit 2, 20 ms holds): no errors, the limit holds', async () => {
      await one.accounts.insert(
        Array.from({ length: 20 }, (_, index) => ({ token: `load-${index}`, pool: 'ssoBasic' })),
      );
      const inFlight = new Map<string, number>();
      const failures: unknown[] = [];
      let over = 0;
      let granted = 0;
      const take = async (index: number) => {
        const token = `load-${index % 20}`;
        const coordinator = index % 2 === 0 ? first : second;
        try {
          const outcome = await coordinator.acquireSlot(token, 2, 60_000, Date.now());
          if (outcome.result !== 'granted') return;
          granted++;
          const count = (inFlight.get(token) ?? 0) + 1;
          inFlight.set(token, count);
          if (count > 2) over++;
          await Bun.sleep(20);
          inFlight.set(token, (inFlight.get(token) ?? 1) - 1);
          await coordinator.releaseSlot(token, outcome.slotId);
        } catch (error) {
          failures.push(error);
        }
      };
      await Promise.all(Array.from({ length: 2_000 }, (_, index) => take(index)));
      expect(failures.map(String)).toEqual([]);
      expect(over).toBe(0);
      expect(granted).toBeGreaterThanOrEqual(40);
    }, 60_000);
  });

  describe('request slots', () => {
    test('the limit holds across instances and a release frees a slot', async () => {
      const a = await first.acquireSlot('active', 2, 60_000, now());
      const b = await second.acquireSlot('active', 2, 60_000, now());
      expect(a.result).toBe('granted');
      expect(b.result).toBe('granted');
      expect((await first.acquireSlot('active', 2, 60_000, now())).result).toBe('busy');
      expect((await second.acquireSlot('active', 2, 60_000, now())).result).toBe('busy');
      await first.releaseSlot('active', (a as { slotId: string }).slotId);
      expect((await second.acquireSlot('active', 2, 60_000, now())).result).toBe('granted');
    });

    test('0 means no limit', async () => {
      for (let index = 0; index < 5; index++)
        expect((await first.acquireSlot('active', 0, 60_000, now())).result).toBe('granted');
    });

    test('the stored account must be usable: missing, disabled, without quota or still cooling are refused', async () => {
      expect((await first.acquireSlot('missing', 1, 60_000, now())).result).toBe('unusable');
      expect((await first.acquireSlot('disabled', 1, 60_000, now())).result).toBe('unusable');
      expect((await first.acquireSlot('empty', 1, 60_000, now())).result).toBe('unusable');
      expect((await first.acquireSlot('cooling-later', 1, 60_000, now())).result).toBe('unusable');
      expect((await first.acquireSlot('cooling-over', 1, 60_000, now())).result).toBe('granted');
      await one.accounts.update('active', { status: 'disabled' });
      expect((await second.acquireSlot('active', 1, 60_000, now())).result).toBe('unusable');
    });

    test('a slot its instance never released (crash) expires; renewing keeps a live one', async () => {
      const crashed = await first.acquireSlot('active', 1, 300, now());
      expect(crashed.result).toBe('granted');
      expect((await second.acquireSlot('active', 1, 60_000, now())).result).toBe('busy');
      const freed = await eventually(
        async () => (await second.acquireSlot('active', 1, 60_000, now())).result === 'granted',
      );
      expect(freed).toBe(true);
      expect(await first.renewSlot('active', (crashed as { slotId: string }).slotId, 60_000, now())).toBe(false);
    });

    test('renew extends a held slot', async () => {
      const held = await first.acquireSlot('active', 1, 60_000, now());
      expect(await first.renewSlot('active', (held as { slotId: string }).slotId, 60_000, now())).toBe(true);
    });
  });

  describe('restart with the same identity', () => {
    test('frees the slots and locks the earlier run held, and nothing of other instances', async () => {
      expect(first.instanceId).toBe('instance-one');
      // The earlier run of instance-one holds a slot and a lock, then dies without releasing them.
      expect((await first.acquireSlot('active', 1, 60_000, now())).result).toBe('granted');
      expect(await first.tryLock('refresh', 60_000)).not.toBeNull();
      // instance-two holds its own slot on another account.
      expect((await second.acquireSlot('cooling-over', 1, 60_000, now())).result).toBe('granted');
      expect((await second.acquireSlot('active', 1, 60_000, now())).result).toBe('busy');

      const restarted = await openAgain('instance-one');
      try {
        expect(await restarted.coordinator!.releaseEarlierRun()).toBe(2);
        expect((await second.acquireSlot('active', 1, 60_000, now())).result).toBe('granted');
        expect(await second.tryLock('refresh', 60_000)).not.toBeNull();
        expect((await restarted.coordinator!.acquireSlot('cooling-over', 1, 60_000, now())).result).toBe('busy');
        // Nothing of instance-one is left: a second pass frees nothing (the new run holds nothing yet).
        expect(await restarted.coordinator!.releaseEarlierRun()).toBe(0);
      } finally {
        await restarted.close();
      }
    });

    test("an instance whose id starts like another one's frees only its own", async () => {
      const longer = await openAgain('instance-one-b');
      try {
        expect((await longer.coordinator!.acquireSlot('active', 1, 60_000, now())).result).toBe('granted');
        expect(await first.releaseEarlierRun()).toBe(0);
        expect((await second.acquireSlot('active', 1, 60_000, now())).result).toBe('busy');
      } finally {
        await longer.close();
      }
    });
  });

  describe('notices', () => {
    test('push drivers deliver to the other instances, not back to the sender', async () => {
      if (first.delivery === 'poll') {
        expect(second.delivery).toBe('poll'); // poll drivers rely on the change feed instead
        return;
      }
      const received: ClusterMessage[] = [];
      const echoed: ClusterMessage[] = [];
      const stopSecond = second.subscribe((message) => received.push(message));
      const stopFirst = first.subscribe((message) => echoed.push(message));
      await first.publish({ kind: 'accounts', tokens: ['active'] });
      expect(await eventually(async () => received.length > 0, 2_000)).toBe(true);
      expect(received[0]).toEqual({ from: first.instanceId, event: { kind: 'accounts', tokens: ['active'] } });
      expect(echoed).toEqual([]);
      stopSecond();
      stopFirst();
    });

    test('a long list of accounts arrives whole (PostgreSQL splits it over several notices)', async () => {
      if (first.delivery === 'poll') return; // poll drivers rely on the change feed instead
      const tokens = Array.from({ length: 400 }, (_, index) => `long-token-${index}-`.padEnd(120, 'x'));
      const received = new Set<string>();
      const stop = second.subscribe((message) => {
        if (message.event.kind === 'accounts') for (const token of message.event.tokens) received.add(token);
      });
      await first.publish({ kind: 'accounts', tokens });
      expect(await eventually(async () => received.size === tokens.length, 2_000)).toBe(true);
      stop();
    });
  });
}
