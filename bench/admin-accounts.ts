/**
 * The admin console's accounts page API with 100,000 accounts in SQLite, over HTTP against a
 * running gateway (the same path the browser takes): first page, status filter, search, sort,
 * and one id lookup (row action). Prints median and worst of each.
 *
 *   npm run bench:admin
 *   BENCH_ACCOUNTS=200000 BENCH_RUNS=30 npm run bench:admin
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/logging/logger';
import { startServer } from '../src/server';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import type { AccountStatus, NewAccount } from '../src/storage/types';

const COUNT = Number(process.env.BENCH_ACCOUNTS || 100_000);
const RUNS = Number(process.env.BENCH_RUNS || 20);
const APP_KEY = 'bench-admin-key';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const statuses: AccountStatus[] = ['active', 'active', 'active', 'active', 'cooling', 'expired', 'disabled'];
const random = seeded(42);
const accounts: NewAccount[] = Array.from({ length: COUNT }, (_, index) => ({
  token: `eyJhbGciOiJIUzI1NiJ9.bench-account-${index.toString().padStart(7, '0')}-${Math.floor(random() * 1e12).toString(36)}`,
  pool: index % 5 === 0 ? 'ssoSuper' : 'ssoBasic',
  status: statuses[Math.floor(random() * statuses.length)],
  quota: Math.floor(random() * 80),
  useCount: Math.floor(random() * 1000),
  lastUsedAt: random() < 0.2 ? null : Date.now() - Math.floor(random() * 1e9),
  createdAt: Date.now() - Math.floor(random() * 1e10),
  tags: index % 10 === 0 ? ['nsfw'] : [],
  note: index % 1000 === 0 ? `batch-${index}` : '',
}));

const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-bench-admin-'));
const seedStart = performance.now();
const storage = openSqliteStorage({ path: join(dataDir, 'grok2api.db') });
for (let start = 0; start < accounts.length; start += 10_000)
  await storage.accounts.insert(accounts.slice(start, start + 10_000));
await storage.close();
console.log(`seeded ${COUNT} accounts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const server = await startServer({
  env: {
    DATA_DIR: dataDir,
    LOG_FILE_ENABLED: 'false',
    GROK2API_APP_APP_KEY: APP_KEY,
    GROK2API_TOKEN_AUTO_REFRESH: 'false',
    GROK_BASE_URL: 'http://127.0.0.1:9',
  },
  port: 0,
  hostname: '127.0.0.1',
  logger: silentLogger,
});

async function time(path: string): Promise<{ ms: number; body: any }> {
  const started = performance.now();
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${APP_KEY}` } });
  const body = await response.json();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

const cases: [string, string][] = [
  ['first page (50, newest first)', '/v1/admin/console/accounts?limit=50'],
  ['status=cooling filter', '/v1/admin/console/accounts?status=cooling&limit=50'],
  ['search "bench-account-00424"', '/v1/admin/console/accounts?search=bench-account-00424&limit=50'],
  ['search + status + nsfw', '/v1/admin/console/accounts?search=batch&status=active&nsfw=true&limit=50'],
  ['sort by last used, page 1000', '/v1/admin/console/accounts?sort=last_used&order=asc&offset=50000&limit=50'],
];

try {
  console.log(`${COUNT} accounts, ${RUNS} runs each (HTTP round trip, JSON parsed)`);
  for (const [name, path] of cases) {
    const times: number[] = [];
    let total = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const { ms, body } = await time(path);
      times.push(ms);
      total = body.total;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(34)} median ${times[Math.floor(times.length / 2)]!.toFixed(1).padStart(6)} ms   worst ${times.at(-1)!.toFixed(1).padStart(6)} ms   (${total} matching)`,
    );
  }
  const { body } = await time('/v1/admin/console/accounts?limit=1');
  const lookups: number[] = [];
  for (let run = 0; run < 5; run += 1)
    lookups.push((await time(`/v1/admin/console/accounts/${body.accounts[0].id}/token`)).ms);
  console.log(
    `${'row action id lookup (reveal)'.padEnd(34)} first ${lookups[0]!.toFixed(1)} ms, then median ${lookups.sort((a, b) => a - b)[2]!.toFixed(1)} ms`,
  );
} finally {
  await server.stop(1_000);
  rmSync(dataDir, { recursive: true, force: true });
}
