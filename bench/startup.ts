/**
 * Start-up time of the compiled binary: builds `dist/grok2api`-style executable with
 * scripts/build.ts into a temp folder, then spawns it STARTUP_RUNS times (default 9) with a fresh
 * DATA_DIR each run and measures the time from spawn until GET /health answers 200 on a fixed
 * loopback port. Prints every run and the median. Loopback only; no upstream is contacted
 * (auto refresh off, no accounts).
 *
 *   ./node_modules/.bin/bun bench/startup.ts
 *   STARTUP_BINARY=dist/grok2api ./node_modules/.bin/bun bench/startup.ts   # an existing build
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.STARTUP_RUNS || 9);
const workDir = mkdtempSync(join(tmpdir(), 'grok2api-startup-'));
let binary = process.env.STARTUP_BINARY;
if (!binary) {
  binary = join(workDir, 'grok2api');
  const build = Bun.spawnSync([process.execPath, 'scripts/build.ts', '--outfile', binary], {
    stdout: 'inherit',
    stderr: 'inherit',
  });
  if (build.exitCode !== 0) throw new Error('build failed');
}

/** A free loopback port: bind port 0, read it, release it. */
function freePort(): number {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function oneRun(): Promise<number> {
  const dataDir = mkdtempSync(join(workDir, 'data-'));
  const port = freePort();
  const start = performance.now();
  const child = Bun.spawn([binary!], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      LOG_FILE_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      GROK_BASE_URL: 'http://127.0.0.1:9',
      GROK_ASSETS_URL: 'http://127.0.0.1:9',
      GROK_ACCOUNTS_URL: 'http://127.0.0.1:9',
      GROK2API_APP_API_KEY: 'startup-key',
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
    },
    stdout: 'ignore',
    stderr: 'inherit',
  });
  try {
    const deadline = start + 10_000;
    while (performance.now() < deadline) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.status === 200) return performance.now() - start;
      } catch {
        // not listening yet
      }
      await sleep(2);
    }
    throw new Error('the binary did not answer /health within 10 s');
  } finally {
    child.kill('SIGTERM');
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  await oneRun(); // first run warms the page cache for the binary
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(await oneRun());
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`compiled binary start-up (spawn → /health 200), ${RUNS} runs after one warm-up run:`);
  console.log(`  runs ms: ${times.map((time) => time.toFixed(1)).join(', ')}`);
  console.log(
    `  median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, min ${sorted[0]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`,
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
