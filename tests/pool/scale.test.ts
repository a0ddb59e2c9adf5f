import { expect, test } from 'bun:test';
import type { Lease } from '../../src/pool/account-pool';
import type { NewAccount } from '../../src/storage/types';
import { BASIC_MODEL, makePool, seeded } from './fixtures';

const ACCOUNTS = 100_000;

/** Quotas 1..80 spread evenly, plus one account above them all. */
function manyAccounts(): NewAccount[] {
  const accounts: NewAccount[] = Array.from({ length: ACCOUNTS - 1 }, (_, index) => ({
    token: `account-${index}`,
    pool: 'ssoBasic',
    quota: (index % 80) + 1,
  }));
  accounts.push({ token: 'top', pool: 'ssoBasic', quota: 100 });
  return accounts;
}

test('with 100k accounts every pick is the best one by quota, then in-flight', async () => {
  const random = seeded(7);
  const { pool } = await makePool(manyAccounts(), { random, config: { token: { max_inflight_per_account: 2 } } });

  expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('top');
  expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('top');
  // top is at its cap now: the next picks come from the 1,250 accounts with quota 80, all different.
  const next = Array.from({ length: 1_000 }, () => pool.acquire({ model: BASIC_MODEL })!.token);
  expect(new Set(next).size).toBe(1_000);
  const quotaOf = new Map(pool.accounts().map((account) => [account.token, account.quota]));
  expect(next.every((token) => quotaOf.get(token) === 80)).toBe(true);
}, 60_000); // 100k accounts: a correctness test, given room on a loaded 2-core machine

test('with 100k accounts picks stay optimal through charges, releases and exclusions', async () => {
  const random = seeded(11);
  const { pool } = await makePool(manyAccounts(), { random, config: { token: { max_inflight_per_account: 3 } } });
  const leases: Lease[] = [];

  for (let step = 0; step < 150; step += 1) {
    const action = random();
    if (action < 0.3 && leases.length > 0) {
      const [lease] = leases.splice(Math.floor(random() * leases.length), 1);
      await pool.reportSuccess(lease!, 1 + Math.floor(random() * 4));
      continue;
    }
    if (action < 0.4 && leases.length > 0) {
      leases.splice(Math.floor(random() * leases.length), 1)[0]!.release();
      continue;
    }
    const exclude = new Set(leases.slice(0, 3).map((lease) => lease.token));
    // Brute force over every account: the best (quota, in-flight) a correct pick can have.
    let bestQuota = -1;
    let bestInFlight = Infinity;
    const snapshot = pool.accounts({ status: 'active' });
    for (const account of snapshot) {
      const inFlight = pool.inFlight(account.token);
      if (account.quota <= 0 || inFlight >= 3 || exclude.has(account.token)) continue;
      if (account.quota > bestQuota || (account.quota === bestQuota && inFlight < bestInFlight)) {
        bestQuota = account.quota;
        bestInFlight = inFlight;
      }
    }
    const lease = pool.acquire({ model: BASIC_MODEL, exclude })!;
    const picked = snapshot.find((account) => account.token === lease.token)!;
    expect(exclude.has(lease.token)).toBe(false);
    expect(picked.quota).toBe(bestQuota);
    expect(pool.inFlight(lease.token) - 1).toBe(bestInFlight);
    leases.push(lease);
  }
}, 60_000); // 100k accounts: a correctness test, given room on a loaded 2-core machine
