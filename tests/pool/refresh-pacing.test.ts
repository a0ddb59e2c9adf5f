import { expect, test } from 'bun:test';
import { buildConfig } from '../../src/config/validate';
import { AccountPool } from '../../src/pool/account-pool';
import { runBounded } from '../../src/pool/run-bounded';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';

/** token.refresh_calls_per_sec spreads quota calls over time; the clock and the wait are virtual. */
test('quota calls are spaced by token.refresh_calls_per_sec, however many syncs run at once', async () => {
  const clock = { now: 1_700_000_000_000 };
  const store = openSqliteStorage({ path: ':memory:', clock: () => clock.now });
  await store.accounts.insert(
    Array.from({ length: 10 }, (_, index) => ({ token: `basic-${index}`, pool: 'ssoBasic' })),
  );
  const config = buildConfig({ token: { refresh_calls_per_sec: 4 } });
  const startedAt: number[] = [];
  // Virtual timers: the earliest one fires once everything else has run, moving the clock to it.
  const timers: { at: number; resolve: () => void }[] = [];
  const pool = new AccountPool({
    storage: store,
    config: () => config,
    quotaModes: ['fast', 'auto', 'expert', 'heavy'],
    coordinator: null,
    clock: () => clock.now,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: clock.now + ms, resolve })),
    syncQuota: async (_token, mode) => {
      startedAt.push(clock.now);
      return { remaining: 20, total: mode === 'fast' ? 30 : 20, windowSeconds: 86_400 };
    },
  });
  await pool.load();
  const began = clock.now;
  let finished = false;
  const passes = runBounded([...Array(10).keys()], 10, (index) => pool.sync(`basic-${index}`)).finally(
    () => (finished = true),
  );
  while (!finished) {
    await new Promise((resolve) => setImmediate(resolve));
    timers.sort((a, b) => a.at - b.at);
    const next = timers.shift();
    if (next) {
      clock.now = Math.max(clock.now, next.at);
      next.resolve();
    }
  }
  const outcomes = await passes;
  expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
  // Ten Basic accounts: two calls each, at most four per second.
  expect(startedAt.length).toBe(20);
  const sorted = [...startedAt].sort((a, b) => a - b);
  for (let index = 1; index < sorted.length; index++)
    expect(sorted[index]! - sorted[index - 1]!).toBeGreaterThanOrEqual(250);
  expect(sorted.at(-1)! - began).toBe(19 * 250);
  await store.close();
});
