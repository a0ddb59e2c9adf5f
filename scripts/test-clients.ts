/**
 * `npm run test:clients`: installs the real clients people point at grok2api (coding-agent CLIs and
 * SDKs, versions pinned in tests/clients-live/versions.json) into .cache/clients on demand, then
 * runs tests/clients-live against the simulator, offline and non-interactively. Not part of
 * `npm test` (it needs the npm registry the first time and takes minutes); the requests these
 * clients sent are recorded under tests/clients/fixtures and replayed by `npm test`.
 * Extra arguments are passed to `bun test` (e.g. a file filter).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const clientsDir = resolve('.cache/clients');
const versions: Record<string, string> = JSON.parse(readFileSync('tests/clients-live/versions.json', 'utf8'));
const stampPath = join(clientsDir, 'installed.json');
const wanted = JSON.stringify(versions);

if (!existsSync(stampPath) || readFileSync(stampPath, 'utf8') !== wanted) {
  mkdirSync(clientsDir, { recursive: true });
  if (!existsSync(join(clientsDir, 'package.json')))
    writeFileSync(join(clientsDir, 'package.json'), '{"private":true}\n');
  const specs = Object.entries(versions).map(([name, version]) => `${name}@${version}`);
  console.log(`Installing clients into .cache/clients: ${specs.join(' ')}`);
  const install = Bun.spawn(['npm', 'install', '--no-audit', '--no-fund', '--prefix', clientsDir, ...specs], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if ((await install.exited) !== 0) {
    console.error('npm install of the clients failed');
    process.exit(1);
  }
  writeFileSync(stampPath, wanted);
}

const child = Bun.spawn(
  [process.execPath, 'test', '--timeout=300000', './tests/clients-live', ...process.argv.slice(2)],
  {
    stdio: ['inherit', 'inherit', 'inherit'],
    env: { ...process.env, GROK2API_CLIENTS_DIR: clientsDir },
  },
);
process.exit(await child.exited);
