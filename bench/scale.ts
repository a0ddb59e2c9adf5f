/**
 * Issue 19's "Done when", per store (SQLite, PostgreSQL, MySQL/MariaDB, Redis), in one run. The
 * gateways are processes of their own (`bun src/index.ts`, one process each), so their RSS and CPU
 * are theirs alone; this process runs the simulator (any token is a Basic account) and the load.
 *
 *  - import: BENCH_ACCOUNTS 60-character tokens in ONE call of the raw-file import on instance A:
 *    wall time, A's CPU, A's peak extra RSS (sampled every 20 ms from /proc) during the call;
 *  - console: median and worst of the first page, a status filter, a token search and a deep sort;
 *  - browse: chat p50/p99 on A, quiet and while someone browses the console at 1 page/s on A;
 *  - cluster: instances B and C start (loading every account); chat on all three at once, quiet and
 *    while A imports 1 new token every second, and while A merges 1,000 stored tokens (once per
 *    window, as the window starts; a new note each time, so every row is rewritten);
 *  - quota: a console refresh job over every account (or BENCH_QUOTA_SEARCH's) on A, paced by
 *    BENCH_REFRESH_CALLS_PER_SEC (token.refresh_calls_per_sec; 1000 here, 50× the product's default,
 *    so a pass over 100k ends in minutes), chat on all three meanwhile: failed accounts, rate-limits
 *    calls per Basic account, and the median p99 of the chat windows during the pass against that of
 *    three quiet windows before and three after it;
 *  - memory: idle RSS of each instance 10 s and 30 s after the last request, and the pool index's
 *    bytes per account (measured in this process: the heap an index of every stored account takes).
 * Quiet and disturbed windows alternate BENCH_WINDOWS times and the medians are printed, because
 * the 2-core machine this runs on is shared and one window says little; the same alternation with
 * nothing beside the chat (the noise floor) is printed first, on A alone and on all three.
 *
 *   bun bench/scale.ts
 *   BENCH_STORES=pgsql,redis BENCH_SECTIONS=import,console,memory bun bench/scale.ts
 *   BENCH_STORES=pgsql BENCH_SECTIONS=cluster BENCH_CLUSTER=noise,merges BENCH_WINDOWS=25 bun bench/scale.ts
 *   BENCH_ACCOUNTS=20000 BENCH_QUOTA_SEARCH=scale-0000 bun bench/scale.ts   # quota pass over 1,000
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolIndex } from '../src/pool/pool-index';
import { startSimulator } from '../src/simulator/server';
import { openStorage } from '../src/storage';
import { createMysqlDatabase, createPostgresDatabase, REDIS_URL, redisPrefix } from '../tests/storage/server-databases';
import { startProcess } from './child-process';
import { processCpuMicros } from './process-cpu';

const COUNT = Number(process.env.BENCH_ACCOUNTS || 100_000);
const RUNS = Number(process.env.BENCH_RUNS || 15);
const WINDOWS = Number(process.env.BENCH_WINDOWS || 5);
/** Chat requests per instance per window, and concurrent clients per instance. */
const CHAT_REQUESTS = Number(process.env.BENCH_CHAT_REQUESTS || 400);
const CHAT_CONCURRENCY = Number(process.env.BENCH_CHAT_CONCURRENCY || 4);
/** The quota pass covers every account, or those whose token contains this (`scale-0000`: the first 1,000). */
const QUOTA_SEARCH = process.env.BENCH_QUOTA_SEARCH || '';
const REFRESH_CALLS_PER_SEC = process.env.BENCH_REFRESH_CALLS_PER_SEC || '1000';
const STORES = (process.env.BENCH_STORES || 'sqlite,pgsql,mysql,redis').split(',');
const SECTIONS = new Set((process.env.BENCH_SECTIONS || 'import,console,browse,cluster,quota,memory').split(','));
/** The parts of the cluster section to run (each takes 2 × BENCH_WINDOWS chat windows). */
const CLUSTER_PARTS = new Set((process.env.BENCH_CLUSTER || 'noise,imports,merges').split(','));
/** Bun flags for the gateway processes (e.g. `--cpu-prof-md --cpu-prof-dir=/tmp/profiles`). */
const GATEWAY_FLAGS = (process.env.BENCH_GATEWAY_FLAGS || '').split(' ').filter(Boolean);
const APP_KEY = 'bench-scale-admin-key';
const API_KEY = 'bench-scale-api-key';

/** 60 characters, unique, and findable by a search on its middle. */
const tokenOf = (index: number) => `eyJhbGciOiJIUzI1NiJ9.scale-${index.toString().padStart(7, '0')}-`.padEnd(60, 'x');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
/** How much `after` is above `before`, as a signed percentage. */
const rise = (before: number, after: number) => {
  const percent = (after / before - 1) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(0)} %`;
};

/** Resident memory of a process now, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) / 1024;
}

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

interface Gateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startGateway(type: string, store: Store, upstream: string, name: string): Promise<Gateway> {
  const dataDir = mkdtempSync(join(tmpdir(), `grok2api-bench-scale-${name}-`));
  const { child, url } = await startProcess(
    [process.execPath, ...GATEWAY_FLAGS, 'src/index.ts'],
    {
      DATA_DIR: dataDir,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
      LOG_FILE_ENABLED: 'false',
      LOG_LEVEL: 'info', // the ready line (its URL) is an info log
      SERVER_STORAGE_TYPE: type,
      SERVER_STORAGE_URL: store.url,
      GROK2API_APP_APP_KEY: APP_KEY,
      GROK2API_APP_API_KEY: API_KEY,
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      GROK2API_TOKEN_REFRESH_CALLS_PER_SEC: REFRESH_CALLS_PER_SEC,
      GROK2API_CHAT_CONCURRENT: '1000',
      GROK_BASE_URL: upstream,
      GROK_ASSETS_URL: upstream,
      GROK_ACCOUNTS_URL: upstream,
    },
    /"url":"(http:\/\/[^"]+)"/,
  );
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await child.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function admin(gateway: Gateway, path: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${APP_KEY}`, ...(init.headers as Record<string, string>) },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body as Record<string, unknown>;
}

const importFile = (gateway: Gateway, body: BodyInit, format = 'txt') =>
  admin(gateway, `/v1/admin/tokens/import/file?format=${format}`, { method: 'POST', body });

async function chatOnce(gateway: Gateway): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'Say hello.' }] }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`chat: ${response.status}`);
  return performance.now() - started;
}

/** CHAT_REQUESTS requests on each gateway at once (CHAT_CONCURRENCY clients each); latencies per gateway. */
async function chatWindow(gateways: Gateway[]): Promise<number[][]> {
  return Promise.all(
    gateways.map(async (gateway) => {
      const times: number[] = [];
      let sent = 0;
      await Promise.all(
        Array.from({ length: CHAT_CONCURRENCY }, async () => {
          while (sent < CHAT_REQUESTS) {
            sent++;
            times.push(await chatOnce(gateway));
          }
        }),
      );
      return times;
    }),
  );
}

/**
 * Alternates quiet windows with windows during which `disturb` runs (it is told when to stop), and
 * prints each gateway's median p50 and p99 of both.
 */
async function quietVersus(
  label: string,
  gateways: Gateway[],
  names: string[],
  disturb: (done: () => boolean) => Promise<number>,
) {
  const quiet: number[][][] = [];
  const loaded: number[][][] = [];
  let disturbances = 0;
  for (let window = 0; window < WINDOWS; window++) {
    quiet.push(await chatWindow(gateways));
    let finished = false;
    const running = disturb(() => finished);
    loaded.push(await chatWindow(gateways));
    finished = true;
    disturbances += await running;
  }
  gateways.forEach((_, index) => {
    const p = (windows: number[][][], q: number) => median(windows.map((window) => percentile(window[index]!, q)));
    console.log(
      `  ${names[index]}: chat p50 ${ms(p(quiet, 50))} → ${ms(p(loaded, 50))}, p99 ${ms(p(quiet, 99))} → ${ms(p(loaded, 99))} (${rise(p(quiet, 99), p(loaded, 99))})`,
    );
  });
  console.log(`  (${label}: ${disturbances} in ${WINDOWS} windows)`);
}

const everySecond = (work: (round: number) => Promise<unknown>) => async (done: () => boolean) => {
  let rounds = 0;
  while (!done()) {
    const started = performance.now();
    await work(rounds++);
    await Bun.sleep(Math.max(0, 1_000 - (performance.now() - started)));
  }
  return rounds;
};

/** Heap bytes per account of a pool index holding every stored account, measured in this process. */
async function indexBytesPerAccount(type: string, url: string): Promise<number> {
  const storage = await openStorage({ type, url, dataDir: tmpdir() });
  try {
    const heap = () => {
      Bun.gc(true);
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    const index = new PoolIndex(Date.now);
    for (const account of await storage.accounts.list()) index.put(account);
    return (heap() - before) / index.size;
  } finally {
    await storage.close();
  }
}

async function runStore(type: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-bench-scale-'));
  const store = await freshStore(type, dataDir);
  const simulator = await startSimulator({ acceptUnknownTokens: true });
  const gateways: Gateway[] = [];
  try {
    const a = await startGateway(type, store, simulator.url, 'a');
    gateways.push(a);

    // Import: one call, every account.
    const idleBefore = rssMb(a.pid);
    let peak = idleBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(a.pid))), 20);
    const cpuBefore = processCpuMicros(a.pid);
    const started = performance.now();
    const summary = await importFile(a, new Blob(Array.from({ length: COUNT }, (_, index) => `${tokenOf(index)}\n`)));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(
      `${type}: import of ${COUNT} tokens in one call: ${seconds.toFixed(1)} s (gateway CPU ${((processCpuMicros(a.pid) - cpuBefore) / 1e6).toFixed(1)} s), added ${summary.added}, ` +
        `peak RSS +${(peak - idleBefore).toFixed(0)} MB (gateway ${idleBefore.toFixed(0)} → ${peak.toFixed(0)} MB)`,
    );

    const middle = tokenOf(Math.floor(COUNT / 2)).slice(21, 34);
    const pages: [string, string][] = [
      ['first page', '/v1/admin/console/accounts?limit=50'],
      ['status filter', '/v1/admin/console/accounts?status=active&limit=50'],
      ['token search', `/v1/admin/console/accounts?search=${middle}&limit=50`],
      ['deep sort', `/v1/admin/console/accounts?sort=quota&order=asc&offset=${Math.floor(COUNT * 0.9)}&limit=50`],
    ];
    if (SECTIONS.has('console')) {
      for (const [name, path] of pages) {
        const times: number[] = [];
        const cpuBefore = processCpuMicros(a.pid);
        for (let run = 0; run < RUNS; run++) {
          const begun = performance.now();
          await admin(a, path);
          times.push(performance.now() - begun);
        }
        const cpu = (processCpuMicros(a.pid) - cpuBefore) / 1000 / RUNS;
        console.log(
          `${type}: console ${name.padEnd(13)} median ${ms(median(times))}, worst ${ms(Math.max(...times))}, gateway CPU ${ms(cpu)} per page`,
        );
      }
    }

    for (let warm = 0; warm < 50; warm++) await chatOnce(a);
    if (SECTIONS.has('browse')) {
      // The same alternation with nothing running beside the chat: how far the machine alone moves p99.
      console.log(`${type}: noise floor on A, quiet windows against quiet windows:`);
      await quietVersus('nothing', [a], ['A'], async () => 0);
      console.log(`${type}: browsing the console at 1 page/s on A (${CHAT_CONCURRENCY} chat clients on A):`);
      await quietVersus(
        'pages shown',
        [a],
        ['A'],
        everySecond((round) => admin(a, pages[round % pages.length]![1])),
      );
    }

    if (SECTIONS.has('cluster') || SECTIONS.has('quota') || SECTIONS.has('memory')) {
      gateways.push(await startGateway(type, store, simulator.url, 'b'));
      gateways.push(await startGateway(type, store, simulator.url, 'c'));
      for (const gateway of gateways.slice(1)) for (let warm = 0; warm < 50; warm++) await chatOnce(gateway);
    }
    const names = ['A', 'B', 'C'];

    if (SECTIONS.has('cluster') && CLUSTER_PARTS.has('noise')) {
      // The same alternation with nothing disturbing, on all three: how far the machine alone moves each p99.
      console.log(`${type}: noise floor on three instances, quiet windows against quiet windows:`);
      await quietVersus('nothing', gateways, names, async () => 0);
    }
    if (SECTIONS.has('cluster') && CLUSTER_PARTS.has('imports')) {
      console.log(
        `${type}: three instances, chat on each (${CHAT_CONCURRENCY} clients each); A imports 1 new token every second:`,
      );
      await quietVersus(
        'imports',
        gateways,
        names,
        everySecond((round) => importFile(a, `${tokenOf(COUNT + round + 1_000_000)}\n`)),
      );
    }
    if (SECTIONS.has('cluster') && CLUSTER_PARTS.has('merges')) {
      console.log(`${type}: three instances; A merges 1,000 stored tokens once per window (a new note each time):`);
      let merges = 0;
      await quietVersus('merges of 1,000', gateways, names, async () => {
        merges++;
        const lines = Array.from({ length: 1_000 }, (_, index) =>
          JSON.stringify({ token: tokenOf((merges * 1_000 + index) % COUNT), note: `merge ${merges}` }),
        );
        const merged = await importFile(a, `${lines.join('\n')}\n`, 'jsonl');
        if (merged.merged !== 1_000) throw new Error(`merge: ${JSON.stringify(merged)}`);
        return 1;
      });
    }

    if (SECTIONS.has('quota')) {
      // p99 per window, medians: quiet windows before and after the pass against the windows during
      // it (one window says little on a shared machine, and the load moves over minutes).
      const quietWindows: number[][][] = [];
      for (let window = 0; window < 3; window++) quietWindows.push(await chatWindow(gateways));
      const calls = new Map<string, number>();
      const count = () => {
        for (const request of simulator.requests)
          if (request.path === '/rest/rate-limits') {
            const token = request.cookies.sso ?? '';
            calls.set(token, (calls.get(token) ?? 0) + 1);
          }
        simulator.requests.length = 0;
      };
      count();
      calls.clear();
      const target = { filter: QUOTA_SEARCH ? { search: QUOTA_SEARCH } : {} };
      const job = await admin(a, '/v1/admin/console/jobs', {
        method: 'POST',
        body: JSON.stringify({ action: 'refresh', ...target }),
        headers: { 'content-type': 'application/json' },
      });
      const started = performance.now();
      const cpuBefore = gateways.map((gateway) => processCpuMicros(gateway.pid));
      const duringWindows: number[][][] = [];
      let state = job;
      const watcher = setInterval(count, 500);
      while (!['succeeded', 'failed', 'cancelled'].includes(String(state.status))) {
        duringWindows.push(await chatWindow(gateways));
        state = await admin(a, `/v1/admin/console/jobs/${job.id}`);
      }
      const cpuAfter = gateways.map((gateway) => processCpuMicros(gateway.pid));
      for (let window = 0; window < 3; window++) quietWindows.push(await chatWindow(gateways));
      const p99Of = (windows: number[][][], index: number) =>
        median(windows.map((window) => percentile(window[index]!, 99)));
      clearInterval(watcher);
      count();
      const seconds = (performance.now() - started) / 1000;
      const perAccount = [...calls.values()];
      console.log(
        `${type}: quota pass (refresh job) over ${state.total} accounts at ≤ ${REFRESH_CALLS_PER_SEC} calls/s: ${seconds.toFixed(0)} s, ` +
          `${state.status}, ${state.failed} failed, ${perAccount.reduce((sum, value) => sum + value, 0)} rate-limits calls, ` +
          `${(perAccount.reduce((sum, value) => sum + value, 0) / Math.max(1, perAccount.length)).toFixed(2)} per account (most ${Math.max(0, ...perAccount)})`,
      );
      if (Number(state.failed) > 0) console.log(`  first failures: ${JSON.stringify(state.errors)}`);
      gateways.forEach((gateway, index) =>
        console.log(
          `  ${names[index]}: chat p99 ${ms(p99Of(quietWindows, index))} quiet → ${ms(p99Of(duringWindows, index))} during the pass ` +
            `(${rise(p99Of(quietWindows, index), p99Of(duringWindows, index))}; medians of ${quietWindows.length} quiet and ${duringWindows.length} windows), gateway CPU ${((cpuAfter[index]! - cpuBefore[index]!) / 1e6).toFixed(1)} s`,
        ),
      );
    }

    if (SECTIONS.has('memory')) {
      // Idle: an instance releases its heap once its pool has been quiet for 5 s after bulk changes
      // (pool/heap-release.ts), and the pages go back to the system over the next seconds; printed
      // 10 s and 30 s after the last request.
      const idleRss = () =>
        gateways.map((gateway, index) => `${names[index]} ${rssMb(gateway.pid).toFixed(0)} MB`).join(', ');
      await Bun.sleep(10_000);
      const afterTen = idleRss();
      await Bun.sleep(20_000);
      console.log(
        `${type}: idle RSS with ${COUNT} accounts, 30 s after the last request: ${idleRss()} (10 s after: ${afterTen}; A imported them, B and C loaded them at start-up)`,
      );
      console.log(
        `${type}: pool index ${(await indexBytesPerAccount(type, store.url)).toFixed(0)} bytes per account (heap of an index of every stored account)`,
      );
    }
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await simulator.stop();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `bench/scale.ts: ${COUNT} accounts per store, ${RUNS} runs per console query, ${WINDOWS} windows of ${CHAT_REQUESTS} chat requests per instance`,
);
for (const type of STORES) await runStore(type);
