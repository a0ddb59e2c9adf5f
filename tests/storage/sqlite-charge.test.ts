import { Database } from 'bun:sqlite';
import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withSuccess } from '../../src/storage/account-rules';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import type { Account, SuccessChange } from '../../src/storage/types';

// SQLite charges most successes with one UPDATE statement and the rest through withSuccess in a
// transaction: whichever way a row goes, the stored result must be exactly what withSuccess gives.

const root = mkdtempSync(join(tmpdir(), 'grok2api-sqlite-charge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const window = (remaining: number, limited = false) => ({
  remaining,
  total: 50,
  windowSeconds: 7200,
  limitedReason: limited ? 'rate_limited' : null,
  limitedUntil: limited ? 500 : null,
  syncedAt: 100,
});

const cases: { name: string; row: Record<string, string | number | null>; change: SuccessChange }[] = [
  { name: 'active, no windows, no mode', row: { status: 'active', quota: 10 }, change: { units: 1, at: 1_000 } },
  {
    name: 'active, no windows, mode fast',
    row: { status: 'active', quota: 10 },
    change: { units: 2, at: 1_000, mode: 'fast' },
  },
  {
    name: 'active, window for another mode',
    row: { status: 'active', quota: 10, modes: JSON.stringify({ expert: window(3) }) },
    change: { units: 1, at: 1_000, mode: 'fast' },
  },
  {
    name: 'active, window for the charged mode',
    row: { status: 'active', quota: 10, modes: JSON.stringify({ fast: window(3) }) },
    change: { units: 1, at: 1_000, mode: 'fast' },
  },
  {
    name: 'active, window emptied by the charge',
    row: { status: 'active', quota: 10, modes: JSON.stringify({ fast: window(1) }) },
    change: { units: 1, at: 1_000, mode: 'fast' },
  },
  { name: 'active, quota emptied by the charge', row: { status: 'active', quota: 1 }, change: { units: 1, at: 1_000 } },
  { name: 'active, quota below the charge', row: { status: 'active', quota: 1 }, change: { units: 4, at: 1_000 } },
  { name: 'active, negative units', row: { status: 'active', quota: 5 }, change: { units: -3, at: 1_000 } },
  {
    name: 'cooling, cooldown over',
    row: { status: 'cooling', status_reason: 'rate_limited', quota: 5, cooldown_until: 900 },
    change: { units: 1, at: 1_000 },
  },
  {
    name: 'cooling, cooldown not over',
    row: { status: 'cooling', status_reason: 'rate_limited', quota: 5, cooldown_until: 2_000 },
    change: { units: 1, at: 1_000 },
  },
  {
    name: 'cooling with a limited mode',
    row: { status: 'cooling', quota: 5, cooldown_until: 900, modes: JSON.stringify({ heavy: window(0, true) }) },
    change: { units: 1, at: 1_000 },
  },
  { name: 'disabled', row: { status: 'disabled', quota: 1 }, change: { units: 1, at: 1_000 } },
  { name: 'expired', row: { status: 'expired', quota: 5 }, change: { units: 1, at: 1_000 } },
  {
    name: 'unreadable modes JSON',
    row: { status: 'active', quota: 5, modes: '{not json' },
    change: { units: 1, at: 1_000, mode: 'fast' },
  },
  {
    name: 'a mode name that is not a plain key',
    row: { status: 'active', quota: 5 },
    change: { units: 1, at: 1_000, mode: 'a.b"c' },
  },
  {
    name: 'failures reset',
    row: { status: 'active', quota: 5, fail_count: 2, last_fail_reason: 'x', last_fail_at: 10 },
    change: { units: 1, at: 1_000 },
  },
];

test.each(cases)('recordSuccess equals withSuccess: $name', async ({ row, change }) => {
  const path = join(root, `${crypto.randomUUID()}.db`);
  let now = 5_000;
  const storage = openSqliteStorage({ path, clock: () => now });
  try {
    await storage.accounts.insert([{ token: 'charged', pool: 'ssoBasic' }]);
    const raw = new Database(path);
    const columns = Object.keys(row);
    raw
      .query(
        `UPDATE accounts SET ${columns.map((column) => `${column} = $${column}`).join(', ')} WHERE token = 'charged'`,
      )
      .run(Object.fromEntries(columns.map((column) => [`$${column}`, row[column]!])));
    raw.close();
    const before = (await storage.accounts.get('charged'))!;
    now = 6_000;
    const expected: Account = { ...withSuccess(before, change), updatedAt: 6_000, version: before.version + 1 };
    const returned = await storage.accounts.recordSuccess('charged', change);
    expect(returned).toEqual(expected);
    expect(await storage.accounts.get('charged')).toEqual(expected);
  } finally {
    await storage.close();
  }
});

test('recordSuccess on a token that does not exist returns null and writes nothing', async () => {
  const storage = openSqliteStorage({ path: join(root, 'missing.db') });
  try {
    expect(await storage.accounts.recordSuccess('nobody', { units: 1, at: 1 })).toBeNull();
    expect(await storage.accounts.count()).toBe(0);
  } finally {
    await storage.close();
  }
});
