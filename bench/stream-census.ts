/**
 * What one open stream holds in the gateway: the JS heap's objects by type (`bun:jsc`
 * `heapStats()`) and RSS, idle and with N streams open, divided by N. The gateway runs in this
 * process (so its heap can be counted), the simulator and the load generator in their own.
 *
 *   ./node_modules/.bin/bun bench/stream-census.ts                  # 500 streams, default transport
 *   CENSUS_STREAMS=1000 GROK2API_UPSTREAM_CHAT_TRANSPORT=rest ./node_modules/.bin/bun bench/stream-census.ts
 */
import { heapStats } from 'bun:jsc';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server';
import { startProcess } from './child-process';

const STREAMS = Number(process.env.CENSUS_STREAMS || 500);
const bun = process.execPath;
const maxRequests = String(Math.max(256, STREAMS * 2));
const quotas = { fast: { total: 1_000_000_000, windowSeconds: 86_400 } };
const tokens = Array.from({ length: 16 }, (_, index) => `census-account-${index}`);

const simulator = await startProcess(
  [bun, 'src/simulator/main.ts'],
  { SIMULATOR_PORT: '0', SIMULATOR_ACCEPT_ANY_TOKEN: 'false', BUN_CONFIG_MAX_HTTP_REQUESTS: maxRequests },
  /listening on (http:\/\/\S+)/,
);
for (const token of tokens)
  await fetch(`${simulator.url}/__simulator/accounts`, {
    method: 'POST',
    body: JSON.stringify({ token, tier: 'basic', quotas }),
  });
const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-census-'));
writeFileSync(
  join(dataDir, 'token.json'),
  JSON.stringify({ ssoBasic: tokens.map((token) => ({ token, quota: 1e9 })) }),
);
const server = await startServer({
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: '0',
    LOG_FILE_ENABLED: 'false',
    LOG_LEVEL: 'error',
    GROK_BASE_URL: simulator.url,
    GROK_ASSETS_URL: simulator.url,
    GROK_ACCOUNTS_URL: simulator.url,
    GROK2API_APP_API_KEY: 'census-key',
    GROK2API_TOKEN_AUTO_REFRESH: 'false',
    GROK2API_CHAT_CONCURRENT: String(STREAMS * 2),
  },
});
const body = JSON.stringify({ model: 'grok-4.1-fast', stream: true, messages: [{ role: 'user', content: 'hi' }] });
const headers = { 'content-type': 'application/json', authorization: 'Bearer census-key' };
const residentMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

// The load generator opens every stream, reads its first chunk, says so, then reads to the end.
const loadScript = `
  let open = 0;
  await Promise.all(Array.from({ length: ${STREAMS} }, async () => {
    const response = await fetch(${JSON.stringify(`${server.url}/v1/chat/completions`)}, { method: 'POST', headers: ${JSON.stringify(headers)}, body: ${JSON.stringify(body)} });
    const reader = response.body.getReader();
    await reader.read();
    if (++open === ${STREAMS}) console.log('all open');
    while (!(await reader.read()).done);
  }));`;
let load: ReturnType<typeof Bun.spawn> | undefined;
try {
  for (let index = 0; index < 50; index++)
    await (await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers, body })).text();
  Bun.gc(true);
  const idle = heapStats();
  const idleRss = residentMb();
  // Slow tokens keep every stream open while it is counted.
  await fetch(`${simulator.url}/__simulator/options`, { method: 'PATCH', body: JSON.stringify({ tokenDelayMs: 300 }) });
  load = Bun.spawn([bun, '-e', loadScript], {
    stdout: 'pipe',
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: maxRequests },
  });
  const reader = (load.stdout as ReadableStream<Uint8Array>).getReader();
  let said = '';
  while (!said.includes('all open')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the load generator stopped: ${said}`);
    said += new TextDecoder().decode(value);
  }
  Bun.gc(true);
  const loaded = heapStats();
  const perStream = (value: number) => value / STREAMS;
  console.log(
    `${STREAMS} open streams: RSS ${idleRss.toFixed(1)} → ${residentMb().toFixed(1)} MB, JS heap ${(idle.heapSize / 1e6).toFixed(1)} → ${(loaded.heapSize / 1e6).toFixed(1)} MB`,
  );
  console.log(
    `per stream: ${(perStream(residentMb() - idleRss) * 1024).toFixed(1)} KB RSS, ${(perStream(loaded.heapSize - idle.heapSize) / 1024).toFixed(1)} KB JS heap, ${perStream(loaded.objectCount - idle.objectCount).toFixed(0)} objects:`,
  );
  const added = Object.entries(loaded.objectTypeCounts)
    .map(([type, count]) => [type, perStream(count - (idle.objectTypeCounts[type] ?? 0))] as const)
    .filter(([, count]) => count >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  for (const [type, count] of added.slice(0, 30)) console.log(`  ${count.toFixed(1).padStart(6)}  ${type}`);
} finally {
  load?.kill();
  await server.stop(100);
  simulator.child.kill('SIGTERM');
  await simulator.child.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
