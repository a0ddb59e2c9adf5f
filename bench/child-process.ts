import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts a benchmark's helper process (simulator, gateway, proxy) and waits until its stdout
 * says where it listens. Its stdout keeps being drained, so the child never blocks on a full pipe.
 */
export async function startProcess(command: string[], env: Record<string, string>, ready: RegExp) {
  const child = Bun.spawn(command, { env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'inherit' });
  const reader = child.stdout.getReader();
  let output = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${command.join(' ')} exited: ${output}`);
    output += new TextDecoder().decode(value);
    const match = ready.exec(output);
    if (match) {
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return { child, url: match[1]! };
    }
  }
}

export interface BenchStackOptions {
  /** Names the temp folder and the accounts (`<label>-account-<n>`). */
  label: string;
  accounts: number;
  /** The gateway's client API key. */
  apiKey: string;
  /** Extra gateway environment (config keys). */
  gatewayEnv?: Record<string, string>;
  /** Bun flags for the gateway process (e.g. the CPU profiler). */
  gatewayBunFlags?: string[];
  /** A compiled gateway (`bun scripts/build.ts`) to run instead of `bun src/index.ts`. */
  gatewayBinary?: string;
  /** Environment for both processes (e.g. BUN_CONFIG_MAX_HTTP_REQUESTS). */
  processEnv?: Record<string, string>;
}

/**
 * The simulator and a gateway pointed at it, each in its own process, sharing `accounts` Basic
 * accounts with quotas a benchmark never exhausts; `stop()` ends both and removes the data folder.
 */
export async function startBenchStack(options: BenchStackOptions) {
  const bun = process.execPath;
  const processEnv = options.processEnv ?? {};
  const dataDir = mkdtempSync(join(tmpdir(), `grok2api-${options.label}-`));
  const tokens = Array.from({ length: options.accounts }, (_, index) => `${options.label}-account-${index}`);
  writeFileSync(
    join(dataDir, 'token.json'),
    JSON.stringify({ ssoBasic: tokens.map((token) => ({ token, quota: 1_000_000_000 })) }),
  );
  const simulator = await startProcess(
    [bun, 'src/simulator/main.ts'],
    { ...processEnv, SIMULATOR_PORT: '0', SIMULATOR_ACCEPT_ANY_TOKEN: 'false' },
    /listening on (http:\/\/\S+)/,
  );
  for (const token of tokens) {
    await fetch(`${simulator.url}/__simulator/accounts`, {
      method: 'POST',
      body: JSON.stringify({ token, tier: 'basic', quotas: { fast: { total: 1_000_000_000, windowSeconds: 86_400 } } }),
    });
  }
  const gateway = await startProcess(
    options.gatewayBinary ? [options.gatewayBinary] : [bun, ...(options.gatewayBunFlags ?? []), 'src/index.ts'],
    {
      ...processEnv,
      DATA_DIR: dataDir,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
      LOG_FILE_ENABLED: 'false',
      LOG_LEVEL: 'info', // the ready line (its URL) is an info log
      GROK_BASE_URL: simulator.url,
      GROK_ASSETS_URL: simulator.url,
      GROK_ACCOUNTS_URL: simulator.url,
      GROK2API_APP_API_KEY: options.apiKey,
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      ...options.gatewayEnv,
    },
    /"url":"(http:\/\/[^"]+)"/,
  );
  return {
    simulator,
    gateway,
    dataDir,
    tokens,
    async stop() {
      gateway.child.kill('SIGTERM');
      simulator.child.kill('SIGTERM');
      await Promise.all([gateway.child.exited, simulator.child.exited]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
