import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import packageJson from '../../package.json';
import { startBinary } from './run-binary';

/**
 * The release script cross-compiles the four platforms with Bun runtimes fetched from npm. Only
 * linux-x64 can run here; the others are checked by their executable headers and checksums.
 */

let outDir: string;
let report = '';

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'grok2api-release-'));
  const run = Bun.spawnSync(
    [process.execPath, 'scripts/release.ts', '--out', outDir, '--runtime-cache', resolve('dist/runtimes')],
    { stdout: 'pipe', stderr: 'pipe' },
  );
  report = run.stdout.toString() + run.stderr.toString();
  if (run.exitCode !== 0) throw new Error(`release failed: ${report}`);
}, 300_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const version = packageJson.version;
const header = (file: string) => readFileSync(join(outDir, file)).subarray(0, 20);

test('four executables with the right formats, and a SHA256SUMS that matches them', () => {
  const files = readdirSync(outDir).sort();
  expect(files).toEqual([
    'SHA256SUMS',
    `grok2api-${version}-darwin-arm64`,
    `grok2api-${version}-linux-arm64`,
    `grok2api-${version}-linux-x64`,
    `grok2api-${version}-windows-x64.exe`,
  ]);
  const elf = (file: string) => header(file);
  expect([...elf(`grok2api-${version}-linux-x64`).subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  expect(elf(`grok2api-${version}-linux-x64`).readUInt16LE(18)).toBe(0x3e); // EM_X86_64
  expect(elf(`grok2api-${version}-linux-arm64`).readUInt16LE(18)).toBe(0xb7); // EM_AARCH64
  const macho = header(`grok2api-${version}-darwin-arm64`);
  expect(macho.readUInt32LE(0)).toBe(0xfeedfacf); // 64-bit Mach-O
  expect(macho.readUInt32LE(4)).toBe(0x0100000c); // CPU_TYPE_ARM64
  expect(header(`grok2api-${version}-windows-x64.exe`).subarray(0, 2).toString()).toBe('MZ');

  const sums = readFileSync(join(outDir, 'SHA256SUMS'), 'utf8').trim().split('\n');
  expect(sums).toHaveLength(4);
  for (const line of sums) {
    const [sum, file] = line.split('  ');
    expect(
      createHash('sha256')
        .update(readFileSync(join(outDir, file!)))
        .digest('hex'),
    ).toBe(sum!);
  }
}, 60_000); // hashing four executables of ~100 MB each takes seconds on a busy machine

test('the cross-compiled linux-x64 executable reports its build and serves /health', async () => {
  const binary = join(outDir, `grok2api-${version}-linux-x64`);
  const versionRun = Bun.spawnSync([binary, '--version'], { stdout: 'pipe' });
  expect(versionRun.stdout.toString()).toStartWith(`grok2api ${version} (commit `);
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-release-data-'));
  try {
    const server = await startBinary([binary, 'serve'], {
      env: { DATA_DIR: dataDir, SERVER_PORT: '0', SERVER_HOST: '127.0.0.1' },
    });
    try {
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
