import { startServer } from './server';
import { VERSION } from './version';

/**
 * Entry point: `grok2api` (or `bun src/index.ts`). SERVER_WORKERS > 1 starts that many processes
 * sharing the port (SO_REUSEPORT); each keeps its own in-memory account index and re-reads
 * accounts changed by the others every token.reload_interval_sec.
 */

const HELP = `grok2api ${VERSION} — OpenAI-compatible gateway for Grok web accounts

Usage: grok2api [--version] [--help]

Environment: DATA_DIR, SERVER_HOST, SERVER_PORT, SERVER_WORKERS, SERVER_STORAGE_TYPE, SERVER_STORAGE_URL,
LOG_LEVEL, LOG_FILE_ENABLED, LOG_DIR, GROK_BASE_URL, GROK_ASSETS_URL, GROK_ACCOUNTS_URL,
GROK2API_<SECTION>_<KEY> for any config key. See README.md.`;

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--version')) return console.log(VERSION);
  if (argv.includes('--help') || argv.includes('-h')) return console.log(HELP);

  const workers = Number(process.env.SERVER_WORKERS || 1);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`SERVER_WORKERS must be a positive integer (got "${process.env.SERVER_WORKERS}")`);
  const isWorker = argv.includes(WORKER_FLAG);
  if (workers > 1 && !isWorker) return superviseWorkers(workers);

  const server = await startServer({ env: process.env, reusePort: isWorker });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Marks a process started by the supervisor (an argument, so it never collides with config env vars). */
const WORKER_FLAG = '--worker';

function superviseWorkers(count: number) {
  // Under `bun src/index.ts` argv[1] is the script; in the compiled binary argv[1] is internal.
  const runsScript = /bun(\.exe)?$/.test(process.execPath);
  const command = [process.execPath, ...process.argv.slice(runsScript ? 1 : 2), WORKER_FLAG];
  const children = Array.from({ length: count }, () => Bun.spawn(command, { env: process.env, stdio: ['inherit', 'inherit', 'inherit'] }));
  const forward = (signal: NodeJS.Signals) => () => children.forEach((child) => child.kill(signal));
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  Promise.all(children.map((child) => child.exited)).then((codes) => process.exit(codes.find((code) => code !== 0) ?? 0));
}

main().catch((error) => {
  console.error(`grok2api failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
