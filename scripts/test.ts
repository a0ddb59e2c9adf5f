/**
 * `npm test`: runs `bun test`, first checking the outside services some test files need
 * (PostgreSQL, MariaDB/MySQL, Redis on loopback, Debian's Chromium, and the server binaries the
 * storage-outage test starts privately). On a machine without them
 * those files are skipped, and a line says which and why, so the README's two-command quick start
 * holds on a fresh machine with only Node.js and npm. In CI (CI=true) nothing is skipped: `.ci/run`
 * starts the services, and a missing one must fail the run, not hide tests.
 * Extra arguments are passed to `bun test`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, relative } from 'node:path';

type Service = 'PostgreSQL' | 'MariaDB/MySQL' | 'Redis' | 'Chromium' | 'local storage server binaries';

/** What in a test file's source says it needs a service. */
const NEEDS: { service: Service; marker: RegExp; available: () => Promise<boolean> }[] = [
  { service: 'PostgreSQL', marker: /createPostgresDatabase|POSTGRES_ADMIN_URL/, available: () => portOpen(5432) },
  { service: 'MariaDB/MySQL', marker: /createMysqlDatabase|MYSQL_ADMIN_URL/, available: () => portOpen(3306) },
  { service: 'Redis', marker: /redisPrefix|REDIS_URL/, available: () => portOpen(6379) },
  { service: 'Chromium', marker: /helpers\/browser/, available: async () => existsSync('/usr/bin/chromium') },
  // Tests that start their own Redis, PostgreSQL and MariaDB servers (to stop and kill them).
  {
    service: 'local storage server binaries',
    marker: /helpers\/private-stores/,
    available: async () => (await import('../tests/helpers/private-stores')).availablePrivateStores().length === 3,
  },
];

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function testFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const inCi = process.env.CI === 'true';
const ignored: string[] = [];
if (!inCi) {
  const missing = new Set<Service>();
  for (const need of NEEDS) if (!(await need.available())) missing.add(need.service);
  if (missing.size > 0) {
    for (const file of testFiles('tests')) {
      const source = readFileSync(file, 'utf8');
      const lacking = NEEDS.filter((need) => missing.has(need.service) && need.marker.test(source)).map(
        (need) => need.service,
      );
      if (lacking.length > 0) ignored.push(relative('.', file));
    }
    console.log(
      `Skipping ${ignored.length} test file(s) that need ${[...missing].join(', ')}, not available here ` +
        '(CI starts them; see .ci/run): ' +
        ignored.join(', '),
    );
  }
}

const child = Bun.spawn(
  [
    process.execPath,
    'test',
    '--path-ignore-patterns=tests/clients-live/**',
    ...ignored.map((file) => `--path-ignore-patterns=${file}`),
    ...process.argv.slice(2),
  ],
  { stdio: ['inherit', 'inherit', 'inherit'] },
);
process.exit(await child.exited);
