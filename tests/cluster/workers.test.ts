import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/server';

/**
 * SERVER_WORKERS=2 on the default SQLite file: two processes share one port and one database
 * file, and the per-account concurrency limit holds across them (slots in the shared file).
 */

const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-workers-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function freePort(): number {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

test('two worker processes on one SQLite file keep the per-account limit between them', async () => {
  const simulator = await startSimulator({
    accounts: [
      { token: 'worker-a', tier: 'basic' },
      { token: 'worker-b', tier: 'basic' },
    ],
    tokenDelayMs: 150,
  });
  for (let index = 0; index < 8; index++)
    simulator.script({ answerTokens: Array.from({ length: 10 }, (_, token) => `w${token} `) });
  writeFileSync(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: ['worker-a', 'worker-b'] }));
  const port = freePort();
  const supervisor = Bun.spawn([process.execPath, join(import.meta.dir, '..', '..', 'src', 'index.ts')], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      SERVER_WORKERS: '2',
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      LOG_FILE_ENABLED: 'false',
      LOG_LEVEL: 'info',
      GROK_BASE_URL: simulator.url,
      GROK_ASSETS_URL: simulator.url,
      GROK_ACCOUNTS_URL: simulator.url,
      GROK2API_APP_API_KEY: 'workers-key',
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      GROK2API_TOKEN_MAX_INFLIGHT_PER_ACCOUNT: '1',
      // The turns are counted on the REST chat path below.
      GROK2API_UPSTREAM_CHAT_TRANSPORT: 'rest',
    },
    stdout: 'pipe',
    stderr: 'ignore',
  });
  try {
    const reader = supervisor.stdout.getReader();
    let output = '';
    while ((output.match(/grok2api listening/g) ?? []).length < 2) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`workers exited: ${output.slice(-400)}`);
      output += new TextDecoder().decode(value);
    }
    void (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();

    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer workers-key', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] }),
        }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 429, 429, 429, 429, 429, 429]);
    const turns = simulator.requests.filter((request) => request.path === '/rest/app-chat/conversations/new');
    expect(turns.map((request) => request.cookies.sso).sort()).toEqual(['worker-a', 'worker-b']);
  } finally {
    supervisor.kill('SIGTERM');
    await supervisor.exited;
    await simulator.stop();
  }
}, 60_000);
