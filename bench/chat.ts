/**
 * Added latency and throughput of chat through the gateway, against calling the simulator
 * directly, in the same run. The simulator and the gateway each run in their own process, as
 * in production; this process only generates load. Loopback only; bounded request counts.
 *
 *   npm run bench                       # defaults
 *   BENCH_REQUESTS=400 BENCH_CONCURRENCY=32 npm run bench
 *
 * A minimal Bun pass-through proxy (bench/pass-through-proxy.ts) in front of the same simulator
 * is measured in the same run: the "× proxy" column is the gateway's throughput as a share of it.
 *
 * BENCH_LEVELS lists the concurrency levels (default "1,<BENCH_CONCURRENCY>"). Above 256 streams
 * Bun's own fetch limit queues requests in this load generator, so raise it for the run:
 *
 *   BUN_CONFIG_MAX_HTTP_REQUESTS=2048 BENCH_LEVELS=500 BENCH_REQUESTS=5000 ./node_modules/.bin/bun bench/chat.ts
 *
 * "ttfb" is the time to the first body bytes of the answer (for the gateway's streaming answer,
 * the first SSE chunk); "ttfb added" is the difference to the simulator called directly and to
 * the pass-through proxy, in the same run.
 */
import { readFileSync } from 'node:fs';
import { measureCpu } from './chat-cpu';
import { startBenchStack, startProcess } from './child-process';
import { processTreeCpuMicros } from './process-cpu';

const REQUESTS = Number(process.env.BENCH_REQUESTS || 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const LEVELS = (process.env.BENCH_LEVELS || `1,${CONCURRENCY}`).split(',').map(Number);
/** The gateway and the proxy make one upstream call per request; let them hold as many as the clients. */
const MAX_HTTP_REQUESTS = String(Math.max(256, ...LEVELS) * 2);
const ACCOUNTS = 8;
/** Which parts run: `cpu` (CPU per request and per frame, with Portkey), `latency`, `workers`. */
const SECTIONS = new Set((process.env.BENCH_SECTIONS || 'cpu,latency,workers').split(','));
const bun = process.execPath;

interface Sample {
  ttfbMs: number;
  totalMs: number;
}

async function timed(request: () => Promise<Response>): Promise<Sample> {
  const start = performance.now();
  const response = await request();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body!.getReader();
  const first = await reader.read();
  const ttfbMs = performance.now() - start;
  if (!first.done) while (!(await reader.read()).done);
  return { ttfbMs, totalMs: performance.now() - start };
}

async function run(label: string, request: () => Promise<Response>, concurrency: number, count: number) {
  for (let i = 0; i < Math.min(20, count); i++) await timed(request); // warm-up
  const samples: Sample[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        samples.push(await timed(request));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const sorted = (key: keyof Sample) => samples.map((sample) => sample[key]).sort((a, b) => a - b);
  const percentile = (values: number[], p: number) =>
    values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
  const total = sorted('totalMs');
  const ttfb = sorted('ttfbMs');
  return {
    label,
    p50: percentile(total, 50),
    p99: percentile(total, 99),
    ttfb50: percentile(ttfb, 50),
    ttfb99: percentile(ttfb, 99),
    throughput: count / seconds,
  };
}

const { simulator, gateway, tokens, stop } = await startBenchStack({
  label: 'bench',
  accounts: ACCOUNTS,
  apiKey: 'bench-key',
  gatewayEnv: { GROK2API_CHAT_CONCURRENT: '1000' },
  processEnv: { BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_HTTP_REQUESTS },
});

// The same upstream request as `direct`, through a bare Bun proxy: the floor any gateway adds.
const proxy = await startProcess(
  [bun, 'bench/pass-through-proxy.ts'],
  { PROXY_UPSTREAM: simulator.url, BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_HTTP_REQUESTS },
  /listening on (http:\/\/\S+)/,
);

const message = 'Summarise the plot of a short story about a lighthouse keeper in three sentences.';
let directIndex = 0;
const grokTurn = (base: string) => () =>
  fetch(`${base}/rest/app-chat/conversations/new`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: `sso=${tokens[directIndex++ % ACCOUNTS]}`,
      'x-statsig-id':
        'ZTpUeXBlRXJyb3I6IENhbm5vdCByZWFkIHByb3BlcnRpZXMgb2YgdW5kZWZpbmVkIChyZWFkaW5nICdjaGlsZE5vZGVzJyk=',
    },
    body: JSON.stringify({ message, modeId: 'fast', temporary: true, fileAttachments: [] }),
  });
const direct = grokTurn(simulator.url);
const viaProxy = grokTurn(proxy.url);
const chatRequest = (base: string, stream: boolean, content = message) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench-key' },
    body: JSON.stringify({ model: 'grok-4.1-fast', stream, messages: [{ role: 'user', content }] }),
  });
const viaGateway = (stream: boolean) => () => chatRequest(gateway.url, stream);

/** Throughput at WORKERS_CONCURRENCY with SERVER_WORKERS=1 and =auto (one per core), each a fresh gateway. */
async function measureWorkers() {
  const concurrency = Number(process.env.BENCH_WORKERS_CONCURRENCY || 50);
  const count = Number(process.env.BENCH_WORKERS_REQUESTS || REQUESTS);
  console.log(
    `throughput by worker count (concurrency ${concurrency}, ${count} non-streaming requests, ${navigator.hardwareConcurrency} cores):`,
  );
  const results: { workers: string; throughput: number; gateway: number; cpu: number }[] = [];
  for (const workers of ['1', 'auto']) {
    const port = freePort();
    const stack = await startBenchStack({
      label: `bench-workers-${workers}`,
      accounts: ACCOUNTS,
      apiKey: 'bench-key',
      gatewayEnv: { GROK2API_CHAT_CONCURRENT: '1000', SERVER_WORKERS: workers, SERVER_PORT: String(port) },
      processEnv: { BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_HTTP_REQUESTS },
    });
    try {
      // Every worker compiles the hot path in its own JIT: warm them all before measuring.
      const warmUp = Number(process.env.BENCH_WORKERS_WARMUP || 1000);
      let warmed = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (warmed++ < warmUp) await (await chatRequest(`http://127.0.0.1:${port}`, false)).arrayBuffer();
        }),
      );
      const cpuBefore = processTreeCpuMicros(stack.gateway.child.pid);
      const simulatorBefore = processTreeCpuMicros(stack.simulator.child.pid);
      const clientBefore = process.cpuUsage();
      const machineBefore = machineCpu();
      const row = await run(
        `SERVER_WORKERS=${workers}`,
        () => chatRequest(`http://127.0.0.1:${port}`, false),
        concurrency,
        count,
      );
      // Each includes the run's 20 warm-up requests; the gateway's is the supervisor and every worker.
      const perRequest = (micros: number) => micros / (count + 20);
      const gatewayCpu = perRequest(processTreeCpuMicros(stack.gateway.child.pid) - cpuBefore);
      const simulatorCpu = perRequest(processTreeCpuMicros(stack.simulator.child.pid) - simulatorBefore);
      const clientUsage = process.cpuUsage(clientBefore);
      const clientCpu = perRequest(clientUsage.user + clientUsage.system);
      const machine = machineCpu();
      // Cores busy on the whole machine during the run, ours and other jobs'.
      const machineBusy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total);
      results.push({
        workers,
        throughput: row.throughput,
        gateway: gatewayCpu,
        cpu: gatewayCpu + simulatorCpu + clientCpu,
      });
      console.log(
        `  SERVER_WORKERS=${workers.padEnd(5)} ${row.throughput.toFixed(0).padStart(6)} req/s  p50 ${row.p50.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms  µs CPU per request: gateway ${gatewayCpu.toFixed(0)} (all processes), simulator ${simulatorCpu.toFixed(0)}, load generator ${clientCpu.toFixed(0)}; machine ${(machineBusy * navigator.hardwareConcurrency).toFixed(2)} of ${navigator.hardwareConcurrency} cores busy`,
      );
    } finally {
      await stack.stop();
    }
  }
  const [one, auto] = results as [(typeof results)[0], (typeof results)[0]];
  // The gateway, the simulator and this load generator share the machine's cores: N workers can
  // at best turn every core into requests at the CPU a request costs all three together.
  // One worker is bound by its own core (gateway CPU per request); N workers by all cores shared
  // with the simulator and the load generator (the CPU of all three per request).
  const cores = navigator.hardwareConcurrency;
  const bound = (row: (typeof results)[0]) => Math.min(1_000_000 / row.gateway, (cores * 1_000_000) / row.cpu);
  const ideal = (cores * 1_000_000) / one.cpu / bound(one);
  console.log(
    `  auto / 1: ${(auto.throughput / one.throughput).toFixed(2)}×; on an otherwise idle machine at these CPU costs: one worker ≤ ${bound(one).toFixed(0)} req/s, auto ≤ ${((cores * 1_000_000) / auto.cpu).toFixed(0)} req/s (${((cores * 1_000_000) / auto.cpu / bound(one)).toFixed(2)}×), ≤ ${ideal.toFixed(2)}× if a worker cost no more CPU than a single process\n`,
  );
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (/proc/stat). */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3]! + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

try {
  if (SECTIONS.has('cpu')) {
    await measureCpu({
      simulatorUrl: simulator.url,
      tokens,
      gateway,
      proxy,
      viaGateway: (stream, content) => chatRequest(gateway.url, stream, content),
      viaProxy: grokTurn(proxy.url),
    });
  }
  if (SECTIONS.has('latency')) {
    console.log(
      `grok2api chat benchmark: ${REQUESTS} requests per scenario, ${ACCOUNTS} accounts, loopback, ${navigator.hardwareConcurrency} cores\n`,
    );
    for (const concurrency of LEVELS) {
      const count = concurrency === 1 ? Math.min(REQUESTS, 200) : REQUESTS;
      const baseline = await run('simulator direct', direct, concurrency, count);
      const floor = await run('pass-through proxy', viaProxy, concurrency, count);
      const rows = [
        baseline,
        floor,
        await run('gateway non-streaming', viaGateway(false), concurrency, count),
        await run('gateway streaming', viaGateway(true), concurrency, count),
      ];
      console.log(`concurrency ${concurrency}:`);
      console.log(
        '  scenario                 p50 ms   p99 ms  ttfb p50  ttfb p99   req/s   added p50 ms  added p99 ms  vs proxy p50 ms  ttfb added p50 (direct/proxy)  ttfb added p99 (direct/proxy)  throughput × direct  × proxy',
      );
      for (const row of rows) {
        const pair = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
        console.log(
          `  ${row.label.padEnd(22)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${row.ttfb50.toFixed(2).padStart(9)} ${row.ttfb99.toFixed(2).padStart(9)} ${row.throughput.toFixed(0).padStart(7)} ${(row.p50 - baseline.p50).toFixed(2).padStart(14)} ${(row.p99 - baseline.p99).toFixed(2).padStart(13)} ${(row.p50 - floor.p50).toFixed(2).padStart(16)} ${pair(row.ttfb50 - baseline.ttfb50, row.ttfb50 - floor.ttfb50).padStart(30)} ${pair(row.ttfb99 - baseline.ttfb99, row.ttfb99 - floor.ttfb99).padStart(30)} ${(row.throughput / baseline.throughput).toFixed(2).padStart(19)} ${(row.throughput / floor.throughput).toFixed(2).padStart(8)}`,
        );
      }
      console.log();
    }
  }
  if (SECTIONS.has('workers')) await measureWorkers();
} finally {
  proxy.child.kill('SIGTERM');
  await Promise.all([stop(), proxy.child.exited]);
}
