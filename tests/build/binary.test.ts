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

test('inside the binary, impit (upstream.http_client) and the gateway WebSocket both reach the upstream', async () => {
  const { startSimulator } = await import('../../src/simulator/server');
  const simulator = await startSimulator({ accounts: [{ token: 'binary-account', tier: 'basic' }] });
  const dataDir = join(workDir, 'data-impit');
  require('node:fs').mkdirSync(dataDir, { recursive: true });
  await Bun.write(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: ['binary-account'] }));
  const start = (transport: string) =>
    Bun.spawn([binary], {
      // Run from the temporary folder: no node_modules next to it, so impit must be inside the binary.
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        SERVER_HOST: '127.0.0.1',
        SERVER_PORT: '0',
        LOG_FILE_ENABLED: 'false',
        GROK_BASE_URL: simulator.url,
        GROK_ASSETS_URL: simulator.url,
        GROK2API_APP_API_KEY: 'sk-binary',
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
        GROK2API_UPSTREAM_HTTP_CLIENT: 'impit',
        GROK2API_UPSTREAM_CHAT_TRANSPORT: transport,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
  try {
    for (const transport of ['rest', 'ws']) {
      const child = start(transport);
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
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-binary', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'from the binary' }] }),
      });
      expect(response.status).toBe(200);
      child.kill('SIGTERM');
      await child.exited;
    }
    const paths = simulator.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths).toContain('POST /rest/app-chat/conversations/new');
    expect(paths).toContain('GET /ws/mgw/');
    // impit sent the REST call (Bun's fetch would add "connection: keep-alive").
    expect(simulator.requests.find((request) => request.path === '/rest/app-chat/conversations/new')!.headers.connection).toBeUndefined();
  } finally {
    await simulator.stop();
  }
}, 60_000);
