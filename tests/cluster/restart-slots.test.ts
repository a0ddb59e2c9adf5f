import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { createPostgresDatabase } from '../storage/server-databases';

/**
 * `kill -9` a gateway while a stream holds its account's only request slot
 * (`token.max_inflight_per_account = 1`), then start it again with the same identity: the slot is
 * free at once, not after `token.lease_ttl_sec` (120 s). A gateway with another identity started
 * in between still finds the slot taken, which shows the store really kept it. Runs on the default
 * SQLite file (identity kept in the data folder) and on PostgreSQL with `SERVER_INSTANCE_ID` (each
 * run gets a fresh data folder, so only the variable carries the identity).
 */

const API_KEY = 'restart-api';
const ACCOUNT = 'restart-slot-account';
const root = mkdtempSync(join(tmpdir(), 'grok2api-restart-slots-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  rmSync(root, { recursive: true, force: true });
}, 30_000);

const chat = (gateway: GatewayProcess, stream: boolean) =>
  gateway.fetchWith(API_KEY)('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', stream, messages: [{ role: 'user', content: 'hello' }] }),
    ...(stream ? {} : { signal: AbortSignal.timeout(15_000) }),
  });

/** A slow, long stream: it holds the account's slot until the gateway is killed. */
async function holdSlot(gateway: GatewayProcess, simulator: Simulator): Promise<void> {
  simulator.setOptions({ tokenDelayMs: 100 });
  simulator.script({ answerTokens: Array.from({ length: 600 }, (_, index) => `word${index} `) });
  const response = await chat(gateway, true);
  simulator.setOptions({ tokenDelayMs: 0 });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain('data:');
  void reader.read().catch(() => {}); // ends when the gateway dies
}

interface Store {
  name: string;
  /** Environment for one run; `identity` is the instance the run should be. */
  env(identity: 'first' | 'other'): Promise<Record<string, string>>;
}

function sqliteStore(): Store {
  const dataDir = mkdtempSync(join(root, 'sqlite-'));
  writeFileSync(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: [ACCOUNT] }));
  return {
    name: 'SQLite (identity kept in DATA_DIR)',
    env: async (identity) => ({
      DATA_DIR: dataDir,
      ...(identity === 'other' ? { SERVER_INSTANCE_ID: 'another-instance' } : {}),
    }),
  };
}

function postgresStore(): Store {
  let url: string | null = null;
  return {
    name: 'PostgreSQL (SERVER_INSTANCE_ID)',
    env: async (identity) => {
      if (url === null) {
        const database = await createPostgresDatabase('restart');
        cleanups.push(() => database.drop());
        url = database.url;
      }
      const dataDir = mkdtempSync(join(root, 'postgres-'));
      writeFileSync(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: [ACCOUNT] }));
      const instance = identity === 'first' ? 'gateway-a' : 'gateway-b';
      return { DATA_DIR: dataDir, SERVER_STORAGE_TYPE: 'pgsql', SERVER_STORAGE_URL: url, SERVER_INSTANCE_ID: instance };
    },
  };
}

for (const makeStore of [sqliteStore, postgresStore]) {
  const store = makeStore();
  describe(`restart after kill -9 on ${store.name}`, () => {
    test('the same identity frees the slots its earlier run held; another identity does not', async () => {
      const simulator = await startSimulator({ accounts: [{ token: ACCOUNT, tier: 'basic' }] });
      cleanups.push(() => simulator.stop());
      const common = {
        GROK_BASE_URL: simulator.url,
        GROK_ASSETS_URL: simulator.url,
        GROK_ACCOUNTS_URL: simulator.url,
        GROK2API_APP_API_KEY: API_KEY,
        GROK2API_APP_APP_KEY: 'restart-admin',
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
        GROK2API_TOKEN_MAX_INFLIGHT_PER_ACCOUNT: '1',
      };

      const first = await startGatewayProcess({ ...common, ...(await store.env('first')) });
      await holdSlot(first, simulator);
      expect((await chat(first, false)).status).toBe(429); // the one slot is taken
      await first.kill();

      const other = await startGatewayProcess({ ...common, ...(await store.env('other')) });
      const refused = await chat(other, false);
      expect(refused.status, other.warnings()).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('no_available_account');
      await other.stop();

      const again = await startGatewayProcess({ ...common, ...(await store.env('first')) });
      cleanups.push(() => again.stop());
      const served = await chat(again, false);
      expect(served.status, `${await served.clone().text()} ${again.warnings()}`).toBe(200);
      expect(
        ((await served.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content.length,
      ).toBeGreaterThan(0);
    }, 60_000);
  });
}
