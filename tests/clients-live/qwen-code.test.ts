import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
 * qwen-code (`qwen -p`) on its OpenAI provider (OPENAI_BASE_URL / OPENAI_API_KEY / OPENAI_MODEL),
 * with a throw-away HOME. Tools only run unattended with `--yolo`.
 */

const version = clientVersion('@qwen-code/qwen-code');
const binary = join(CLIENTS_DIR!, 'node_modules', '.bin', 'qwen');
let stack: ClientStack;
let home: string;
const sessions: RecordedRequest[][] = [];

beforeAll(async () => {
  console.log(`@qwen-code/qwen-code ${version}`);
  stack = await startClientStack(ONE_SUPER_ACCOUNT);
  home = mkdtempSync(join(tmpdir(), 'grok2api-qwen-home-'));
});
afterAll(async () => {
  saveFixture({ client: '@qwen-code/qwen-code', version, sessions });
  await stack.stop();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  stack.harness.simulator.reset();
  stack.requests.length = 0;
  stack.respond = null;
});

async function qwen(prompt: string, extra: string[] = []) {
  const workdir = mkdtempSync(join(tmpdir(), 'grok2api-qwen-work-'));
  const child = Bun.spawn([binary, '-p', prompt, ...extra], {
    cwd: workdir,
    env: {
      ...process.env,
      PWD: workdir,
      HOME: home,
      OPENAI_BASE_URL: `${stack.url}/v1`,
      OPENAI_API_KEY: stack.apiKey,
      OPENAI_MODEL: 'grok-4.1-fast',
      QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
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

describe(`qwen-code ${version} (OpenAI provider)`, () => {
  test('a plain turn', async () => {
    stack.respond = (request) =>
      (request.body as { tools?: unknown[] }).tools?.length ? 'Hello from Grok.' : undefined;
    const result = await qwen('say hi');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Hello from Grok.');
    expect(stack.requests.every((request) => request.status === 200)).toBe(true);
  });

  test('a tool round trip: the model runs a shell command that writes a file', async () => {
    stack.respond = roundTrip(
      'run_shell_command',
      { command: 'echo written-by-qwen > proof.txt' },
      'The file is written.',
    );
    const result = await qwen('write proof.txt', ['--yolo']);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(result.workdir, 'proof.txt'), 'utf8').trim()).toBe('written-by-qwen');
    expect(result.stdout).toContain('The file is written.');
    expect(stack.requests.every((request) => request.status === 200)).toBe(true);
  });
});
