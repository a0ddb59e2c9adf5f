import { startServer } from '../server';
import type { CommandContext } from './command-context';
import { serverSettings } from './server-settings';
import { survivePostgresWriteRace } from '../storage/postgres/write-race-guard';

/** Marks a process started by the supervisor (an argument, so it never collides with config env vars). */
export const WORKER_FLAG = '--worker';

/**
 * `grok2api serve` (the default). More than one worker (SERVER_WORKERS, by default one per core)
 * starts that many processes sharing the port (SO_REUSEPORT); each keeps its own in-memory account
 * index and follows the accounts and config changed by the others through the store (cluster sync).
 */
export async function serveCommand(argv: readonly string[], context: CommandContext): Promise<number | 'running'> {
  const { workers } = serverSettings(context.env);
  const isWorker = argv.includes(WORKER_FLAG);
  if (workers > 1 && !isWorker) {
    superviseWorkers(workers);
    return 'running';
  }
  survivePostgresWriteRace((error) => {
    const line = {
      time: new Date().toISOString(),
      level: 'warn',
      message: 'survived a postgres.js write after close',
      error: error.message,
    };
    console.error(JSON.stringify(line));
  });
  // Signals are handled from the start: a stop that arrives while the server is still starting (a worker
  // the supervisor stops early) waits for the start to finish, then stops cleanly, instead of dying mid-start.
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let stopping = false;
  const stop = async () => {
    await server?.stop();
    process.exit(0);
  };
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    if (server) void stop();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  server = await startServer({ env: context.env, reusePort: isWorker });
  if (stopping) await stop();
  return 'running';
}

function superviseWorkers(count: number) {
  // Under `bun src/index.ts` argv[1] is the script; in the compiled binary argv[1] is internal.
  const runsScript = /bun(\.exe)?$/.test(process.execPath);
  const forwarded = process.argv.slice(runsScript ? 1 : 2).filter((argument) => argument !== 'serve');
  const command = [process.execPath, ...forwarded, 'serve', WORKER_FLAG];
  // The handlers come before the workers, so no stop can arrive between the two.
  let stopSignal: NodeJS.Signals | undefined;
  const children: ReturnType<typeof Bun.spawn>[] = [];
  const forward = (signal: NodeJS.Signals) => () => {
    stopSignal = signal;
    children.forEach((child) => child.kill(signal));
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  // Each worker is its own instance in the store (src/cluster/instance-identity.ts), the same one after a restart.
  for (let index = 0; index < count && stopSignal === undefined; index++) {
    children.push(
      Bun.spawn(command, {
        env: { ...process.env, SERVER_WORKER_INDEX: String(index) },
        stdio: ['inherit', 'inherit', 'inherit'],
      }),
    );
  }
  // A worker still loading its code when the stop arrives has no handler yet and dies of the signal
  // we forwarded: that is the stop asked for, not a failure.
  const outcome = (child: (typeof children)[number]) =>
    stopSignal !== undefined && child.signalCode === stopSignal ? 0 : (child.exitCode ?? 1);
  Promise.all(children.map((child) => child.exited)).then(() =>
    process.exit(children.map(outcome).find((code) => code !== 0) ?? 0),
  );
}
