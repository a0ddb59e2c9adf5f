import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { silentLogger } from '../../src/logging/logger';
import { startServer, type RunningServer } from '../../src/server';
import { startSimulator } from '../../src/simulator/server';
import type { Simulator, SimulatorAccount, SimulatorOptions } from '../../src/simulator/types';
import { openStorage } from '../../src/storage';
import type { NewAccount, Storage } from '../../src/storage/types';
import { API_KEY, APP_KEY } from './gateway-harness';

/**
 * Several gateway instances, each with its own pool and DATA_DIR, on one shared store and one
 * simulator: what an operator runs behind a load balancer. `storage` is one more connection to the
 * store for the test's own reads.
 */

export interface Cluster {
  simulator: Simulator;
  servers: RunningServer[];
  clients: OpenAI[];
  storage: Storage;
  api(instance: number, path: string, init?: RequestInit): Promise<Response>;
  admin(instance: number, path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  storageType: string;
  storageUrl: string;
  /** Default 2. */
  instances?: number;
  /** Known to the simulator. */
  upstreamAccounts: SimulatorAccount[];
  /** Written to the store before the instances start. */
  accounts: NewAccount[];
  simulator?: SimulatorOptions;
  env?: Record<string, string>;
  schedulerTickMs?: number;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const simulator = await startSimulator({ ...options.simulator, accounts: options.upstreamAccounts });
  const storage = await openStorage({ type: options.storageType, url: options.storageUrl, dataDir: tmpdir() });
  await storage.accounts.insert(options.accounts);
  const dataDirs: string[] = [];
  const servers: RunningServer[] = [];
  for (let index = 0; index < (options.instances ?? 2); index++) {
    const dataDir = mkdtempSync(join(tmpdir(), `grok2api-cluster-${index}-`));
    dataDirs.push(dataDir);
    servers.push(
      await startServer({
        env: {
          DATA_DIR: dataDir,
          LOG_FILE_ENABLED: 'false',
          SERVER_STORAGE_TYPE: options.storageType,
          SERVER_STORAGE_URL: options.storageUrl,
          GROK_BASE_URL: simulator.url,
          GROK_ASSETS_URL: simulator.url,
          GROK_ACCOUNTS_URL: simulator.url,
          GROK2API_APP_API_KEY: API_KEY,
          GROK2API_APP_APP_KEY: APP_KEY,
          GROK2API_TOKEN_AUTO_REFRESH: 'false',
          ...options.env,
        },
        port: 0,
        hostname: '127.0.0.1',
        logger: silentLogger,
        schedulerTickMs: options.schedulerTickMs,
      }),
    );
  }
  const withKey =
    (key: string) =>
    (instance: number, path: string, init: RequestInit = {}) =>
      fetch(`${servers[instance]!.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
  return {
    simulator,
    servers,
    storage,
    clients: servers.map(
      (server) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0, timeout: 20_000 }),
    ),
    api: withKey(API_KEY),
    admin: withKey(APP_KEY),
    async stop() {
      for (const server of servers) await server.stop(1_000);
      await storage.close();
      await simulator.stop();
      for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` holds, up to `boundMs`; returns whether it did. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  boundMs: number,
  stepMs = 20,
): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await Bun.sleep(stepMs);
  }
  return check();
}
