/**
 * Account selection cost at 1k / 10k / 100k accounts and the memory an instance spends per 100k
 * accounts, measured in the same run so the ratios mean something on any machine.
 *
 *   npm run bench:pool
 *   BENCH_PICKS=500000 npm run bench:pool
 *
 * Each size loads a pool from an in-memory SQLite store (the real load path), then runs
 * acquire+release pairs: a pick changes the picked account's in-flight count, so each pair
 * moves it between priority groups twice, as in production. A second loop keeps 64 leases held
 * (in-flight counts vary, so more groups exist) and asks for a tag on every fourth pick.
 *
 * Half the accounts carry quota windows per upstream mode (some with the expert mode limited), and
 * the picks rotate over models of three modes (auto, fast, expert), so each pick reads the ordering
 * of its own mode, as in production.
 */
import { findModel } from '../src/catalog/models';
import { buildConfig } from '../src/config/validate';
import { AccountPool } from '../src/pool/account-pool';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import type { NewAccount } from '../src/storage/types';

const PICKS = Number(process.env.BENCH_PICKS || 200_000);
const SIZES = [1_000, 10_000, 100_000];
const models = [findModel('grok-4')!, findModel('grok-4.1-fast')!, findModel('grok-4.1-expert')!];
const modelFor = (index: number) => models[index % models.length]!;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function accounts(count: number): NewAccount[] {
  const random = seeded(count);
  return Array.from({ length: count }, (_, index) => ({
    token: `eyJhbGciOiJIUzI1NiJ9.bench-account-${index.toString().padStart(7, '0')}-${Math.floor(random() * 1e12).toString(36)}`,
    pool: index % 5 === 0 ? 'ssoSuper' : 'ssoBasic',
    quota: 1 + Math.floor(random() * 80),
    tags: index % 10 === 0 ? ['nsfw'] : [],
    modes: index % 2 === 0 ? windows(random, index % 6 === 0) : undefined,
  }));
}

function windows(random: () => number, expertLimited: boolean): NonNullable<NewAccount['modes']> {
  const window = (total: number, limited = false) => ({
    remaining: limited ? 0 : 1 + Math.floor(random() * total),
    total,
    windowSeconds: 7_200,
    syncedAt: null,
    limitedReason: limited ? 'quota_exhausted' : null,
    limitedUntil: null,
  });
  return { fast: window(140), auto: window(50), expert: window(50, expertLimited) };
}

async function loadedPool(count: number) {
  const storage = openSqliteStorage({ path: ':memory:' });
  const input = accounts(count);
  for (let start = 0; start < input.length; start += 5_000)
    await storage.accounts.insert(input.slice(start, start + 5_000));
  const config = buildConfig({ token: { max_inflight_per_account: 4 } });
  const pool = new AccountPool({
    storage,
    config: () => config,
    syncQuota: async () => ({ remaining: 80, total: 80, windowSeconds: 72_000 }),
    random: seeded(42),
    coordinator: null,
  });
  await pool.load();
  return { pool, storage };
}

function heapUsed(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
}

const nsPerOperation = (startedAt: number, operations: number) => ((performance.now() - startedAt) * 1e6) / operations;

const rows: { size: number; acquireRelease: number; heldAndTags: number }[] = [];
for (const size of SIZES) {
  const { pool, storage } = await loadedPool(size);
  // Warm-up, so the first size does not pay for JIT compilation.
  for (let index = 0; index < 20_000; index++) pool.acquire({ model: modelFor(index) })?.release();

  let startedAt = performance.now();
  for (let index = 0; index < PICKS; index++) pool.acquire({ model: modelFor(index) })!.release();
  const acquireRelease = nsPerOperation(startedAt, PICKS);

  // Hold a few leases at a time so in-flight counts vary, and tag-preferring picks too.
  const held: { release(): void }[] = [];
  startedAt = performance.now();
  for (let index = 0; index < PICKS; index++) {
    const lease = pool.acquire({ model: modelFor(index), preferTags: index % 4 === 0 ? ['nsfw'] : undefined });
    if (lease) held.push(lease);
    if (held.length > 64) held.shift()!.release();
  }
  const heldAndTags = nsPerOperation(startedAt, PICKS);
  for (const lease of held) lease.release();
  rows.push({ size, acquireRelease, heldAndTags });
  await storage.close();
}

// Memory: the pool's in-memory index for 100k accounts, over the heap without it.
const before = heapUsed();
const { pool: big, storage: bigStorage } = await loadedPool(100_000);
await bigStorage.close(); // the store's own memory is not the pool's
const after = heapUsed();
const perAccount = (after - before) / 100_000;
if (big.accounts().length !== 100_000) throw new Error('pool did not load every account');

console.log(`account selection (${PICKS.toLocaleString()} picks per size, Bun ${Bun.version})`);
console.log('accounts   acquire+release   acquire with 64 held, 1/4 tag-preferring');
for (const row of rows) {
  console.log(
    `${row.size.toLocaleString().padStart(8)}   ${row.acquireRelease.toFixed(0).padStart(10)} ns/op   ${row.heldAndTags.toFixed(0).padStart(10)} ns/op`,
  );
}
const base = rows[0]!;
const top = rows.at(-1)!;
console.log(
  `100k / 1k cost ratio: ${(top.acquireRelease / base.acquireRelease).toFixed(2)}x (acquire+release), ${(top.heldAndTags / base.heldAndTags).toFixed(2)}x (held + tags)`,
);
console.log(
  `memory: ${(perAccount).toFixed(0)} bytes per account in the pool index = ${((perAccount * 100_000) / 1024 / 1024).toFixed(1)} MiB per 100k accounts (JS heap)`,
);
