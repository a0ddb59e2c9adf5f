import { join } from 'node:path';

/**
 * A gateway as its own process (`bun src/index.ts`), as in production: for tests that kill it, or
 * that must see it survive what they do to its storage. Resolves once it listens.
 */

export interface GatewayProcess {
  url: string;
  /** fetch with a Bearer key and a JSON content type. */
  fetchWith(key: string): (path: string, init?: RequestInit) => Promise<Response>;
  /** Its last warning and error log lines, whether it exited, and its stderr: for failure messages. */
  warnings(): string;
  /** `kill -9`: no shutdown, nothing released. */
  kill(): Promise<void>;
  /** SIGTERM, bounded, then SIGKILL. */
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, '..', '..', 'src', 'index.ts')], {
    env: {
      ...process.env,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
      LOG_FILE_ENABLED: 'false',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let errors = '';
  void (async () => {
    for await (const chunk of child.stderr) errors = (errors + new TextDecoder().decode(chunk)).slice(-4_000);
  })().catch(() => {});
  const reader = child.stdout.getReader();
  let output = '';
  let url: string | null = null;
  while (url === null) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`gateway exited before listening: ${output.slice(-500)}`);
    output += new TextDecoder().decode(value);
    url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? null;
  }
  void (async () => {
    // Keep its pipe drained, and the recent lines for failure messages.
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      output = (output + new TextDecoder().decode(value)).slice(-20_000);
    }
  })();
  const address = url;
  return {
    url: address,
    fetchWith:
      (key) =>
      (path, init = {}) =>
        fetch(`${address}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        }),
    warnings: () =>
      [
        ...output
          .split('\n')
          .filter((line) => /"level":"(warn|error)"/.test(line))
          .slice(-5),
        child.exitCode === null && child.signalCode === null ? '' : `exited: ${child.exitCode ?? child.signalCode}`,
        errors.slice(-1_500),
      ].join('\n'),
    async kill() {
      child.kill('SIGKILL');
      await child.exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([child.exited, Bun.sleep(10_000)]);
      child.kill('SIGKILL');
      await child.exited;
    },
  };
}
