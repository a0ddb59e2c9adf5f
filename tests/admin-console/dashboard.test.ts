import { afterAll, beforeAll, expect, test } from 'bun:test';
import { API_KEY, startHarness, type Harness } from '../helpers/gateway-harness';
import { summariseUsage } from '../../src/admin-console/dashboard/usage-summary';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import { USAGE_COLLECTION } from '../../src/usage/usage-recorder';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

test('the dashboard counts the requests made, by model, with pool health and top keys', async () => {
  for (const model of ['grok-4', 'grok-4', 'grok-3']) {
    await harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'dashboard' }] });
  }
  let dashboard: any;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    dashboard = await (await harness.admin('/v1/admin/console/dashboard?hours=1')).json();
    if (dashboard.usage.totals.requests === 3) break;
    await Bun.sleep(20);
  }
  expect(dashboard.usage.totals).toMatchObject({ requests: 3, failed: 0, by_model: { 'grok-4': 2, 'grok-3': 1 } });
  expect(dashboard.usage.buckets).toHaveLength(48);
  expect(dashboard.usage.buckets.at(-1).requests + dashboard.usage.buckets.at(-2).requests).toBe(3);
  expect(dashboard.usage.top_keys[0].requests).toBe(3);
  expect(JSON.stringify(dashboard)).not.toContain(API_KEY);
  expect(dashboard.pools.ssoBasic).toMatchObject({ total: 1, active: 1 });
  expect(dashboard.pool_history.at(-1)).toMatchObject({ active: 1 });
  expect((await harness.admin('/v1/admin/console/dashboard?hours=0')).status).toBe(400);
});

test('image requests count on the dashboard like chat requests', async () => {
  const before = (await (await harness.admin('/v1/admin/console/dashboard?hours=1')).json()) as any;
  await harness.client.images.generate({
    model: 'grok-imagine-1.0',
    prompt: 'a kite',
    n: 1,
    response_format: 'b64_json',
  });
  let dashboard: any;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    dashboard = await (await harness.admin('/v1/admin/console/dashboard?hours=1')).json();
    if (dashboard.usage.totals.requests === before.usage.totals.requests + 1) break;
    await Bun.sleep(20);
  }
  expect(dashboard.usage.totals.requests).toBe(before.usage.totals.requests + 1);
  expect(dashboard.usage.totals.by_model['grok-imagine-1.0']).toBe(1);
});

const dashboardTotals = async () =>
  ((await (await harness.admin('/v1/admin/console/dashboard?hours=1')).json()) as any).usage.totals;

/** Waits (bounded) until the dashboard has counted `requests`; records are written after the answer. */
async function totalsAt(requests: number) {
  let totals = await dashboardTotals();
  for (let attempt = 0; attempt < 100 && totals.requests < requests; attempt += 1) {
    await Bun.sleep(20);
    totals = await dashboardTotals();
  }
  return totals;
}

test('refused requests count too: a wrong key, an invalid body, a key over its rate limit, a refused image', async () => {
  const before = await dashboardTotals();
  const made = await harness.admin('/v1/admin/console/keys', {
    method: 'POST',
    body: JSON.stringify({ name: 'dashboard rpm 1', rpm: 1 }),
  });
  const limited = ((await made.json()) as { key: string }).key;
  const post = (path: string, body: unknown, key: string) =>
    harness.api(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const chat = { model: 'grok-4', messages: [{ role: 'user', content: 'counted' }] };
  expect((await post('/v1/chat/completions', chat, 'sk-wrong-key')).status).toBe(401);
  expect((await post('/v1/chat/completions', { model: 'grok-4' }, API_KEY)).status).toBe(400);
  expect((await post('/v1/chat/completions', chat, limited)).status).toBe(200);
  expect((await post('/v1/chat/completions', chat, limited)).status).toBe(429);
  // An image model through chat, and the images endpoint: both refused, both counted as image requests.
  expect((await post('/v1/chat/completions', { model: 'grok-imagine-1.0' }, API_KEY)).status).toBe(400);
  expect((await post('/v1/images/generations', { model: 'grok-imagine-1.0', n: 99 }, API_KEY)).status).toBe(400);
  // A last served request: once it is counted, everything before it is (records are written in order).
  expect((await post('/v1/chat/completions', chat, API_KEY)).status).toBe(200);
  const after = await totalsAt(before.requests + 7);
  expect(after.requests).toBe(before.requests + 7);
  expect(after.failed).toBe(before.failed + 5);
  expect((after.by_outcome.rejected ?? 0) - (before.by_outcome.rejected ?? 0)).toBe(5);
  expect((after.by_kind.image ?? 0) - (before.by_kind.image ?? 0)).toBe(2);
  expect((after.by_kind.chat ?? 0) - (before.by_kind.chat ?? 0)).toBe(5);
  // A GET (the model list) is not a generation request and is not counted.
  expect((await harness.api('/v1/models', { headers: { authorization: 'Bearer sk-wrong-key' } })).status).toBe(401);
  expect((await post('/v1/chat/completions', chat, API_KEY)).status).toBe(200);
  expect((await totalsAt(before.requests + 8)).requests).toBe(before.requests + 8);
});

test('usage summary: buckets, failures and latency percentiles (fixed times)', async () => {
  const storage = openSqliteStorage({ path: ':memory:' });
  const until = 10 * 3_600_000;
  const put = (at: number, outcome: string, latencyMs: number) =>
    storage.records.put(USAGE_COLLECTION, `${at.toString().padStart(15, '0')}-${latencyMs}`, {
      at,
      apiKeyId: 'k1',
      apiKey: 'sk-…1234',
      model: 'grok-4',
      accountId: 'a',
      account: 'a',
      outcome,
      latencyMs,
      bytes: 0,
      promptTokens: 0,
      completionTokens: 0,
    });
  await put(until - 30 * 60_000, 'completed', 100);
  await put(until - 30 * 60_000, 'failed', 300);
  await put(until - 5 * 3_600_000, 'completed', 50); // outside a 1-hour window
  const summary = await summariseUsage(storage.records, { since: until - 3_600_000, until, buckets: 2 });
  expect(summary.bucket_ms).toBe(1_800_000);
  expect(summary.buckets[1]).toMatchObject({ requests: 2, failed: 1, latency_mean_ms: 200, latency_p95_ms: 300 });
  expect(summary.buckets[0]).toMatchObject({ requests: 0, latency_mean_ms: null });
  expect(summary.top_keys).toEqual([{ id: 'k1', key: 'sk-…1234', requests: 2, failed: 1 }]);
  await storage.close();
});
