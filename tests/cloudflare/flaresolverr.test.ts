import { afterEach, describe, expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { ClearanceRefresher, type Scheduler } from '../../src/cloudflare/clearance-refresher';
import { parseSolution, solverEndpoint, type Clearance } from '../../src/cloudflare/flaresolverr';
import { ConfigSchema, type Config } from '../../src/config/schema';
import type { ConfigStore } from '../../src/config/store';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

// FlareSolverr refresh (docs/upstream-protocol.md §16) against a fake FlareSolverr.

const SOLVER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

function fakeSolver(answer: () => unknown) {
  const seen: { path: string; body: Record<string, unknown> }[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      seen.push({ path: new URL(request.url).pathname, body: (await request.json()) as Record<string, unknown> });
      return Response.json(answer());
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, seen, stop: () => server.stop(true) };
}

const solved = (clearance = 'fresh-clearance') => ({
  status: 'ok',
  message: 'Challenge solved!',
  solution: {
    url: 'https://grok.com/',
    status: 200,
    userAgent: SOLVER_UA,
    cookies: [
      { name: 'cf_clearance', value: clearance, domain: '.grok.com' },
      { name: '__cf_bm', value: 'bm-value', domain: '.grok.com' },
      { name: 'grok_device_id', value: 'not-forwarded', domain: '.grok.com' },
    ],
  },
});

let harness: Harness | null = null;
let solver: ReturnType<typeof fakeSolver> | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
  solver?.stop();
  solver = null;
});

async function readiness(h: Harness) {
  return (await (await fetch(`${h.server.url}/ready`)).json()) as {
    clearance: { refreshes: number; failures: number; lastError: string | null };
  };
}

describe('through the gateway', () => {
  test('a challenge triggers a refresh; the fresh cookies and User-Agent are then sent together', async () => {
    solver = fakeSolver(() => solved());
    const url = solver.url;
    harness = await startHarness({
      simulator: { requireCfClearance: 'fresh-clearance' },
      // One attempt, so the first request surely meets the challenge (with retries the refresh
      // often lands during the backoff and the same request succeeds).
      env: { GROK2API_PROXY_ENABLED: 'true', GROK2API_PROXY_FLARESOLVERR_URL: url, GROK2API_RETRY_MAX_RETRY: '1' },
    });
    const ask = () =>
      harness!.api('/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
      });
    const first = await ask();
    expect(first.status).toBe(502);
    for (let i = 0; i < 100 && (await readiness(harness)).clearance.refreshes === 0; i++) await Bun.sleep(20);
    expect((await readiness(harness)).clearance).toMatchObject({ refreshes: 1, failures: 0, lastError: null });
    expect(solver.seen).toHaveLength(1);
    expect(solver.seen[0]).toEqual({
      path: '/v1',
      body: { cmd: 'request.get', url: harness.simulator.url, maxTimeout: 60000 },
    });

    const second = await ask();
    expect(second.status).toBe(200);
    const call = chatCalls(harness.simulator).at(-1)!;
    expect(call.cookies).toMatchObject({ cf_clearance: 'fresh-clearance', __cf_bm: 'bm-value' });
    expect(call.cookies.grok_device_id).toBeUndefined();
    expect(call.headers['user-agent']).toBe(SOLVER_UA);
    // The current release sends client hints only on the session and set-tos calls (§4.3).
    expect(call.headers['sec-ch-ua']).toBeUndefined();
  });

  test('a failed refresh keeps the last good values and shows in /ready and the admin status', async () => {
    solver = fakeSolver(() => ({
      status: 'error',
      message: 'Error solving the challenge. Timeout after 60.0 seconds.',
    }));
    const url = solver.url;
    harness = await startHarness({
      env: {
        GROK2API_PROXY_ENABLED: 'true',
        GROK2API_PROXY_FLARESOLVERR_URL: `${url}/v1/`,
        GROK2API_PROXY_CF_CLEARANCE: 'old-clearance',
      },
    });
    const refresh = await harness.admin('/v1/admin/diagnostics/clearance/refresh', { method: 'POST' });
    expect(((await refresh.json()) as { refreshed: boolean }).refreshed).toBe(false);
    const status = (await readiness(harness)).clearance;
    expect(status.failures).toBe(1);
    expect(status.lastError).toContain('Timeout after 60.0 seconds');
    const config = (await (await harness.admin('/v1/admin/config?reveal=true')).json()) as Config;
    expect(config.proxy.cf_clearance).toBe('old-clearance');
    expect(config.proxy.user_agent).not.toBe(SOLVER_UA);
  });

  test('on-demand refresh is refused with a clear error while it is off', async () => {
    harness = await startHarness();
    const response = await harness.admin('/v1/admin/diagnostics/clearance/refresh', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('proxy.enabled');
  });
});

describe('ClearanceRefresher', () => {
  function setup(overrides: Partial<Config['proxy']> = {}) {
    let config = Value.Create(ConfigSchema);
    Object.assign(config.proxy, { enabled: true, flaresolverr_url: 'http://solver', refresh_interval: 600 }, overrides);
    const store = {
      get: () => config,
      update: async (patch: { proxy?: Partial<Config['proxy']> }) => {
        config = { ...config, proxy: { ...config.proxy, ...patch.proxy } };
        return config;
      },
    } as unknown as ConfigStore;
    const scheduled: { ms: number; run: () => void }[] = [];
    const scheduler: Scheduler = { every: (ms, run) => (scheduled.push({ ms, run }), () => {}) };
    let clock = 1_000_000;
    const solves: number[] = [];
    let release = () => {};
    const solve = async (): Promise<Clearance> => {
      solves.push(clock);
      await new Promise<void>((resolve) => (release = resolve));
      return { clearance: `c${solves.length}`, cookies: '', userAgent: SOLVER_UA, browser: 'chrome142' };
    };
    const refresher = new ClearanceRefresher({ config: store, scheduler, now: () => clock, solve });
    return {
      refresher,
      scheduled,
      solves,
      config: () => config,
      release: () => release(),
      advance: (ms: number) => (clock += ms),
    };
  }

  test('scheduled every proxy.refresh_interval, and only while enabled', async () => {
    const { refresher, scheduled, solves, release, config } = setup();
    refresher.start();
    expect(scheduled[0]!.ms).toBe(600_000);
    scheduled[0]!.run();
    release();
    await refresher.refresh();
    expect(solves).toHaveLength(1);
    expect(config().proxy).toMatchObject({ cf_clearance: 'c1', user_agent: SOLVER_UA, browser: 'chrome142' });
    config().proxy.enabled = false;
    scheduled[0]!.run();
    expect(solves).toHaveLength(1);
  });

  test('one refresh at a time; on-demand refreshes at most once a minute', async () => {
    const { refresher, solves, release, advance } = setup();
    const first = refresher.refresh();
    const joined = refresher.refresh();
    refresher.onChallenge();
    release();
    expect(await first).toBe(true);
    expect(await joined).toBe(true);
    expect(solves).toHaveLength(1);
    refresher.onChallenge();
    expect(solves).toHaveLength(1);
    advance(61_000);
    refresher.onChallenge();
    expect(solves).toHaveLength(2);
    release();
  });
});

describe('parseSolution', () => {
  test('keeps only Cloudflare cookies and derives the browser from the User-Agent', () => {
    expect(parseSolution(solved('abc'))).toEqual({
      clearance: 'abc',
      cookies: '__cf_bm=bm-value',
      userAgent: SOLVER_UA,
      browser: 'chrome142',
    });
  });

  test('a solve without cookies is valid (no challenge on that egress); without a User-Agent it is not', () => {
    expect(parseSolution({ status: 'ok', solution: { userAgent: SOLVER_UA, cookies: [] } }).clearance).toBe('');
    expect(() => parseSolution({ status: 'ok', solution: { cookies: [] } })).toThrow('User-Agent');
    expect(() => parseSolution({ status: 'error', message: 'boom' })).toThrow('boom');
  });

  test('the endpoint always ends in /v1', () => {
    expect(solverEndpoint('http://fs:8191')).toBe('http://fs:8191/v1');
    expect(solverEndpoint('http://fs:8191/v1/')).toBe('http://fs:8191/v1');
  });
});
