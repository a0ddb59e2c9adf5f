import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { ClearanceRefresher, type Scheduler } from '../../src/cloudflare/clearance-refresher';
import type { Clearance } from '../../src/cloudflare/flaresolverr';
import { ConfigSchema, type Config } from '../../src/config/schema';
import type { ConfigStore } from '../../src/config/store';
import { openStorage } from '../../src/storage';
import type { Storage } from '../../src/storage/types';
import { chatCalls } from '../helpers/gateway-harness';
import { eventually, startCluster, type Cluster } from '../helpers/cluster-harness';
import { REDIS_URL, redisPrefix } from '../storage/server-databases';

// FlareSolverr refresh across instances sharing one store (issue 7 item 4): one solve at a time,
// one per burst of challenges, the fresh values reaching every instance, failures visible on all.

const SOLVER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

/** A FlareSolverr that counts its calls, answers what `answer` says, and can be held mid-solve. */
function fakeSolver() {
  let calls = 0;
  let held: Promise<void> | null = null;
  let unhold = () => {};
  let answer: () => unknown = () => solved('fresh-clearance');
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      calls++;
      await request.json();
      if (held) await held;
      return Response.json(answer());
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    calls: () => calls,
    hold() {
      held = new Promise<void>((resolve) => (unhold = resolve));
    },
    release() {
      held = null;
      unhold();
    },
    answer(next: () => unknown) {
      answer = next;
    },
    stop: () => server.stop(true),
  };
}

function solved(clearance: string) {
  return {
    status: 'ok',
    solution: {
      userAgent: SOLVER_UA,
      cookies: [
        { name: 'cf_clearance', value: clearance },
        { name: '__cf_bm', value: `bm-${clearance}` },
      ],
    },
  };
}

interface ClearanceReport {
  refreshes: number;
  failures: number;
  lastError: string | null;
  lastSkip: { reason: string } | null;
  cluster?: {
    instanceId: string;
    lastAttemptBy: string | null;
    lastSuccessBy: string | null;
    lastError: string | null;
  };
}

const upstreamAccounts = [{ token: 'acct-a', tier: 'basic' as const }];
const redisRun = redisPrefix('clearance');
let redisStores = 0;
const directories: string[] = [];
afterAll(async () => {
  await redisRun.drop();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const drivers: { type: string; url(): string }[] = [
  {
    type: 'sqlite',
    url: () => {
      const directory = mkdtempSync(join(tmpdir(), 'grok2api-clearance-'));
      directories.push(directory);
      return join(directory, 'shared.sqlite');
    },
  },
  { type: 'redis', url: () => `${REDIS_URL}?prefix=${redisRun.prefix}${redisStores++}:` },
];

for (const driver of drivers) {
  describe(`two instances on ${driver.type}`, () => {
    let cluster: Cluster | null = null;
    let solver: ReturnType<typeof fakeSolver> | null = null;
    afterEach(async () => {
      solver?.release();
      await cluster?.stop();
      cluster = null;
      solver?.stop();
      solver = null;
    });

    async function start(requireCfClearance: string | null) {
      solver = fakeSolver();
      cluster = await startCluster({
        storageType: driver.type,
        storageUrl: driver.url(),
        upstreamAccounts,
        accounts: [{ token: 'acct-a', pool: 'ssoBasic', quota: 50 }],
        simulator: { requireCfClearance },
        // One attempt, so each request below surely meets the challenge.
        env: {
          GROK2API_PROXY_ENABLED: 'true',
          GROK2API_PROXY_FLARESOLVERR_URL: solver.url,
          GROK2API_RETRY_MAX_RETRY: '1',
        },
      });
      return { cluster, solver };
    }
    const ask = (running: Cluster, instance: number) =>
      running.api(instance, '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
      });
    const report = async (running: Cluster, instance: number) =>
      ((await (await fetch(`${running.servers[instance]!.url}/ready`)).json()) as { clearance: ClearanceReport })
        .clearance;
    const proxyConfig = async (running: Cluster, instance: number) =>
      ((await (await running.admin(instance, '/v1/admin/config?reveal=true')).json()) as Config).proxy;

    test('challenges on both instances during one solve lead to one solve, whose values reach both', async () => {
      const { cluster: running, solver: fake } = await start('fresh-clearance');
      fake.hold();
      expect((await ask(running, 0)).status).toBe(502);
      expect(await eventually(() => fake.calls() === 1, 5_000)).toBe(true);
      expect((await ask(running, 1)).status).toBe(502);
      expect(
        await eventually(
          async () => (await report(running, 1)).lastSkip?.reason === 'another_instance_refreshing',
          5_000,
        ),
      ).toBe(true);
      fake.release();

      const applied = async (instance: number) => {
        const proxy = await proxyConfig(running, instance);
        return (
          proxy.cf_clearance === 'fresh-clearance' &&
          proxy.user_agent === SOLVER_UA &&
          proxy.cf_cookies === '__cf_bm=bm-fresh-clearance'
        );
      };
      expect(await eventually(async () => (await applied(0)) && (await applied(1)), 5_000)).toBe(true);
      expect((await proxyConfig(running, 1)).browser).toBe('chrome142');

      // The second instance now sends the values the first one solved for.
      expect((await ask(running, 1)).status).toBe(200);
      const call = chatCalls(running.simulator).at(-1)!;
      expect(call.cookies).toMatchObject({ cf_clearance: 'fresh-clearance', __cf_bm: 'bm-fresh-clearance' });
      expect(call.headers['user-agent']).toBe(SOLVER_UA);
      expect(fake.calls()).toBe(1);
      const first = await report(running, 0);
      expect(first).toMatchObject({ refreshes: 1, failures: 0 });
      expect(first.cluster!.lastSuccessBy).toBe(first.cluster!.instanceId);
      expect((await report(running, 1)).cluster!.lastSuccessBy).toBe(first.cluster!.instanceId);
    });

    test('a challenge on the other instance just after a solve is coalesced into it', async () => {
      const { cluster: running, solver: fake } = await start('fresh-clearance');
      expect((await ask(running, 0)).status).toBe(502);
      expect(
        await eventually(async () => (await proxyConfig(running, 1)).cf_clearance === 'fresh-clearance', 5_000),
      ).toBe(true);
      // Cloudflare changes its mind: the next challenge, met on the other instance, is within the
      // minute of the last solve by any instance, so it asks the store and is told to wait.
      running.simulator.setOptions({ requireCfClearance: 'newer-clearance' });
      expect((await ask(running, 1)).status).toBe(502);
      expect(
        await eventually(async () => (await report(running, 1)).lastSkip?.reason === 'recent_refresh', 5_000),
      ).toBe(true);
      expect(fake.calls()).toBe(1);
      expect((await report(running, 1)).refreshes).toBe(0);
    });

    test('a failed refresh keeps the last good values on every instance and shows on both', async () => {
      const { cluster: running, solver: fake } = await start(null);
      const first = (await (
        await running.admin(0, '/v1/admin/diagnostics/clearance/refresh', { method: 'POST' })
      ).json()) as { refreshed: boolean };
      expect(first.refreshed).toBe(true);
      expect(
        await eventually(async () => (await proxyConfig(running, 1)).cf_clearance === 'fresh-clearance', 5_000),
      ).toBe(true);

      fake.answer(() => ({ status: 'error', message: 'Error solving the challenge. Timeout after 60.0 seconds.' }));
      const second = (await (
        await running.admin(1, '/v1/admin/diagnostics/clearance/refresh', { method: 'POST' })
      ).json()) as ClearanceReport & {
        refreshed: boolean;
      };
      expect(second.refreshed).toBe(false);
      expect(second.lastError).toContain('Timeout after 60.0 seconds');
      expect(fake.calls()).toBe(2);
      for (const instance of [0, 1]) {
        const proxy = await proxyConfig(running, instance);
        expect(proxy).toMatchObject({ cf_clearance: 'fresh-clearance', user_agent: SOLVER_UA });
        // The instance that did not run the failed solve still shows it.
        const shared = (await report(running, instance)).cluster!;
        expect(shared.lastError).toContain('Timeout after 60.0 seconds');
        expect(shared.lastAttemptBy).toBe(second.cluster!.instanceId);
        expect(shared.lastSuccessBy).toBe((await report(running, 0)).cluster!.instanceId);
      }
    });
  });
}

describe('two refreshers on one SQLite file', () => {
  const opened: Storage[] = [];
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
  });

  async function instances(count: number) {
    const directory = mkdtempSync(join(tmpdir(), 'grok2api-clearance-unit-'));
    directories.push(directory);
    let solves = 0;
    let unhold = () => {};
    let held: Promise<void> | null = null;
    const solve = async (): Promise<Clearance> => {
      solves++;
      if (held) await held;
      return { clearance: `c${solves}`, cookies: '', userAgent: SOLVER_UA, browser: 'chrome142' };
    };
    let clock = 1_000_000;
    const made = [];
    for (let index = 0; index < count; index++) {
      const storage = await openStorage({
        type: 'sqlite',
        url: join(directory, 'shared.sqlite'),
        dataDir: directory,
        clock: () => clock,
      });
      opened.push(storage);
      let config = Value.Create(ConfigSchema);
      Object.assign(config.proxy, { enabled: true, flaresolverr_url: 'http://solver', refresh_interval: 600 });
      const store = {
        get: () => config,
        update: async (patch: { proxy?: Partial<Config['proxy']> }) =>
          (config = { ...config, proxy: { ...config.proxy, ...patch.proxy } }),
      } as unknown as ConfigStore;
      const ticks: (() => void)[] = [];
      const scheduler: Scheduler = { every: (_ms, run) => (ticks.push(run), () => {}) };
      const coordinator = storage.coordinator!;
      const refresher = new ClearanceRefresher({
        config: store,
        scheduler,
        now: () => clock,
        solve,
        cluster: {
          instanceId: coordinator.instanceId,
          tryLock: (name, ttl) => coordinator.tryLock(name, ttl),
          records: storage.records,
        },
      });
      refresher.start();
      made.push({ refresher, tick: () => ticks[0]!() });
    }
    return {
      made,
      solves: () => solves,
      advance: (ms: number) => (clock += ms),
      hold: () => (held = new Promise<void>((resolve) => (unhold = resolve))),
      release: () => {
        held = null;
        unhold();
      },
    };
  }

  test('every instance’s timer fires, one solve per interval', async () => {
    const { made, solves, advance } = await instances(2);
    const [a, b] = made;
    a!.tick();
    await a!.refresher.refresh('scheduled'); // joins the run the tick started
    advance(5_000);
    expect(await b!.refresher.refresh('scheduled')).toBe(false);
    expect(b!.refresher.status().lastSkip?.reason).toBe('recent_refresh');
    expect(solves()).toBe(1);
    // One interval later the first timer to fire solves again, the other does not.
    advance(600_000);
    expect(await b!.refresher.refresh('scheduled')).toBe(true);
    advance(5_000);
    expect(await a!.refresher.refresh('scheduled')).toBe(false);
    expect(solves()).toBe(2);
  });

  test('the operator’s refresh on one instance while the other solves is refused, not run twice', async () => {
    const { made, solves, hold, release } = await instances(2);
    const [a, b] = made;
    hold();
    const running = a!.refresher.refresh('manual');
    expect(await eventually(() => solves() === 1, 2_000)).toBe(true);
    expect(await b!.refresher.refresh('manual')).toBe(false);
    expect(b!.refresher.status().lastSkip?.reason).toBe('another_instance_refreshing');
    release();
    expect(await running).toBe(true);
    // The lock is free again: a manual refresh does not wait out the minute.
    expect(await b!.refresher.refresh('manual')).toBe(true);
    expect(solves()).toBe(2);
  });
});
