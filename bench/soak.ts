/**
 * Load and fault soak: hundreds of concurrent streaming clients with random client aborts, while
 * random upstream faults are queued on the simulator, for a bounded time. Loopback only; it stops
 * by itself. Afterwards it checks that no lease or in-flight count leaked, no stream is stuck,
 * memory came back near its start, and every account's charges are consistent with the requests
 * made. The short form runs in `npm test` (tests/soak/soak.test.ts); the long form:
 *
 *   SOAK_SECONDS=180 SOAK_CLIENTS=300 ./node_modules/.bin/bun bench/soak.ts
 *
 * Gateway, simulator and clients share this process so the pool can be inspected directly;
 * memory figures therefore include the load generator (the simulator's request log is trimmed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModel } from '../src/catalog/models';
import { silentLogger } from '../src/logging/logger';
import { startServer } from '../src/server';
import { startSimulator } from '../src/simulator/server';
import type { Fault } from '../src/simulator/types';

export interface SoakOptions {
  durationMs: number;
  clients: number;
  accounts?: number;
  /** Probability that a client aborts its request at a random moment. Default 0.2. */
  abortRate?: number;
  /** A random fault is queued on the simulator this often. Default 100 ms. */
  faultEveryMs?: number;
  seed?: number;
  /** How long stopped clients may take to settle before they count as stuck. Default 20 s. */
  settleMs?: number;
}

export interface SoakReport {
  durationMs: number;
  clients: number;
  requests: number;
  completed: number;
  aborted: number;
  upstreamErrors: number;
  otherStatuses: Record<string, number>;
  faultsQueued: number;
  stuck: number;
  leakedInFlight: Record<string, number>;
  streamsInFlight: number;
  chargedTurns: number;
  chargeWithinBounds: boolean;
  accountsChargedBeyondUpstream: string[];
  heapStartMb: number;
  heapEndMb: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  requestsPerSecond: number;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const ALL_FAULTS = [
  'server_error',
  'rate_limited',
  'stall',
  'cut',
  'inband_error',
  'stream_errors',
  'slow_first_byte',
  'malformed',
  'status',
] as const;
/** SOAK_FAULTS=stall,cut narrows the faults (to find which one a failure comes from). */
const FAULT_KINDS = (
  process.env.SOAK_FAULTS !== undefined ? process.env.SOAK_FAULTS.split(',').filter(Boolean) : [...ALL_FAULTS]
) as (typeof ALL_FAULTS)[number][];

function randomFault(random: () => number): Fault {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const kind = pick(FAULT_KINDS);
  if (kind === 'stall' || kind === 'cut' || kind === 'malformed')
    return { kind, afterFrames: 1 + Math.floor(random() * 4) };
  if (kind === 'slow_first_byte') return { kind, delayMs: 50 + Math.floor(random() * 300) };
  if (kind === 'status') return { kind, status: pick([400, 404, 500, 502, 503]) };
  if (kind === 'rate_limited') return { kind, retryAfterSeconds: 1 };
  return { kind };
}

async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name} `) || row.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = seededRandom(options.seed ?? 9);
  const accountCount = options.accounts ?? 16;
  const abortRate = options.abortRate ?? 0.2;
  const window = { total: 1_000_000_000, windowSeconds: 86_400 };
  const tokens = Array.from({ length: accountCount }, (_, index) => `soak-account-${index}`);
  const simulator = await startSimulator({
    accounts: tokens.map((token) => ({
      token,
      tier: 'basic' as const,
      quotas: { auto: window, fast: window, expert: window, heavy: window },
    })),
    tokenDelayMs: 2,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-soak-'));
  writeFileSync(
    join(dataDir, 'token.json'),
    JSON.stringify({ ssoBasic: tokens.map((token) => ({ token, quota: 1_000_000_000 })) }),
  );
  const server = await startServer({
    env: {
      DATA_DIR: dataDir,
      LOG_FILE_ENABLED: 'false',
      GROK_BASE_URL: simulator.url,
      GROK_ASSETS_URL: simulator.url,
      GROK_ACCOUNTS_URL: simulator.url,
      GROK2API_APP_API_KEY: 'sk-soak',
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      GROK2API_TOKEN_MAX_INFLIGHT_PER_ACCOUNT: '40',
      // The product's default transport unless SOAK_TRANSPORT=rest|ws|auto says otherwise.
      ...(process.env.SOAK_TRANSPORT ? { GROK2API_UPSTREAM_CHAT_TRANSPORT: process.env.SOAK_TRANSPORT } : {}),
      // A stalled upstream stream is cut after 2 s of silence, so stall faults end by themselves.
      GROK2API_CHAT_STREAM_TIMEOUT: '2',
      GROK2API_CHAT_TIMEOUT: '5',
      GROK2API_RETRY_MAX_RETRY: '3',
      // Accounts cooled by rate_limited faults are re-synced (the simulator has quota) instead of staying out for 5 minutes.
      GROK2API_TOKEN_ON_DEMAND_REFRESH_MIN_INTERVAL_SEC: '1',
    },
    port: 0,
    hostname: '127.0.0.1',
    logger: silentLogger,
  });
  const cost = findModel('grok-4')!.cost;
  const chargedBefore = () => server.pool.accounts().reduce((sum, account) => sum + account.useCount, 0);

  const request = (signal: AbortSignal, stream: boolean) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-soak', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'grok-4', stream, messages: [{ role: 'user', content: 'soak' }] }),
      signal,
    });

  // Warm-up, then the memory baseline.
  for (let index = 0; index < 20; index++) await (await request(AbortSignal.timeout(10_000), true)).text();
  simulator.requests.length = 0;
  Bun.gc(true);
  const heapStart = process.memoryUsage().heapUsed;
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const baseline = chargedBefore();

  let requests = 0;
  let completed = 0;
  let aborted = 0;
  let upstreamErrors = 0;
  const otherStatuses: Record<string, number> = {};
  let faultsQueued = 0;
  const startedAt = performance.now();
  const deadline = startedAt + options.durationMs;

  const faults = setInterval(() => {
    if (FAULT_KINDS.length > 0) {
      simulator.enqueueFault(randomFault(random));
      faultsQueued++;
    }
    simulator.requests.length = 0; // the log would otherwise grow with the soak and blur the memory figures
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, options.faultEveryMs ?? 100);

  const client = async () => {
    while (performance.now() < deadline) {
      requests++;
      const controller = new AbortController();
      const abortAfter = random() < abortRate ? Math.floor(random() * 150) : -1;
      const timer = abortAfter >= 0 ? setTimeout(() => controller.abort(), abortAfter) : undefined;
      const stream = random() < 0.85;
      try {
        const response = await request(AbortSignal.any([controller.signal, AbortSignal.timeout(60_000)]), stream);
        const text = await response.text();
        if (
          response.status === 200 &&
          (stream ? text.includes('data: [DONE]') && !text.includes('"error"') : text.includes('"choices"'))
        )
          completed++;
        else if (response.status === 200 || response.status >= 500) upstreamErrors++;
        else otherStatuses[response.status] = (otherStatuses[response.status] ?? 0) + 1;
        if (response.status === 429) await Bun.sleep(50); // a real client backs off; a hot loop would only measure 429s
      } catch {
        if (controller.signal.aborted) aborted++;
        else otherStatuses.network = (otherStatuses.network ?? 0) + 1;
      } finally {
        clearTimeout(timer);
      }
    }
  };

  const settleMs = options.settleMs ?? 20_000;
  let stuck = 0;
  const running = Array.from({ length: options.clients }, () => client());
  await Bun.sleep(options.durationMs);
  clearInterval(faults);
  // Clients finish their current request; one not settled within settleMs counts as stuck.
  const settled = await Promise.race([
    Promise.all(running).then(() => true),
    Bun.sleep(options.durationMs + settleMs).then(() => false),
  ]);
  if (!settled) stuck = options.clients; // reported; the exact count is not observable from here
  const elapsedMs = performance.now() - startedAt;

  // Leases are released and charges written asynchronously after the response: wait for them, bounded.
  await server.pool.settle();
  let leakedInFlight: Record<string, number> = {};
  let streamsInFlight = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    leakedInFlight = Object.fromEntries(
      tokens.map((token) => [token, server.pool.inFlight(token)]).filter(([, count]) => (count as number) > 0),
    );
    streamsInFlight = await metricValue(server.url, 'grok2api_streams_in_flight');
    if (Object.keys(leakedInFlight).length === 0 && streamsInFlight === 0) break;
    await Bun.sleep(100);
  }

  const chargedTurns = (chargedBefore() - baseline) / cost;
  // Every request the client saw complete was charged once; an aborted one may have completed first.
  const chargeWithinBounds = chargedTurns >= completed && chargedTurns <= completed + aborted;
  // No account may be charged for more turns than the upstream accepted from it.
  const accountsChargedBeyondUpstream = server.pool
    .accounts()
    .filter((account) => account.useCount / cost > (simulator.account(account.token)?.usage.auto ?? 0))
    .map((account) => account.token);

  simulator.requests.length = 0;
  await Bun.sleep(200);
  Bun.gc(true);
  const heapEnd = process.memoryUsage().heapUsed;
  const rssEnd = process.memoryUsage().rss;
  await server.stop(1000);
  await simulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    durationMs: Math.round(elapsedMs),
    clients: options.clients,
    requests,
    completed,
    aborted,
    upstreamErrors,
    otherStatuses,
    faultsQueued,
    stuck,
    leakedInFlight,
    streamsInFlight,
    chargedTurns,
    chargeWithinBounds,
    accountsChargedBeyondUpstream,
    heapStartMb: megabytes(heapStart),
    heapEndMb: megabytes(heapEnd),
    rssStartMb: megabytes(rssStart),
    rssPeakMb: megabytes(rssPeak),
    rssEndMb: megabytes(rssEnd),
    requestsPerSecond: Math.round((requests / elapsedMs) * 1000),
  };
}

if (import.meta.main && !process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
  // The clients and the gateway share this process, so they share Bun's fetch limit (256 at once
  // by default): hundreds of waiting clients would starve the gateway's own upstream calls. Run
  // again with a higher limit, which must be set before the process starts.
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: '8192' },
    stdout: 'inherit',
    stderr: 'inherit',
  });
  process.exit(await child.exited);
} else if (import.meta.main) {
  const report = await runSoak({
    durationMs: Number(process.env.SOAK_SECONDS ?? 60) * 1000,
    clients: Number(process.env.SOAK_CLIENTS ?? 300),
    accounts: Number(process.env.SOAK_ACCOUNTS ?? 16),
    seed: Number(process.env.SOAK_SEED ?? 9),
    faultEveryMs: Number(process.env.SOAK_FAULT_EVERY_MS ?? 100),
    abortRate: Number(process.env.SOAK_ABORT_RATE ?? 0.2),
  });
  console.log(JSON.stringify(report, null, 2));
  console.log(`SOAK_REPORT ${JSON.stringify(report)}`);
  const healthy =
    report.stuck === 0 &&
    (report.otherStatuses.network ?? 0) === 0 &&
    Object.keys(report.leakedInFlight).length === 0 &&
    report.streamsInFlight === 0 &&
    report.chargeWithinBounds &&
    report.accountsChargedBeyondUpstream.length === 0;
  console.log(healthy ? 'soak: OK' : 'soak: FAILED');
  process.exit(healthy ? 0 : 1);
}
