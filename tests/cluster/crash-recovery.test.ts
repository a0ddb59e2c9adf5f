import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/server';
import { openStorage } from '../../src/storage';
import { createPostgresDatabase } from '../storage/server-databases';

/**
 * kill -9 a real gateway process during a bulk import and during traffic, start it again on the
 * same store, and check every account is there and self-consistent. Runs on the default SQLite
 * file and on PostgreSQL.
 */

const APP_KEY = 'crash-admin';
const API_KEY = 'crash-api';
const root = mkdtempSync(join(tmpdir(), 'grok2api-crash-gateway-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(root, { recursive: true, force: true });
});

interface Gateway {
  url: string;
  kill(): Promise<void>;
}

async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, '..', '..', 'src', 'index.ts')], {
    env: {
      ...process.env,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
      LOG_FILE_ENABLED: 'false',
      LOG_LEVEL: 'info',
      GROK2API_APP_APP_KEY: APP_KEY,
      GROK2API_APP_API_KEY: API_KEY,
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      ...env,
    },
    stdout: 'pipe',
    stderr: 'ignore',
  });
  const reader = child.stdout.getReader();
  let output = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`gateway exited before listening: ${output.slice(-500)}`);
    output += new TextDecoder().decode(value);
    const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
    if (match) {
      void (async () => {
        while (!(await reader.read().catch(() => ({ done: true }))).done);
      })();
      return {
        url: match[1]!,
        async kill() {
          child.kill('SIGKILL');
          await child.exited;
        },
      };
    }
  }
}

const admin = (gateway: Gateway, path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json' },
  });

async function exportedAccounts(gateway: Gateway): Promise<(Record<string, unknown> & { token: string })[]> {
  return (await (await admin(gateway, '/v1/admin/tokens/export?format=json')).json()) as (Record<string, unknown> & {
    token: string;
  })[];
}

const stores: { name: string; env(): Promise<Record<string, string>> }[] = [
  {
    name: 'SQLite',
    env: async () => ({ DATA_DIR: mkdtempSync(join(root, 'data-')) }),
  },
  {
    name: 'PostgreSQL',
    env: async () => {
      const database = await createPostgresDatabase('crash');
      cleanups.push(() => database.drop());
      return {
        DATA_DIR: mkdtempSync(join(root, 'data-')),
        SERVER_STORAGE_TYPE: 'pgsql',
        SERVER_STORAGE_URL: database.url,
      };
    },
  },
];

for (const store of stores) {
  describe(`kill -9 on ${store.name}`, () => {
    test('during a bulk import: whole batches only, every stored account complete, and the import can simply be run again', async () => {
      const env = await store.env();
      const total = 60_000;
      const tokens = Array.from(
        { length: total },
        (_, index) => `crash-import-${index.toString().padStart(6, '0')}-eyJhbGciOiJIUzI1NiJ9`,
      );
      const content = tokens.join('\n');
      const observer = await openStorage({
        type: env.SERVER_STORAGE_TYPE ?? 'local',
        url: env.SERVER_STORAGE_URL,
        dataDir: env.DATA_DIR!,
      });
      let gateway = await startGateway(env);
      void admin(gateway, '/v1/admin/tokens/import', { method: 'POST', body: JSON.stringify({ content }) }).catch(
        () => {},
      );
      // Kill as soon as the first batches are in, while the rest is still being written.
      for (let attempt = 0; attempt < 2_000 && (await observer.accounts.count()) === 0; attempt++) await Bun.sleep(5);
      await gateway.kill();
      const survived = await observer.accounts.count();
      await observer.close();
      expect(survived).toBeGreaterThan(0);
      expect(survived).toBeLessThan(total);
      expect(survived % 1_000).toBe(0); // an import batch is one transaction: all of it or none

      gateway = await startGateway(env);
      const stored = await exportedAccounts(gateway);
      expect(stored).toHaveLength(survived);
      const known = new Set(tokens);
      for (const account of stored) {
        expect(known.has(account.token)).toBe(true);
        expect(account).toMatchObject({ pool: 'ssoBasic', status: 'active', quota: 80, use_count: 0, consumed: 0 });
      }
      const again = (await (
        await admin(gateway, '/v1/admin/tokens/import', { method: 'POST', body: JSON.stringify({ content }) })
      ).json()) as { added: number; merged: number };
      expect(again).toMatchObject({ added: total - survived, merged: survived });
      expect(await exportedAccounts(gateway)).toHaveLength(total);
      await gateway.kill();
    }, 120_000);

    test('during traffic: every account present, counters consistent, nothing charged twice', async () => {
      const env = await store.env();
      const simulator = await startSimulator({ acceptUnknownTokens: true, tokenDelayMs: 5 });
      const upstream = {
        GROK_BASE_URL: simulator.url,
        GROK_ASSETS_URL: simulator.url,
        GROK_ACCOUNTS_URL: simulator.url,
      };
      const tokens = Array.from({ length: 50 }, (_, index) => `crash-traffic-${index}-eyJhbGciOiJIUzI1NiJ9`);
      let gateway = await startGateway({ ...env, ...upstream });
      const imported = (await (
        await admin(gateway, '/v1/admin/tokens/import', {
          method: 'POST',
          body: JSON.stringify({ content: tokens.join('\n') }),
        })
      ).json()) as { added: number };
      expect(imported.added).toBe(50);

      let completed = 0;
      let stop = false;
      const loops = Array.from({ length: 8 }, async () => {
        while (!stop) {
          try {
            const response = await fetch(`${gateway.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
              body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hello' }] }),
            });
            if (response.status === 200) completed += 1;
            await response.arrayBuffer();
          } catch {
            return; // the gateway is gone
          }
        }
      });
      // Turns the upstream was asked for, over REST or the model-gateway WebSocket (the default transport).
      const chats = () =>
        simulator.requests.filter(
          (request) =>
            request.path === '/rest/app-chat/conversations/new' ||
            (request.method === 'WS' &&
              (request.body as { event?: { type?: string } }).event?.type === 'response.create'),
        ).length;
      for (let attempt = 0; attempt < 2_000 && chats() < 60; attempt++) await Bun.sleep(5);
      await gateway.kill();
      stop = true;
      await Promise.all(loops);
      const sentUpstream = chats();
      expect(completed).toBeGreaterThan(0);

      gateway = await startGateway({ ...env, ...upstream });
      const stored = (await exportedAccounts(gateway)) as unknown as {
        token: string;
        quota: number;
        consumed: number;
        use_count: number;
      }[];
      expect(stored.map((account) => account.token).sort()).toEqual([...tokens].sort());
      for (const account of stored) {
        expect(account.consumed).toBe(account.use_count);
        expect(account.quota).toBe(Math.max(0, 80 - account.use_count));
      }
      const charged = stored.reduce((sum, account) => sum + account.use_count, 0);
      expect(charged).toBeLessThanOrEqual(sentUpstream); // never charged twice
      expect(charged).toBeGreaterThanOrEqual(completed - 8); // at most one unwritten charge per client loop
      // And it still serves after the restart.
      const after = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'still there?' }] }),
      });
      expect(after.status).toBe(200);
      await gateway.kill();
      await simulator.stop();
    }, 120_000);
  });
}
