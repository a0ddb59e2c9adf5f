import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENTS_DIR,
  clientVersion,
  roundTrip,
  saveFixture,
  ONE_SUPER_ACCOUNT,
  startClientStack,
  type ClientStack,
  type RecordedRequest,
} from './harness';

/**
 * opencode (`opencode run`) with grok2api as a custom OpenAI-compatible provider in its config,
 * a throw-away HOME, and no update or model-list fetches. Besides the turn it also asks for a
 * session title (a second request without tools), which gets the simulator's default answer.
 */

const version = clientVersion('opencode-ai');
const binary = join(CLIENTS_DIR!, 'node_modules', '.bin', 'opencode');
let stack: ClientStack;
let home: string;
const sessions: RecordedRequest[][] = [];

beforeAll(async () => {
  console.log(`opencode-ai ${version}`);
  stack = await startClientStack(ONE_SUPER_ACCOUNT);
  home = mkdtempSync(join(tmpdir(), 'grok2api-opencode-home-'));
});
afterAll(async () => {
  saveFixture({ client: 'opencode-ai', version, sessions });
  await stack.stop();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  stack.harness.simulator.reset();
  stack.requests.length = 0;
  stack.respond = null;
});

async function opencodeRun(prompt: string) {
  const workdir = mkdtempSync(join(tmpdir(), 'grok2api-opencode-work-'));
  const configPath = join(home, 'opencode.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      provider: {
        grok2api: {
          npm: '@ai-sdk/openai-compatible',
          name: 'grok2api',
          options: { baseURL: `${stack.url}/v1`, apiKey: stack.apiKey },
          models: { 'grok-4.1-fast': { name: 'Grok 4.1 Fast' } },
        },
      },
      autoupdate: false,
      share: 'disabled',
    }),
  );
  const child = Bun.spawn([binary, 'run', '--model', 'grok2api/grok-4.1-fast', prompt], {
    cwd: workdir,
    env: {
      ...process.env,
      HOME: home,
      // opencode takes its project folder from PWD, not from the process's working directory.
      PWD: workdir,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      OPENCODE_CONFIG: configPath,
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
    },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  sessions.push([...stack.requests]);
  return { stdout, stderr, exitCode, workdir };
}

describe(`opencode ${version} (OpenAI-compatible provider)`, () => {
  test('a plain turn', async () => {
    stack.respond = (request) =>
      (request.body as { tools?: unknown[] }).tools?.length ? 'Hello from Grok.' : undefined;
    const result = await opencodeRun('say hi');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Hello from Grok.');
    expect(stack.requests.every((request) => request.status === 200)).toBe(true);
  });

  test('a tool round trip: the model runs a shell command that writes a file', async () => {
    stack.respond = roundTrip(
      'bash',
      { command: 'echo written-by-opencode > proof.txt', description: 'Write proof.txt' },
      'The file is written.',
    );
    const result = await opencodeRun('write proof.txt');
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(result.workdir, 'proof.txt'), 'utf8').trim()).toBe('written-by-opencode');
    expect(result.stdout).toContain('The file is written.');
    expect(stack.requests.every((request) => request.status === 200)).toBe(true);
  });
});
