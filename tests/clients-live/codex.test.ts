import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENTS_DIR,
  clientVersion,
  saveFixture,
  ONE_SUPER_ACCOUNT,
  startClientStack,
  toolCallAnswer,
  type ClientStack,
  type RecordedRequest,
} from './harness';

/**
 * Codex CLI (`codex exec`) with its default features, pointed at the gateway as a Responses
 * provider through a throw-away CODEX_HOME. Its default tools include a `namespace` tool
 * (multi_agent_v1) and web_search; its shell tool is `exec_command`.
 */

const version = clientVersion('@openai/codex');
const binary = join(CLIENTS_DIR!, 'node_modules', '.bin', 'codex');
let stack: ClientStack;
let codexHome: string;
const sessions: RecordedRequest[][] = [];

beforeAll(async () => {
  console.log(`@openai/codex ${version}`);
  stack = await startClientStack(ONE_SUPER_ACCOUNT);
  codexHome = mkdtempSync(join(tmpdir(), 'grok2api-codex-home-'));
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model = "grok-4.1-fast"',
      'model_provider = "grok2api"',
      '[model_providers.grok2api]',
      'name = "grok2api"',
      `base_url = "${stack.url}/v1"`,
      'env_key = "GROK2API_TEST_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  saveFixture({ client: '@openai/codex', version, sessions });
  await stack.stop();
  rmSync(codexHome, { recursive: true, force: true });
});
beforeEach(() => {
  stack.harness.simulator.reset();
  stack.requests.length = 0;
});

async function codexExec(prompt: string, workdir: string, model?: string) {
  const child = Bun.spawn(
    // Codex's own sandbox (bundled bubblewrap) lets the command write inside the work folder only.
    [binary, 'exec', '--skip-git-repo-check', '--sandbox', 'workspace-write', ...(model ? ['-m', model] : []), prompt],
    {
      cwd: workdir,
      env: { ...process.env, CODEX_HOME: codexHome, GROK2API_TEST_KEY: stack.apiKey },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    },
  );
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  sessions.push([...stack.requests]);
  return { stdout, stderr, exitCode };
}

describe(`Codex CLI ${version} (Responses provider, default features)`, () => {
  test('a plain turn', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'grok2api-codex-work-'));
    stack.harness.simulator.script({ answer: 'Hello from Grok.' });
    const result = await codexExec('say hi', workdir);
    expect(result.stderr).not.toContain('ERROR');
    expect(result.stderr).toContain(`provider: grok2api`);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Hello from Grok.');
    const tools = (stack.requests[0]!.body as { tools: { type: string }[] }).tools.map((tool) => tool.type);
    expect(tools).toContain('namespace');
  });

  test('a tool round trip: the model runs a shell command that writes a file', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'grok2api-codex-work-'));
    stack.harness.simulator.script({
      answer: toolCallAnswer('exec_command', { cmd: 'echo written-by-codex > proof.txt' }, 'Writing it.\n'),
    });
    stack.harness.simulator.script({ answer: 'The file is written.' });
    const result = await codexExec('write proof.txt', workdir);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(workdir, 'proof.txt'), 'utf8').trim()).toBe('written-by-codex');
    expect(result.stdout).toContain('The file is written.');
    const second = stack.requests.filter((request) => request.path.startsWith('/v1/responses'))[1]!.body as {
      input: { type: string }[];
    };
    expect(second.input.map((item) => item.type)).toContain('function_call_output');
  });

  test('a call to a tool inside the multi_agent namespace reaches that tool', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'grok2api-codex-work-'));
    stack.harness.simulator.script({
      answer: toolCallAnswer('multi_agent_v1__close_agent', { target: 'not-an-agent' }),
    });
    stack.harness.simulator.script({ answer: 'No such agent.' });
    const result = await codexExec('close the agent', workdir);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('No such agent.');
    const second = stack.requests.filter((request) => request.path.startsWith('/v1/responses'))[1]!.body as {
      input: { type: string; name?: string; namespace?: string; output?: string }[];
    };
    const call = second.input.find((item) => item.type === 'function_call');
    // Codex sends the call back with its namespace, and the output is the tool's own answer, not "unsupported call".
    expect(call).toMatchObject({ name: 'close_agent', namespace: 'multi_agent_v1' });
    const output = second.input.find((item) => item.type === 'function_call_output');
    expect(output?.output).not.toContain('unsupported');
    expect(existsSync(workdir)).toBe(true);
  });

  test('a thinking model: our reasoning items come back with encrypted_content null and are accepted', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'grok2api-codex-work-'));
    stack.harness.simulator.script({
      thinking: 'The user wants a file.',
      answer: toolCallAnswer('exec_command', { cmd: 'echo thought-through > proof.txt' }),
    });
    stack.harness.simulator.script({ answer: 'Written after thinking.' });
    const result = await codexExec('write proof.txt', workdir, 'grok-4.1-thinking');
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(workdir, 'proof.txt'), 'utf8').trim()).toBe('thought-through');
    expect(result.stdout).toContain('Written after thinking.');
    const second = stack.requests.filter((request) => request.path.startsWith('/v1/responses'))[1]!.body as {
      input: { type: string; encrypted_content?: string | null }[];
    };
    expect(second.input.find((item) => item.type === 'reasoning')).toMatchObject({ encrypted_content: null });
  });
});
