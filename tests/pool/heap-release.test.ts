import { expect, test } from 'bun:test';
import { HeapRelease } from '../../src/pool/heap-release';

/** Waits (bounded) until the condition holds; the timers here are 10–20 ms, the bound is generous. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await Bun.sleep(5);
  }
}

/** A release on a clock the test moves (`state.now`), counting its releases (`state.collected`). */
async function withRelease(
  options: { quietMs: number; bulkRows: number; busyRows: number },
  run: (release: HeapRelease, state: { now: number; collected: number }) => Promise<void>,
): Promise<void> {
  const state = { now: 0, collected: 0 };
  const release = new HeapRelease({ ...options, collect: () => state.collected++, clock: () => state.now });
  try {
    await run(release, state);
  } finally {
    release.stop();
  }
}

test('one release after a bulk of replaced rows, once the pool is quiet, not during the bulk work', () =>
  withRelease({ quietMs: 10, bulkRows: 5, busyRows: 2 }, async (release, state) => {
    release.rowsReplaced(3);
    await Bun.sleep(30);
    expect(state.collected).toBe(0); // below the bulk size: nothing scheduled

    release.rowsReplaced(3);
    await Bun.sleep(30);
    expect(state.collected).toBe(0); // the clock says rows changed just now: still waiting for quiet

    state.now = 8;
    release.rowsReplaced(1); // more bulk work pushes the quiet spell on
    state.now = 15;
    await Bun.sleep(30);
    expect(state.collected).toBe(0);

    state.now = 18;
    release.rowsReplaced(0); // a change-feed read that changed nothing: still quiet
    await until(() => state.collected === 1);
    release.rowsReplaced(1); // counting starts again after a release
    await Bun.sleep(30);
    expect(state.collected).toBe(1);
  }));

test('rows trickling in below the busy rate (light chat, a pass at the default pace) do not hold the release back', () =>
  withRelease({ quietMs: 20, bulkRows: 100, busyRows: 50 }, async (release, state) => {
    release.rowsReplaced(100); // bulk work: a batch at once
    state.now = 10;
    release.rowsReplaced(60);
    await Bun.sleep(60);
    expect(state.collected).toBe(0); // the clock says the bulk work ran just now
    // A second later, ten single rows within a second: light traffic, below the busy rate.
    for (state.now = 1_010; state.now < 1_020; state.now++) release.rowsReplaced(1);
    await until(() => state.collected === 1);
  }));
