/**
 * Issue 19's "Done when", per store, in one run: a gateway on each store (SQLite, PostgreSQL,
 * MySQL/MariaDB, Redis) with BENCH_ACCOUNTS accounts (60-character tokens) imported in ONE call
 * through the raw-file import, then:
 *  - import: wall time and peak extra RSS of the process during the call;
 *  - console: median and worst of the first page, a status filter, a token search and a deep sort;
 *  - quota: upstream rate-limits calls per Basic account for a refresh of BENCH_QUOTA_ACCOUNTS;
 *  - idle RSS after the import (after a full GC).
 * The gateway runs in this process (with the simulator), so RSS is the whole process's.
 *
 *   bun bench/scale.ts
 *   BENCH_ACCOUNTS=20000 BENCH_STORES=pgsql,redis BENCH_RUNS=15 bun bench/scale.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/server';
import { startSimulator } from '../src/simulator/server';
import { createMysqlDatabase, createPostgresDatabase, REDIS_URL, redisPrefix } from '../tests/storage/server-databases';

const COUNT = Number(process.env.BENCH_ACCOUNTS || 100_000);
const RUNS = Number(process.env.BENCH_RUNS || 15);
const QUOTA_ACCOUNTS = Number(process.env.BENCH_QUOTA_ACCOUNTS || 200);
const STORES = (process.env.BENCH_STORES || 'sqlite,pgsql,mysql,redis').split(',');
const APP_KEY = 'bench-scale-admin-key';
const MEGABYTE = 1024 * 1024;

/** 60 characters, unique, and findable by a search on its middle. */
const tokenOf = (index: number) => `eyJhbGciOiJIUzI1NiJ9.scale-${index.toString().padStart(7, '0')}-`.padEnd(60, 'x');

interface Store {
  url: string;
  drop(): Promise<void>;
}

async function freshStore(type: string, dataDir: string): Promise<Store> {
  if (type === 'pgsql') return createPostgresDatabase('scale');
  if (type === 'mysql') return createMysqlDatabase('scale');
  if (type === 'redis') {
    const prefix = redisPrefix('scale');
    return { url: `${REDIS_URL}?prefix=${prefix.prefix}`, drop: () => prefix.drop() };
  }
  return { url: join(dataDir, 'scale.db'), drop: async () => {} };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rssMb = () => process.memoryUsage().rss / MEGABYTE;

async function admin(server: RunningServer, path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${APP_KEY}`, ...(init.headers as Record<string, string>) },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body as Record<string, unknown>;
}

async function runStore(type: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-bench-scale-'));
  const store = await freshStore(type, dataDir);
  const quotaTokens = Array.from({ length: QUOTA_ACCOUNTS }, (_, index) => tokenOf(index));
  const simulator = await startSimulator({ accounts: quotaTokens.map((token) => ({ token, tier: 'basic' as const })) });
  const server = await startServer({
    env: {
      DATA_DIR: dataDir,
      LOG_FILE_ENABLED: 'false',
      SERVER_STORAGE_TYPE: type,
      SERVER_STORAGE_URL: store.url,
      GROK2API_APP_APP_KEY: APP_KEY,
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      GROK2API_TOKEN_REFRESH_CALLS_PER_SEC: '0',
      GROK_BASE_URL: simulator.url,
      GROK_ASSETS_URL: simulator.url,
      GROK_ACCOUNTS_URL: simulator.url,
    },
    port: 0,
    hostname: '127.0.0.1',
    logger: silentLogger,
  });
  try {
    Bun.gc(true);
    const before = rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 25);
    const file = new Blob(Array.from({ length: COUNT }, (_, index) => `${tokenOf(index)}\n`));
    const started = performance.now();
    const summary = await admin(server, '/v1/admin/tokens/import/file', {
      method: 'POST',
      body: file.stream(),
      headers: { 'content-type': 'text/plain' },
    });
    const importSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(
      `${type}: import of ${COUNT} tokens in one call: ${importSeconds.toFixed(1)} s, added ${summary.added}, ` +
        `peak RSS +${(peak - before).toFixed(0)} MB (process ${before.toFixed(0)} → ${peak.toFixed(0)} MB)`,
    );

    const middle = tokenOf(Math.floor(COUNT / 2)).slice(21, 34);
    const cases: [string, string][] = [
      ['first page', '/v1/admin/console/accounts?limit=50'],
      ['status filter', '/v1/admin/console/accounts?status=active&limit=50'],
      ['token search', `/v1/admin/console/accounts?search=${middle}&limit=50`],
      ['deep sort', `/v1/admin/console/accounts?sort=quota&order=asc&offset=${Math.floor(COUNT * 0.9)}&limit=50`],
    ];
    for (const [name, path] of cases) {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const begun = performance.now();
        await admin(server, path);
        times.push(performance.now() - begun);
      }
      console.log(
        `${type}: console ${name.padEnd(13)} median ${median(times).toFixed(1)} ms, worst ${Math.max(...times).toFixed(1)} ms`,
      );
    }

    simulator.requests.length = 0;
    await admin(server, '/v1/admin/tokens/refresh', {
      method: 'POST',
      body: JSON.stringify({ tokens: quotaTokens }),
      headers: { 'content-type': 'application/json' },
    });
    const calls = simulator.requests.filter((request) => request.path === '/rest/rate-limits').length;
    console.log(
      `${type}: quota refresh of ${QUOTA_ACCOUNTS} Basic accounts: ${calls} rate-limits calls, ${(calls / QUOTA_ACCOUNTS).toFixed(2)} per account`,
    );

    await Bun.sleep(2_000);
    Bun.gc(true);
    console.log(
      `${type}: idle RSS with ${COUNT} accounts (gateway + simulator + bench in one process): ${rssMb().toFixed(0)} MB`,
    );
  } finally {
    await server.stop(1_000);
    await simulator.stop();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`bench/scale.ts: ${COUNT} accounts per store, ${RUNS} runs per console query`);
for (const type of STORES) await runStore(type);
