import { spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import postgres from 'postgres';

/**
 * Private storage servers a test may stop, kill and restart at will: Redis, PostgreSQL and MariaDB
 * started from the machine's own binaries (needs local server binaries: redis-server, Debian's
 * /usr/lib/postgresql/<version>/bin, mariadbd and mariadb-install-db), each on a free loopback
 * port with its data in a temporary folder that `remove()` deletes. A signal goes to the server's
 * process and all its descendants: PostgreSQL serves every connection from a child process, which
 * puts itself in its own session, so a process group would not reach it. PostgreSQL and MariaDB
 * refuse to run as root, so under root they run as `nobody`.
 * Data survives `kill()`: Redis writes an append-only file, the SQL servers their logs.
 */

export type PrivateStoreKind = 'redis' | 'postgres' | 'mariadb';

export interface PrivateStore {
  kind: PrivateStoreKind;
  /** SERVER_STORAGE_TYPE and SERVER_STORAGE_URL for a gateway. */
  storageType: string;
  url: string;
  /** SIGSTOP: the server keeps its sockets open and answers nothing. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGKILL (works on a paused server too), then waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder; resolves once it answers queries. */
  restart(): Promise<void>;
  /** Kills it and deletes its data folder. */
  remove(): Promise<void>;
}

const NOBODY = 65534;
const START_BOUND_MS = 60_000;

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function onPath(name: string): string | null {
  for (const directory of (process.env.PATH ?? '/usr/bin:/usr/sbin').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    if (existsSync(join(directory, name))) return join(directory, name);
  }
  return null;
}

/** Which kinds this machine can start (the test skips the others). */
export function availablePrivateStores(): PrivateStoreKind[] {
  const kinds: PrivateStoreKind[] = [];
  if (onPath('redis-server')) kinds.push('redis');
  if (postgresBin() && (process.getuid?.() !== 0 || onPath('setpriv'))) kinds.push('postgres');
  if (onPath('mariadbd') && onPath('mariadb-install-db') && (process.getuid?.() !== 0 || onPath('setpriv')))
    kinds.push('mariadb');
  return kinds;
}

/** `root` and every process below it, parents first (from /proc: this helper needs Linux). */
function withDescendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (command) state ppid …": the command may hold spaces and parentheses.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = children.get(parent) ?? [];
    siblings.push(Number(entry));
    children.set(parent, siblings);
  }
  const found = [root];
  for (let index = 0; index < found.length; index++) found.push(...(children.get(found[index]!) ?? []));
  return found;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The command as `nobody` when we are root (the SQL servers refuse root). */
function unprivileged(command: string[]): string[] {
  if (process.getuid?.() !== 0) return command;
  return [onPath('setpriv')!, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...command];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function run(command: string[], boundMs: number): Promise<void> {
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk) => (errors += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
  await exited(child);
  clearTimeout(timer);
  if (child.exitCode !== 0)
    throw new Error(`${command.join(' ')} failed (${child.exitCode ?? child.signalCode}): ${errors.slice(-500)}`);
}

/** Polls `check` (each attempt bounded too) until it says yes. */
async function until(check: () => Promise<boolean>, boundMs: number, what: string): Promise<void> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    const attempt = check().catch(() => false);
    if (await Promise.race([attempt, Bun.sleep(2_000).then(() => false)])) return;
    await Bun.sleep(100);
  }
  throw new Error(`${what} did not come up within ${boundMs} ms`);
}

interface Recipe {
  storageType: string;
  url: (port: number) => string;
  /** One-time set-up of the data folder. */
  initialise?: (folder: string) => Promise<void>;
  command: (folder: string, port: number) => string[];
  /** True once the server answers a real query (and has what the gateway needs). */
  answers: (port: number) => Promise<boolean>;
}

function recipe(kind: PrivateStoreKind): Recipe {
  if (kind === 'redis') {
    return {
      storageType: 'redis',
      url: (port) => `redis://127.0.0.1:${port}/0`,
      // appendfsync everysec still writes every command to the file before answering it, so a
      // killed process loses nothing acknowledged (only a machine crash could).
      command: (folder, port) => [
        onPath('redis-server')!,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        folder,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
      ],
      answers: async (port) => {
        const redis = new Redis({
          port,
          host: '127.0.0.1',
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          connectTimeout: 500,
        });
        redis.on('error', () => {});
        try {
          await redis.connect();
          return (await redis.ping()) === 'PONG';
        } finally {
          redis.disconnect();
        }
      },
    };
  }
  if (kind === 'postgres') {
    const bin = postgresBin()!;
    return {
      storageType: 'pgsql',
      url: (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
      initialise: (folder) =>
        run(
          unprivileged([
            join(bin, 'initdb'),
            '-D',
            join(folder, 'data'),
            '-U',
            'postgres',
            '--auth=trust',
            '-E',
            'UTF8',
            '--no-sync',
          ]),
          START_BOUND_MS,
        ),
      // fsync=off: a killed server loses nothing (the kernel still holds what it wrote); only a
      // machine crash could, and it keeps the test light on a shared disk.
      command: (folder, port) => [
        join(bin, 'postgres'),
        '-D',
        join(folder, 'data'),
        '-p',
        String(port),
        '-k',
        folder,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'shared_buffers=16MB',
      ],
      answers: async (port) => {
        const sql = postgres({
          host: '127.0.0.1',
          port,
          username: 'postgres',
          database: 'postgres',
          max: 1,
          connect_timeout: 1,
          onnotice: () => {},
        });
        try {
          await sql`SELECT 1`;
          return true;
        } finally {
          await sql.end({ timeout: 1 });
        }
      },
    };
  }
  return {
    storageType: 'mysql',
    url: (port) => `mysql://root@127.0.0.1:${port}/grok2api`,
    initialise: (folder) =>
      run(
        unprivileged([
          onPath('mariadb-install-db')!,
          '--no-defaults',
          `--datadir=${join(folder, 'data')}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
        ]),
        START_BOUND_MS,
      ),
    // No grant tables: a private throw-away server, reachable only on loopback, needs no accounts.
    command: (folder, port) => [
      onPath('mariadbd')!,
      '--no-defaults',
      `--datadir=${join(folder, 'data')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(folder, 'mariadb.sock')}`,
      `--pid-file=${join(folder, 'mariadb.pid')}`,
      '--skip-grant-tables',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
    ],
    answers: async (port) => {
      const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1_000 });
      try {
        await connection.query('CREATE DATABASE IF NOT EXISTS grok2api CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
        return true;
      } finally {
        await connection.end();
      }
    },
  };
}

export async function startPrivateStore(kind: PrivateStoreKind): Promise<PrivateStore> {
  const steps = recipe(kind);
  const folder = mkdtempSync(join(tmpdir(), `grok2api-private-${kind}-`));
  if (process.getuid?.() === 0 && kind !== 'redis') chownSync(folder, NOBODY, NOBODY);
  mkdirSync(folder, { recursive: true });
  const port = await freePort();
  let child: ChildProcess | null = null;

  const signalAll = (signal: NodeJS.Signals) => {
    if (child?.pid === undefined) return;
    for (const pid of withDescendants(child.pid)) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  };
  const launch = async () => {
    const command = kind === 'redis' ? steps.command(folder, port) : unprivileged(steps.command(folder, port));
    const log = openSync(join(folder, 'server.log'), 'a');
    child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', log, log] });
    closeSync(log);
    const started = child;
    try {
      await until(
        async () => {
          if (started.exitCode !== null) throw new Error(`${kind} exited with ${started.exitCode}`);
          // A client library is asked only once the port accepts: their failed connects are noisier.
          return (await accepts(port)) && steps.answers(port);
        },
        START_BOUND_MS,
        `private ${kind} on port ${port}`,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; its log ends: ${readFileSync(join(folder, 'server.log'), 'utf8').slice(-800)}`,
      );
    }
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    signalAll('SIGKILL');
    await exited(running);
  };

  try {
    await steps.initialise?.(folder);
    await launch();
  } catch (error) {
    await kill();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    kind,
    storageType: steps.storageType,
    url: steps.url(port),
    pause: () => signalAll('SIGSTOP'),
    resume: () => signalAll('SIGCONT'),
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    remove: async () => {
      await kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
