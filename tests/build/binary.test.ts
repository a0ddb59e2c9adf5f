import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The compiled executable starts like the README says and answers /health. */

let workDir: string;
let binary: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'grok2api-binary-'));
  binary = join(workDir, 'grok2api');
  const build = Bun.spawnSync([process.execPath, 'scripts/build.ts', '--outfile', binary], { stdout: 'pipe', stderr: 'pipe' });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('--version prints the package version', () => {
  const run = Bun.spawnSync([binary, '--version'], { stdout: 'pipe' });
  expect(run.exitCode).toBe(0);
  expect(run.stdout.toString().trim()).toBe((require('../../package.json') as { version: string }).version);
});

test('the binary serves /health and /ready on SQLite and stops cleanly on SIGTERM', async () => {
  const dataDir = join(workDir, 'data');
  const child = Bun.spawn([binary], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, SERVER_HOST: '127.0.0.1', SERVER_PORT: '0', LOG_FILE_ENABLED: 'false' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = child.stdout.getReader();
  let output = '';
  let url: string | null = null;
  while (!url) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`binary exited before listening: ${output}`);
    output += new TextDecoder().decode(value);
    url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? null;
  }
  reader.releaseLock();
  expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${url}/ready`);
  expect(ready.status).toBe(503); // no accounts yet
  expect(((await ready.json()) as { storage: { kind: string; status: string } }).storage).toEqual({ kind: 'sqlite', status: 'ok' });
  expect(await Bun.file(join(dataDir, 'grok2api.db')).exists()).toBe(true);
  child.kill('SIGTERM');
  expect(await child.exited).toBe(0);
}, 30_000);
