import { findModel, type CatalogModel } from '../../src/catalog/models';
import type { DeepPartial } from '../../src/config/objects';
import type { Config } from '../../src/config/schema';
import { buildConfig } from '../../src/config/validate';
import { AccountPool, type QuotaSnapshot } from '../../src/pool/account-pool';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import type { NewAccount, Storage } from '../../src/storage/types';

export const BASIC_MODEL: CatalogModel = findModel('grok-4')!;
export const SUPER_MODEL: CatalogModel = findModel('grok-4-heavy')!;

/** A random source that returns the given values in turn, forever. */
export function sequence(...values: number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length]!;
}

/** A deterministic pseudo-random source (a linear congruential generator). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface PoolFixture {
  pool: AccountPool;
  storage: Storage;
  clock: { now: number };
  setConfig(values: DeepPartial<Config>): void;
  syncCalls: string[];
}

export async function makePool(
  accounts: NewAccount[],
  options: {
    config?: DeepPartial<Config>;
    random?: () => number;
    syncQuota?: (token: string) => Promise<QuotaSnapshot>;
  } = {},
): Promise<PoolFixture> {
  const clock = { now: 1_700_000_000_000 };
  const storage = openSqliteStorage({ path: ':memory:', clock: () => clock.now });
  await storage.accounts.insert(accounts);
  let config = buildConfig(options.config);
  const syncCalls: string[] = [];
  const pool = new AccountPool({
    storage,
    config: () => config,
    syncQuota: async (token) => {
      syncCalls.push(token);
      return options.syncQuota ? options.syncQuota(token) : { remaining: 80, total: 80, windowSeconds: 72_000 };
    },
    clock: () => clock.now,
    random: options.random ?? sequence(0),
  });
  await pool.load();
  return { pool, storage, clock, syncCalls, setConfig: (values) => (config = buildConfig(values)) };
}
