/**
 * The per-request account charge (`recordSuccess`) in the SQLite driver, alone: a file database in
 * WAL mode as the gateway opens it, 8 accounts, CHARGE_COUNT charges (default 20,000) round-robin.
 * Prints µs per charge. No network.
 *
 *   ./node_modules/.bin/bun bench/charge.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';

const COUNT = Number(process.env.CHARGE_COUNT || 20_000);
const root = mkdtempSync(join(tmpdir(), 'grok2api-charge-'));
const storage = openSqliteStorage({ path: join(root, 'grok2api.db') });
try {
  const tokens = Array.from({ length: 8 }, (_, index) => `charge-${index}`);
  await storage.accounts.insert(tokens.map((token) => ({ token, pool: 'ssoBasic', quota: 1_000_000_000 })));
  for (let index = 0; index < 2_000; index++)
    await storage.accounts.recordSuccess(tokens[index % 8]!, { units: 1, at: Date.now(), mode: 'fast' });
  const start = performance.now();
  for (let index = 0; index < COUNT; index++)
    await storage.accounts.recordSuccess(tokens[index % 8]!, { units: 1, at: Date.now(), mode: 'fast' });
  const microseconds = ((performance.now() - start) * 1000) / COUNT;
  console.log(`recordSuccess (SQLite file, WAL): ${microseconds.toFixed(1)} µs per charge over ${COUNT} charges`);
} finally {
  await storage.close();
  rmSync(root, { recursive: true, force: true });
}
