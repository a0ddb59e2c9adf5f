import { describe, expect, test } from 'bun:test';
import { buildConfig } from '../../src/config/validate';
import { QuotaScheduler, accountsDueForSync } from '../../src/pool/quota-scheduler';
import type { Account } from '../../src/storage/types';
import { makePool } from './fixtures';

const HOUR = 3_600_000;
const now = 1_700_000_000_000;

function account(token: string, fields: Partial<Account>): Account {
  return {
    token,
    pool: 'ssoBasic',
    status: 'cooling',
    statusReason: null,
    statusChangedAt: 0,
    quota: 0,
    quotaTotal: null,
    windowSeconds: null,
    consumed: 0,
    useCount: 0,
    failCount: 0,
    lastFailAt: null,
    lastFailReason: null,
    lastUsedAt: null,
    lastSyncAt: null,
    cooldownUntil: null,
    createdAt: 0,
    tags: [],
    note: '',
    updatedAt: 0,
    version: 1,
    modes: {},
    ...fields,
  };
}

describe('accountsDueForSync', () => {
  const token = buildConfig().token; // Basic every 8 h, Super every 2 h

  test('only cooling accounts past their pool interval, never-synced first, then oldest first', () => {
    const due = accountsDueForSync(
      [
        account('active', { status: 'active', lastSyncAt: null }),
        account('basic-recent', { lastSyncAt: now - 7 * HOUR }),
        account('basic-old', { lastSyncAt: now - 9 * HOUR }),
        account('super-3h', { pool: 'ssoSuper', lastSyncAt: now - 3 * HOUR }),
        account('never', { lastSyncAt: null }),
        account('disabled', { status: 'disabled', lastSyncAt: null }),
      ],
      token,
      now,
    );
    expect(due.map((entry) => entry.token)).toEqual(['never', 'basic-old', 'super-3h']);
  });

  test('a failed attempt waits a full interval like a sync', () => {
    const due = accountsDueForSync(
      [account('tried', { lastSyncAt: null })],
      token,
      now,
      new Map([['tried', now - HOUR]]),
    );
    expect(due).toEqual([]);
  });
});

describe('QuotaScheduler', () => {
  test('syncs the due cooling accounts with at most usage.concurrent in flight, reading config each run', async () => {
    let running = 0;
    let mostRunning = 0;
    const fixture = await makePool(
      [
        ...Array.from({ length: 6 }, (_, index) => ({
          token: `cool-${index}`,
          pool: 'ssoBasic',
          status: 'cooling' as const,
          quota: 0,
        })),
        { token: 'active', pool: 'ssoBasic' },
      ],
      {
        // Unpaced, so the concurrency limit is what bounds the calls in flight.
        config: { usage: { concurrent: 2 }, token: { refresh_calls_per_sec: 0 } },
        syncQuota: async () => {
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
          return { remaining: 80, total: 80, windowSeconds: 72_000 };
        },
      },
    );
    let config = buildConfig({ usage: { concurrent: 2 }, token: { auto_refresh: false } });
    const scheduler = new QuotaScheduler({ pool: fixture.pool, config: () => config, clock: () => fixture.clock.now });

    expect(await scheduler.runOnce()).toEqual({ synced: 0, failed: 0 });
    expect(fixture.syncCalls).toEqual([]);

    config = buildConfig({ usage: { concurrent: 2 } });
    expect(await scheduler.runOnce()).toEqual({ synced: 6, failed: 0 });
    expect(fixture.syncCalls.sort()).toEqual(Array.from({ length: 6 }, (_, index) => `cool-${index}`));
    expect(mostRunning).toBe(2);
    expect(fixture.pool.stats().ssoBasic!.active).toBe(7);
    expect(await scheduler.runOnce()).toEqual({ synced: 0, failed: 0 }); // nothing cooling any more
  });

  test('failures are counted and do not stop the others', async () => {
    const fixture = await makePool(
      [
        { token: 'bad', pool: 'ssoBasic', status: 'cooling' },
        { token: 'good', pool: 'ssoBasic', status: 'cooling' },
      ],
      {
        syncQuota: async (token) => {
          if (token === 'bad') throw new Error('network down');
          return { remaining: 5, total: 80, windowSeconds: 72_000 };
        },
      },
    );
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      info: () => {},
      warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }),
    };
    const scheduler = new QuotaScheduler({
      pool: fixture.pool,
      config: () => buildConfig(),
      clock: () => fixture.clock.now,
      logger,
    });
    expect(await scheduler.runOnce()).toEqual({ synced: 1, failed: 1 });
    expect(warnings).toEqual([
      { message: 'quota sync failed', fields: { token: 'bad', error: new Error('network down') } },
    ]);
    expect(await scheduler.runOnce()).toEqual({ synced: 0, failed: 0 }); // the failed one waits its interval
    fixture.clock.now += 8 * HOUR;
    expect(await scheduler.runOnce()).toEqual({ synced: 0, failed: 1 });
  });

  test('start runs passes on its timer until stop', async () => {
    let passes = 0;
    const pool = {
      accounts: () => {
        passes += 1;
        return [];
      },
    } as never;
    const scheduler = new QuotaScheduler({ pool, config: () => buildConfig(), tickMs: 5 });
    scheduler.start();
    scheduler.start(); // a second start does not add a second timer
    await new Promise((resolve) => setTimeout(resolve, 40));
    scheduler.stop();
    const afterStop = passes;
    expect(afterStop).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(passes).toBe(afterStop);
  });
});
