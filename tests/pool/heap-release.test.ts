import { expect, test } from 'bun:test';
import { HeapRelease } from '../../src/pool/heap-release';

/** Waits (bounded) until the condition holds; the timers here are 10 ms, the bound is generous. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await Bun.sleep(5);
  }
}

test('one full collection after a bulk of replaced rows, once the pool is quiet, not during the bulk work', async () => {
  let now = 0;
  let collected = 0;
  const release = new HeapRelease({ collect: () => collected++, clock: () => now, quietMs: 10, bulkRows: 5 });
  try {
    release.rowsReplaced(3);
    await Bun.sleep(30);
    expect(collected).toBe(0); // below the bulk size: nothing scheduled

    release.rowsReplaced(3);
    await Bun.sleep(30);
    expect(collected).toBe(0); // the clock says rows changed just now: still waiting for quiet

    now = 8;
    release.rowsReplaced(1); // more bulk work pushes the quiet spell on
    now = 15;
    await Bun.sleep(30);
    expect(collected).toBe(0);

    now = 18;
    release.rowsReplaced(0); // a change-feed read that changed nothing: still quiet
    await until(() => collected === 1);
    release.rowsReplaced(1); // counting starts again after a collection
    await Bun.sleep(30);
    expect(collected).toBe(1);
  } finally {
    release.stop();
  }
});
