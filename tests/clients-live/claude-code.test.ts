import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENTS_DIR,
  clientVersion,
  saveFixture,
  startClientStack,
  type ClientStack,
  type RecordedRequest,
} from './harness';

/**
 * Claude Code (`claude -p`) against the gateway and the simulator, non-interactively and offline,
 * with its default tools: a plain turn and a Bash round trip that writes a file, once with
 * `--model grok-4.1-fast` and once with no `--model` (Claude Code then asks for its default
 * claude-* model, which the default model aliases map). Every request it sent is saved as a
 * fixture for tests/clients/anthropic-replay.test.ts.
 */

const PACKAGE = '@anthropic-ai/claude-code';

let stack: ClientStack;
let home: string;
let version: string;
const workDirs: string[] = [];

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  workDir: string;
}

/** Runs `claude -p <prompt> …` in a fresh folder with a throwaway HOME and all outside traffic off. */
async function claude(prompt: string, args: string[]): Promise<Run> {
  const workDir = mkdtempSync(join(tmpdir(), 'claude-code-work-'));
  workDirs.push(workDir);
  const child = Bun.spawn([join(CLIENTS_DIR!, 'node_modules', '.bin', 'claude'), '-p', prompt, ...args], {
    cwd: workDir,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      ANTHROPIC_BASE_URL: stack.url,
      ANTHROPIC_API_KEY: stack.apiKey,
      // Documented switches: no autoupdate, telemetry, error reporting or other non-essential calls.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
  });
  const deadline = setTimeout(() => child.kill(), 120_000);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(deadline);
  return { exitCode, stdout, stderr, workDir };
}

const messageRequests = () =>
  stack.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/messages'));
const bodyOf = (index: number) => messageRequests()[index]!.body as { model: string; messages: unknown[] };

const bashCall = (command: string) => {
  const call = { name: 'Bash', arguments: { command, description: 'Write the file' } };
  return `I will run it. <tool_call>${JSON.stringify(call)}</tool_call>`;
};

describe.skipIf(!CLIENTS_DIR)('Claude Code', () => {
  const sessions: RecordedRequest[][] = [];

  beforeAll(async () => {
    version = clientVersion(PACKAGE);
    console.log(`${PACKAGE} ${version}`);
    stack = await startClientStack();
    home = mkdtempSync(join(tmpdir(), 'claude-code-home-'));
  });

  afterAll(async () => {
    const path = saveFixture({ client: 'claude-code', version, sessions }, [
      ...workDirs.map((dir): [string, string] => [dir, '/workspace']),
      [home, '/home/user'],
    ]);
    if (path) console.log(`recorded ${sessions.flat().length} requests into ${path}`);
    await stack?.stop();
    for (const dir of [home, ...workDirs]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const runs: [string, string[]][] = [
    ['--model grok-4.1-fast', ['--model', 'grok-4.1-fast']],
    ['no --model (default claude-* id through the model aliases)', []],
  ];

  for (const [label, modelArgs] of runs) {
    test(`${label}: a plain turn`, async () => {
      stack.requests.length = 0;
      stack.harness.simulator.reset();
      stack.harness.simulator.script({ answer: 'Hi there, from Grok.' });
      const run = await claude('say hi', modelArgs);
      sessions.push([...stack.requests]);
      expect(run.stderr).not.toContain('API Error');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('Hi there, from Grok.');
      const model = bodyOf(0).model;
      if (modelArgs.length > 0) expect(model).toBe('grok-4.1-fast');
      else expect(model).toMatch(/^claude-/);
    });

    test(`${label}: a Bash round trip writes a file`, async () => {
      stack.requests.length = 0;
      stack.harness.simulator.reset();
      stack.harness.simulator.script({ answer: bashCall('echo written-by-claude-code > result.txt') });
      stack.harness.simulator.script({ answer: 'The file result.txt is written.' });
      const run = await claude('Write the word written-by-claude-code into result.txt using a shell command', [
        ...modelArgs,
        '--allowedTools',
        'Bash',
      ]);
      sessions.push([...stack.requests]);
      expect(run.exitCode).toBe(0);
      const file = join(run.workDir, 'result.txt');
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8').trim()).toBe('written-by-claude-code');
      expect(run.stdout).toContain('The file result.txt is written.');
      // The second request carries the Bash result back as a tool_result.
      expect(messageRequests()).toHaveLength(2);
      expect(JSON.stringify(bodyOf(1).messages)).toContain('"tool_result"');
    });
  }
});
