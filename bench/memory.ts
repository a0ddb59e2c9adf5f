/**
 * Resident memory of the gateway process, idle and with N concurrent open streams (default
 * 1,000). The simulator runs slowly (MEMORY_TOKEN_DELAY_MS between tokens, default 200 ms) so
 * every stream stays open while RSS is read from /proc/<pid>/status (VmRSS and VmHWM). Simulator,
 * gateway and this load generator are separate processes; only the gateway is measured.
 * Loopback only; it stops by itself once every stream has ended.
 *
 *   BUN_CONFIG_MAX_HTTP_REQUESTS=4096 ./node_modules/.bin/bun bench/memory.ts
 *   MEMORY_STREAMS=1000 MEMORY_TOKEN_DELAY_MS=200 BUN_CONFIG_MAX_HTTP_REQUESTS=4096 ./node_modules/.bin/bun bench/memory.ts
 *   MEMORY_BUN_FLAGS=--smol ...    # Bun flags for the gateway process
 */
import { readFileSync } from 'node:fs';
import { startBenchStack } from './child-process';

const STREAMS = Number(process.env.MEMORY_STREAMS || 1000);
const TOKEN_DELAY_MS = Number(process.env.MEMORY_TOKEN_DELAY_MS || 200);
const ACCOUNTS = 16;
const maxHttpRequests = String(Math.max(256, STREAMS * 2));

/** VmRSS and VmHWM (peak) of a process, in MB. */
function residentMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rssMb: field('VmRSS'), peakMb: field('VmHWM') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { simulator, gateway, stop } = await startBenchStack({
  label: 'memory',
  accounts: ACCOUNTS,
  apiKey: 'memory-key',
  gatewayEnv: { GROK2API_CHAT_CONCURRENT: String(STREAMS * 2) },
  gatewayBunFlags: (process.env.MEMORY_BUN_FLAGS || '').split(' ').filter(Boolean),
  processEnv: { BUN_CONFIG_MAX_HTTP_REQUESTS: maxHttpRequests },
});

const chat = (signal?: AbortSignal) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer memory-key' },
    body: JSON.stringify({
      model: 'grok-4.1-fast',
      stream: true,
      messages: [{ role: 'user', content: 'Tell me about lighthouses.' }],
    }),
    signal,
  });

try {
  // Warm the gateway (JIT, SQLite, pool) with a few quick streams, then let it settle.
  for (let index = 0; index < 50; index++) await (await chat()).text();
  await sleep(2000);
  const idle = residentMemory(gateway.child.pid);
  console.error(`warm, idle ${idle.rssMb.toFixed(1)} MB; opening ${STREAMS} streams`);

  const slowed = await fetch(`${simulator.url}/__simulator/options`, {
    method: 'PATCH',
    body: JSON.stringify({ tokenDelayMs: TOKEN_DELAY_MS }),
  });
  if (!slowed.ok) throw new Error(`simulator options: HTTP ${slowed.status} ${await slowed.text()}`);
  let open = 0; // streams whose response has arrived and not yet ended
  let firstChunks = 0;
  let completed = 0;
  let failed = 0;
  const clients = Array.from({ length: STREAMS }, async () => {
    try {
      const response = await chat();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      open++;
      try {
        const reader = response.body!.getReader();
        if (!(await reader.read()).done) firstChunks++;
        while (!(await reader.read()).done);
        completed++;
      } finally {
        open--;
      }
    } catch {
      failed++;
    }
  });
  // Wait (bounded) until every stream has its first chunk, then sample while they are all open.
  const waitUntil = performance.now() + 60_000;
  while (firstChunks + failed < STREAMS && performance.now() < waitUntil) await sleep(50);
  const samples: number[] = [];
  for (let sample = 0; sample < 5 && open > 0; sample++) {
    samples.push(residentMemory(gateway.child.pid).rssMb);
    await sleep(200);
  }
  const openWhenSampled = open;
  console.error(
    `sampled with ${openWhenSampled} open (${firstChunks} first chunks, ${failed} failed); waiting for the streams to end`,
  );
  const loaded = Math.max(...samples);
  await Promise.all(clients);
  await sleep(2000);
  const after = residentMemory(gateway.child.pid);

  console.log(
    `gateway RSS, ${STREAMS} concurrent streams (simulator token delay ${TOKEN_DELAY_MS} ms), /proc/<pid>/status:`,
  );
  console.log(`  idle (after warm-up):      ${idle.rssMb.toFixed(1)} MB`);
  console.log(`  with ${openWhenSampled} streams open:   ${loaded.toFixed(1)} MB (max of ${samples.length} samples)`);
  console.log(
    `  added by the streams:      ${(loaded - idle.rssMb).toFixed(1)} MB → ${(((loaded - idle.rssMb) / Math.max(1, openWhenSampled)) * 1000).toFixed(1)} MB per 1,000 streams`,
  );
  console.log(`  peak (VmHWM) over the run: ${after.peakMb.toFixed(1)} MB`);
  console.log(`  after the streams ended:   ${after.rssMb.toFixed(1)} MB`);
  console.log(`  streams completed ${completed}, failed ${failed}`);
} finally {
  await stop();
}
