import { afterAll, beforeAll, expect, test } from 'bun:test';
import { tmpdir } from 'node:os';
import postgres from 'postgres';
import { openStorage, type Storage } from '../../src/storage';
import { DEFAULT_STORAGE_DEADLINES } from '../../src/storage/deadline-storage';
import { createPostgresDatabase } from './server-databases';

/**
 * The other half of the outage deadlines (tests/storage/outage.test.ts): a store that is alive but
 * busy is not an outage. A charge waiting on a row lock held longer than the outage bound still
 * succeeds once the lock is released, because the liveness check beside it keeps answering.
 */

let database: { url: string; drop(): Promise<void> };
let storage: Storage;
beforeAll(async () => {
  database = await createPostgresDatabase('busy');
  storage = await openStorage({ type: 'pgsql', url: database.url, dataDir: tmpdir() });
});
afterAll(async () => {
  await storage.close();
  await database.drop();
});

test('a call waiting on a row lock longer than the outage bound succeeds: the store is alive', async () => {
  await storage.accounts.insert([{ token: 'busy-account', pool: 'ssoBasic' }]);
  const outageBoundMs = DEFAULT_STORAGE_DEADLINES.probeAfterMs + DEFAULT_STORAGE_DEADLINES.probeMs;
  const other = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    const holding = other.begin(async (transaction) => {
      await transaction`SELECT token FROM accounts WHERE token = 'busy-account' FOR UPDATE`;
      locked();
      await Bun.sleep(outageBoundMs + 1_500);
    });
    await held;
    const started = performance.now();
    const charged = await storage.accounts.recordSuccess('busy-account', { units: 1, at: Date.now() });
    expect(performance.now() - started).toBeGreaterThan(outageBoundMs);
    expect(charged?.useCount).toBe(1);
    await holding;
  } finally {
    await other.end({ timeout: 1 });
  }
}, 20_000);
