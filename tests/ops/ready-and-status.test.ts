import { afterEach, expect, test } from 'bun:test';
import packageJson from '../../package.json';
import { startHarness, type Harness, API_KEY } from '../helpers/gateway-harness';
import { Logger } from '../../src/logging/logger';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const chat = (h: Harness) =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'hi' }] }),
  });

test('/ready reports an upstream outage after five upstream-wide failures in a row, and recovers on a success', async () => {
  harness = await startHarness();
  const ready = () => fetch(`${harness!.server.url}/ready`);
  expect((await ready()).status).toBe(200);
  harness.simulator.enqueueFault({
    kind: 'server_error',
    status: 503,
    times: 5,
    match: { path: '/rest/app-chat/conversations/new' },
  });
  for (let attempt = 1; attempt <= 4; attempt++) expect((await chat(harness)).status).toBe(502);
  expect((await ready()).status).toBe(200); // four is not yet an outage
  expect((await chat(harness)).status).toBe(502);
  const down = await ready();
  expect(down.status).toBe(503);
  expect(await down.json()).toMatchObject({
    status: 'not_ready',
    accounts: { active: 1 },
    upstream: { status: 'outage', consecutiveFailures: 5, lastFailureKind: 'server_error' },
  });
  const metrics = await (await fetch(`${harness.server.url}/metrics`)).text();
  expect(metrics).toContain('\ngrok2api_upstream_outage 1\n');
  // The gateway keeps trying upstream during an outage; the first success ends it.
  expect((await chat(harness)).status).toBe(200);
  const up = await ready();
  expect(up.status).toBe(200);
  expect(((await up.json()) as { upstream: unknown }).upstream).toEqual({ status: 'ok' });
});

test('/v1/admin/status needs the admin key and reports versions, storage, instance and background jobs', async () => {
  harness = await startHarness();
  expect((await fetch(`${harness.server.url}/v1/admin/status`)).status).toBe(401);
  expect(
    (await fetch(`${harness.server.url}/v1/admin/status`, { headers: { authorization: `Bearer ${API_KEY}` } })).status,
  ).toBe(401);
  const response = await harness.admin('/v1/admin/status');
  expect(response.status).toBe(200);
  const status = (await response.json()) as Record<string, any>;
  expect(status.version).toBe('0.1.0-dev'); // from source; the binary test checks the baked-in one
  expect(packageJson.version.startsWith(status.version.split('-')[0])).toBe(true);
  expect(status.runtime.bun).toBe(Bun.version);
  expect(status.storage).toEqual({ kind: 'sqlite', status: 'ok' });
  expect(status.instance.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(status.instance.pid).toBe(process.pid);
  expect(status.instance.uptime_seconds).toBeGreaterThanOrEqual(0);
  expect(status.accounts.ssoBasic).toMatchObject({ total: 1, active: 1 });
  expect(status.upstream).toMatchObject({ outage: false, consecutiveFailures: 0 });
  expect(status.jobs.map((job: { name: string }) => job.name).sort()).toEqual([
    'account_reload',
    'pool_history',
    'quota_sync',
  ]);
  expect(status.jobs.find((job: { name: string }) => job.name === 'quota_sync')).toMatchObject({
    intervalSeconds: 60,
    running: false,
    runs: 0,
  });
  // Same process, same id.
  const again = (await (await harness.admin('/v1/admin/status')).json()) as { instance: { id: string } };
  expect(again.instance.id).toBe(status.instance.id);
  // No secret anywhere in it.
  const text = JSON.stringify(status);
  expect(text).not.toContain('account-basic-1');
  expect(text).not.toContain(API_KEY);
});

test('the sync of imported accounts shows as a one-off background job', async () => {
  harness = await startHarness({ env: { GROK2API_TOKEN_AUTO_REFRESH: 'true' } });
  let job: { runs: number; lastResult: unknown } | undefined;
  for (let attempt = 0; attempt < 200 && !job?.runs; attempt++) {
    const status = (await (await harness.admin('/v1/admin/status')).json()) as {
      jobs: { name: string; runs: number; lastResult: unknown }[];
    };
    job = status.jobs.find((entry) => entry.name === 'imported_account_sync');
    if (!job?.runs) await Bun.sleep(10);
  }
  expect(job).toMatchObject({ runs: 1, lastResult: { ok: 1, total: 1 } });
});

test('legacy statsig values and dropped cookies are said at start-up, in /ready and in /v1/admin/status', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    level: 'debug',
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  harness = await startHarness({
    logger,
    env: { GROK2API_PROXY_CF_COOKIES: '__cf_bm=bm; _ga=tracking-value; sso=stale' },
  });
  const warned = lines.filter((line) => line.message === 'upstream');
  expect(warned.map((line) => line.code)).toEqual(['statsig_legacy', 'cf_cookies_dropped']);
  expect(JSON.stringify(warned)).not.toContain('tracking-value');
  const ready = (await (await fetch(`${harness.server.url}/ready`)).json()) as {
    status: string;
    warnings: { code: string; message: string }[];
  };
  expect(ready.status).toBe('ready'); // a warning, not a failure
  expect(ready.warnings.map((warning) => warning.code)).toEqual(['statsig_legacy', 'cf_cookies_dropped']);
  expect(ready.warnings[0]!.message).toContain('legacy x-statsig-id');
  expect(ready.warnings[1]!.message).toContain('_ga, sso');
  const status = (await (await harness.admin('/v1/admin/status')).json()) as { warnings: { code: string }[] };
  expect(status.warnings.map((warning) => warning.code)).toEqual(['statsig_legacy', 'cf_cookies_dropped']);
});

test('an operator signer (or a manual value) silences the statsig warning', async () => {
  harness = await startHarness({
    env: { GROK2API_UPSTREAM_STATSIG_MODE: 'signer', GROK2API_UPSTREAM_STATSIG_SIGNER_URL: 'http://127.0.0.1:9/sign' },
  });
  const ready = (await (await fetch(`${harness.server.url}/ready`)).json()) as { warnings: unknown[] };
  expect(ready.warnings).toEqual([]);
});
