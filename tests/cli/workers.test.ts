import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `serve` with SERVER_WORKERS=2 starts two processes on one port and stops both on SIGTERM. */

const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-workers-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

test('two workers listen on the same port, each with its own instance id', async () => {
  const port = freePort();
  const child = Bun.spawn([process.execPath, 'src/index.ts', 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      SERVER_PORT: String(port),
      SERVER_HOST: '127.0.0.1',
      SERVER_WORKERS: '2',
      LOG_FILE_ENABLED: 'false',
    },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = child.stdout.getReader();
  let output = '';
  const listening = () => output.split('\n').filter((line) => line.includes('"grok2api listening"'));
  while (listening().length < 2) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`exited early: ${output}`);
    output += new TextDecoder().decode(value);
  }
  const instances = listening().map((line) => (JSON.parse(line) as { instance: string; url: string }).instance);
  expect(new Set(instances).size).toBe(2);
  expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  child.kill('SIGTERM');
  expect(await child.exited).toBe(0);
}, 30_000);

/** The worker processes the supervisor has spawned so far (Linux: /proc/<pid>/task/<pid>/children). */
function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

test.skipIf(process.platform !== 'linux')(
  'a stop that arrives while the workers are still loading is a clean stop (exit 0), not their signal death',
  async () => {
    const child = Bun.spawn([process.execPath, 'src/index.ts', 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        SERVER_PORT: String(freePort()),
        SERVER_HOST: '127.0.0.1',
        SERVER_WORKERS: '2',
        LOG_FILE_ENABLED: 'false',
      },
      stdout: 'ignore',
      stderr: 'ignore',
    });
    // The supervisor installs its signal handlers in the same tick as it spawns the workers; the
    // workers have just begun loading their code and have no handler of their own yet.
    for (let attempt = 0; attempt < 3_000 && childrenOf(child.pid).length < 2; attempt++) await Bun.sleep(2);
    expect(childrenOf(child.pid)).toHaveLength(2);
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  },
  30_000,
);
