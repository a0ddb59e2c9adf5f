import { expect, test } from 'bun:test';
import { chat, readFrames, summarise } from './simulator-test-client';
import type { Simulator } from '../../src/simulator/server';

test('npm run simulator prints its URL, accepts any token and stops on SIGTERM', async () => {
  const child = Bun.spawn([process.execPath, 'src/simulator/main.ts'], {
    cwd: `${import.meta.dir}/../..`,
    env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_HOST: '127.0.0.1' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  try {
    const reader = child.stdout.getReader();
    let output = '';
    while (!output.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      output += new TextDecoder().decode(value);
    }
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(url).toBeDefined();
    expect(output.trim().split('\n')).toHaveLength(1);
    const remote = { url } as Simulator;
    const turn = summarise(await readFrames(await chat(remote, {}, { token: 'whatever-token' })));
    expect(turn.answer.join('')).toContain('Hello from the Grok simulator');
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
