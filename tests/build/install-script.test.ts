import { afterAll, beforeAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import packageJson from '../../package.json';
import { startBinary } from './run-binary';

/**
 * scripts/install.sh as a person runs it, against release files served over loopback: the
 * release script's own output (linux-x64, the platform this test runs on), then a copy whose
 * executable was tampered with after SHA256SUMS was written.
 */

let workDir: string;
let releaseDir: string;
let tamperedDir: string;
let server: ReturnType<typeof Bun.serve>;
const file = `grok2api-${packageJson.version}-linux-x64`;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'grok2api-install-'));
  releaseDir = join(workDir, 'release');
  const run = Bun.spawnSync(
    [
      process.execPath,
      'scripts/release.ts',
      '--out',
      releaseDir,
      '--targets',
      'linux-x64',
      '--runtime-cache',
      resolve('dist/runtimes'),
    ],
    { stdout: 'pipe', stderr: 'pipe' },
  );
  if (run.exitCode !== 0) throw new Error(`release failed: ${run.stdout.toString()}${run.stderr.toString()}`);

  tamperedDir = join(workDir, 'tampered');
  mkdirSync(tamperedDir);
  writeFileSync(join(tamperedDir, 'SHA256SUMS'), readFileSync(join(releaseDir, 'SHA256SUMS')));
  const bytes = readFileSync(join(releaseDir, file));
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(join(tamperedDir, file), bytes);

  server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request) {
      const [, folder, name] = new URL(request.url).pathname.split('/');
      const directory = folder === 'release' ? releaseDir : folder === 'tampered' ? tamperedDir : null;
      if (!directory || !name || !readdirSync(directory).includes(name))
        return new Response('not found', { status: 404 });
      return new Response(Bun.file(join(directory, name)));
    },
  });
}, 300_000);

afterAll(() => {
  server?.stop(true);
  rmSync(workDir, { recursive: true, force: true });
});

/** Async: the release files are served from this same process, which a blocking spawn would stall. */
async function install(folder: string, installDir: string, extraEnv: Record<string, string> = {}) {
  const run = Bun.spawn(['sh', 'scripts/install.sh'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      GROK2API_DOWNLOAD_URL: `http://127.0.0.1:${server.port}/${folder}`,
      GROK2API_INSTALL_DIR: installDir,
      ...extraEnv,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const output = (await new Response(run.stdout).text()) + (await new Response(run.stderr).text());
  return { exitCode: await run.exited, output };
}

test('installs the release build for this machine, verified, and it serves /health', async () => {
  const installDir = join(workDir, 'bin-good');
  const result = await install('release', installDir);
  expect(result.output).toContain(`installed ${file} as ${installDir}/grok2api`);
  expect(result.exitCode).toBe(0);
  const dataDir = join(workDir, 'data');
  const binary = await startBinary([join(installDir, 'grok2api')], { env: { DATA_DIR: dataDir, SERVER_PORT: '0' } });
  try {
    expect(await (await fetch(`${binary.url}/health`)).json()).toEqual({ status: 'ok' });
  } finally {
    await binary.stop();
  }
}, 60_000);

test('refuses an executable whose checksum does not match SHA256SUMS, and installs nothing', async () => {
  const installDir = join(workDir, 'bin-tampered');
  const result = await install('tampered', installDir);
  expect(result.exitCode).not.toBe(0);
  expect(result.output).toContain(`checksum mismatch for ${file}`);
  expect(existsSync(join(installDir, 'grok2api'))).toBe(false);
});

test('a copy of the script not stamped by a release asks for the repository instead of guessing', () => {
  const run = Bun.spawnSync(['sh', 'scripts/install.sh'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      GROK2API_INSTALL_DIR: join(workDir, 'bin-unstamped'),
    },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  expect(run.exitCode).not.toBe(0);
  expect(run.stderr.toString()).toContain('set GROK2API_REPO=owner/name');
});
