import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModel } from '../../src/catalog/models';
import { quotaModesOf } from '../../src/pool/quota-modes';
import { chatCalls } from '../helpers/gateway-harness';
import { eventually, startCluster, type Cluster } from '../helpers/cluster-harness';
import { createMysqlDatabase, createPostgresDatabase, REDIS_URL, redisPrefix } from '../storage/server-databases';

/**
 * Two gateway instances, each with its own pool, on one shared store, against one simulator: the
 * four promises of the multi-instance setup, on every networked driver and on one SQLite file.
 * Push drivers (Redis, PostgreSQL) must spread a change within a second; MySQL and SQLite poll
 * their change feed (deletions included) every second.
 */

const MODEL = 'grok-4';
const COST = findModel(MODEL)!.cost;
const upstreamAccounts = [
  { token: 'acct-a', tier: 'basic' as const },
  { token: 'acct-b', tier: 'basic' as const },
];

interface Store {
  url: string;
  drop(): Promise<void>;
}

const redisRun = redisPrefix('cluster');
let redisStores = 0;
const cleanups: (() => Promise<void>)[] = [];
// One database per test is dropped here; on a busy machine that outlasts the default 5 s.
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await redisRun.drop();
}, 60_000);

const drivers: { type: string; propagationMs: number; freshStore(): Promise<Store> }[] = [
  {
    type: 'redis',
    propagationMs: 1_000,
    freshStore: async () => ({ url: `${REDIS_URL}?prefix=${redisRun.prefix}${redisStores++}:`, drop: async () => {} }),
  },
  { type: 'pgsql', propagationMs: 1_000, freshStore: () => createPostgresDatabase('cluster') },
  { type: 'mysql', propagationMs: 2_500, freshStore: () => createMysqlDatabase('cluster') },
  {
    // One database file shared by the instances (as workers on one host): notices by polling, like MySQL.
    type: 'sqlite',
    propagationMs: 2_500,
    freshStore: async () => {
      const folder = mkdtempSync(join(tmpdir(), 'grok2api-cluster-sqlite-'));
      return { url: join(folder, 'shared.db'), drop: async () => rmSync(folder, { recursive: true, force: true }) };
    },
  },
];

const ssoOf = (request: { cookies: Record<string, string> }) => request.cookies.sso;

for (const driver of drivers) {
  describe(`two instances on ${driver.type}`, () => {
    let cluster: Cluster | null = null;
    afterEach(async () => {
      await cluster?.stop();
      cluster = null;
    });

    async function start(
      options: {
        env?: Record<string, string>;
        accounts?: Parameters<typeof startCluster>[0]['accounts'];
        schedulerTickMs?: number;
      } = {},
    ) {
      const store = await driver.freshStore();
      cleanups.push(() => store.drop());
      cluster = await startCluster({
        storageType: driver.type,
        storageUrl: store.url,
        upstreamAccounts,
        accounts:
          options.accounts ??
          upstreamAccounts.map((account) => ({ token: account.token, pool: 'ssoBasic', quota: 50 })),
        env: options.env,
        schedulerTickMs: options.schedulerTickMs,
      });
      return cluster;
    }

    test('the per-account concurrency limit holds across instances', async () => {
      const running = await start({ env: { GROK2API_TOKEN_MAX_INFLIGHT_PER_ACCOUNT: '1' } });
      // Slow answers, so every request below is in flight at the same time.
      running.simulator.setOptions({ tokenDelayMs: 150 });
      for (let index = 0; index < 6; index++)
        running.simulator.script({ answerTokens: Array.from({ length: 10 }, (_, token) => `t${token} `) });
      const requests = Array.from({ length: 6 }, (_, index) =>
        running.api(index % 2, '/v1/chat/completions', {
          method: 'POST',
          body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
        }),
      );
      const responses = await Promise.all(requests);
      const statuses = responses.map((response) => response.status).sort();
      // Two accounts, one request each: two answers, the rest told to retry — whichever instance they hit.
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
      const calls = chatCalls(running.simulator);
      expect(calls.map(ssoOf).sort()).toEqual(['acct-a', 'acct-b']);
    });

    test('quota is charged exactly once per request, whichever instance served it', async () => {
      const running = await start();
      const requests = Array.from({ length: 20 }, (_, index) =>
        running.clients[index % 2]!.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `q${index}` }],
        }),
      );
      await Promise.all(requests);
      const calls = chatCalls(running.simulator);
      expect(calls.length).toBe(20);
      const expected = (token: string) => calls.filter((call) => ssoOf(call) === token).length * COST;
      // Charges are written just after the answer; wait (bounded) for the last ones.
      const settled = await eventually(async () => {
        const accounts = await running.storage.accounts.list();
        return accounts.reduce((sum, account) => sum + account.useCount, 0) === 20 * COST;
      }, 5_000);
      expect(settled).toBe(true);
      for (const token of ['acct-a', 'acct-b']) {
        const account = (await running.storage.accounts.get(token))!;
        expect(account.useCount).toBe(expected(token));
        expect(account.quota).toBe(50 - expected(token));
      }
    });

    test('exactly one instance runs a quota refresh', async () => {
      const running = await start({
        env: { GROK2API_TOKEN_AUTO_REFRESH: 'true' },
        schedulerTickMs: 40,
        accounts: upstreamAccounts.map((account) => ({
          token: account.token,
          pool: 'ssoBasic',
          quota: 0,
          status: 'cooling' as const,
        })),
      });
      // A slow upstream keeps each pass running long enough that both instances' ticks overlap it.
      running.simulator.enqueueFault({
        kind: 'slow_first_byte',
        delayMs: 400,
        times: Infinity,
        match: { path: '/rest/rate-limits' },
      });
      const synced = await eventually(
        async () => (await running.storage.accounts.list({ status: 'active' })).length === 2,
        10_000,
      );
      expect(synced).toBe(true);
      await Bun.sleep(600); // more ticks on both instances: none may sync again
      const refreshes = running.simulator.requests.filter((request) => request.path === '/rest/rate-limits');
      // One rate-limits call per account and upstream mode (§14.1), none repeated.
      const modeOf = (request: { body: unknown }) => (request.body as { modelName?: string }).modelName;
      // Basic accounts: only the modes a Basic tier can use (docs/upstream-protocol.md §14.2).
      const basicModes = quotaModesOf().filter((mode) => mode === 'fast' || mode === 'auto');
      const expected = ['acct-a', 'acct-b'].flatMap((token) => basicModes.map((mode) => `${token}:${mode}`)).sort();
      expect(refreshes.map((request) => `${ssoOf(request)}:${modeOf(request)}`).sort()).toEqual(expected);
    });

    test('an account disabled on one instance is never picked by the other, and the change reaches it', async () => {
      const running = await start();
      const patched = await running.admin(0, '/v1/admin/tokens', {
        method: 'PATCH',
        body: JSON.stringify({ token: 'acct-a', status: 'disabled' }),
      });
      expect(patched.status).toBe(200);
      const before = chatCalls(running.simulator).length;
      for (let index = 0; index < 8; index++) {
        await running.clients[1]!.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `after ${index}` }],
        });
      }
      // A chat call on either transport (the default `auto` chats over the gateway).
      const after = chatCalls(running.simulator).slice(before);
      expect(after.length).toBe(8);
      expect(after.every((request) => ssoOf(request) === 'acct-b')).toBe(true);
      const activeOn = async (instance: number) =>
        ((await (await running.api(instance, '/ready')).json()) as { accounts: { active: number } }).accounts.active;
      expect(await eventually(async () => (await activeOn(1)) === 1, driver.propagationMs)).toBe(true);
    });

    test('selection does not refuse while usable accounts exist, even when every account it tried was stale', async () => {
      // 40 better-placed accounts, then disabled in the store behind the instances' backs (as a bulk
      // disable on a third instance whose notices have not arrived): more than one round of tries.
      const stale = Array.from({ length: 40 }, (_, index) => ({
        token: `stale-${index}`,
        pool: 'ssoBasic',
        quota: 1_000,
      }));
      const running = await start({
        accounts: [
          ...stale,
          ...upstreamAccounts.map((account) => ({ token: account.token, pool: 'ssoBasic', quota: 50 })),
        ],
      });
      for (const account of stale) await running.storage.accounts.update(account.token, { status: 'disabled' });
      const response = await running.api(1, '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      expect(
        chatCalls(running.simulator)
          .map(ssoOf)
          .every((token) => token === 'acct-a' || token === 'acct-b'),
      ).toBe(true);
    });

    test('selection does not refuse while accounts added elsewhere have not reached this instance yet', async () => {
      // Added to the store behind the instances' backs, as by another instance a moment ago: no notice.
      const running = await start({ accounts: [] });
      await running.storage.accounts.insert(
        upstreamAccounts.map((account) => ({ token: account.token, pool: 'ssoBasic', quota: 50 })),
      );
      const response = await running.api(1, '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
    });

    test('an import and a replace on one instance reach the other as deltas', async () => {
      const running = await start();
      const activeOn = async (instance: number) =>
        ((await (await running.api(instance, '/ready')).json()) as { accounts: { active: number } }).accounts.active;
      // More than one notice can name: the other instance reads its change feed instead.
      const imported = Array.from({ length: 150 }, (_, index) => `imported-token-${index}`);
      const response = await running.admin(0, '/v1/admin/tokens/import', {
        method: 'POST',
        body: JSON.stringify({ content: imported.join('\n'), format: 'txt' }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { added: number }).added).toBe(150);
      expect(await activeOn(0)).toBe(152);
      expect(await eventually(async () => (await activeOn(1)) === 152, driver.propagationMs)).toBe(true);
      const kept = { token: 'acct-a', pool: 'ssoBasic' };
      const replaced = await running.admin(0, '/v1/admin/tokens', {
        method: 'POST',
        body: JSON.stringify({ ssoBasic: [kept] }),
      });
      expect(replaced.status).toBe(200);
      expect(await eventually(async () => (await activeOn(1)) === 1, driver.propagationMs)).toBe(true);
    });

    test('a config change on one instance reaches the other', async () => {
      const running = await start();
      const updated = await running.admin(0, '/v1/admin/config', {
        method: 'POST',
        body: JSON.stringify({ token: { max_inflight_per_account: 7 } }),
      });
      expect(updated.status).toBe(200);
      const valueOn = async (instance: number) =>
        (
          (await (await running.admin(instance, '/v1/admin/config')).json()) as {
            token: { max_inflight_per_account: number };
          }
        ).token.max_inflight_per_account;
      expect(await eventually(async () => (await valueOn(1)) === 7, driver.propagationMs)).toBe(true);
    });
  });
}
