import { expect, test } from 'bun:test';
import { PoolIndex } from '../../src/pool/pool-index';
import { newAccountRecord } from '../../src/storage/account-rules';
import type { Account, AccountCounts, AccountStatus } from '../../src/storage/types';
import { seeded } from './fixtures';

const STATUSES: AccountStatus[] = ['active', 'cooling', 'expired', 'disabled'];
const POOLS = ['ssoBasic', 'ssoSuper', 'team'];

/** The counts by a pass over every row: what the running tallies must always equal. */
function recount(accounts: Iterable<Account>, filter: { pool?: string; nsfw?: boolean }): AccountCounts {
  const counts: AccountCounts = { all: 0, active: 0, cooling: 0, expired: 0, disabled: 0, nsfw: 0 };
  for (const account of accounts) {
    const nsfw = account.tags.includes('nsfw');
    if (filter.pool !== undefined && account.pool !== filter.pool) continue;
    if (filter.nsfw !== undefined && nsfw !== filter.nsfw) continue;
    counts.all += 1;
    counts[account.status] += 1;
    if (nsfw) counts.nsfw += 1;
  }
  return counts;
}

test('the running counts equal a recount through adds, replacements (status, pool, tags) and removals', () => {
  const random = seeded(5);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const index = new PoolIndex(() => 0);
  const row = (token: string) =>
    newAccountRecord(
      {
        token,
        pool: pick(POOLS),
        status: pick(STATUSES),
        tags: random() < 0.3 ? ['nsfw'] : random() < 0.2 ? ['x'] : [],
      },
      0,
    );
  index.replaceAll(Array.from({ length: 200 }, (_, position) => row(`t-${position}`)));
  const filters = [{}, { pool: 'ssoSuper' }, { nsfw: true }, { nsfw: false, pool: 'team' }, { pool: 'none' }];
  for (let step = 0; step < 2_000; step++) {
    const token = `t-${Math.floor(random() * 260)}`;
    if (random() < 0.15) index.remove(token);
    else index.put(row(token));
    if (step % 97 === 0)
      for (const filter of filters) expect(index.counts(filter)).toEqual(recount(index.all(), filter));
  }
  for (const filter of filters) expect(index.counts(filter)).toEqual(recount(index.all(), filter));
  expect(index.counts({}).all).toBe(index.size);
  // A full reload starts the tallies again rather than adding to them.
  index.replaceAll([row('only')]);
  expect(index.counts({}).all).toBe(1);
});
