import { afterEach, expect, test } from 'bun:test';
import { API_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const TOKEN = 'usage-account-eyJhbGciOiJIUzI1NiJ9.secret-part';

interface UsageRecord {
  id: string;
  at: number;
  model: string;
  outcome: string;
  account: string;
  accountId: string;
  apiKey: string;
  apiKeyId: string;
  latencyMs: number;
  bytes: number;
  completionTokens: number;
}

test('every chat request that reached an account leaves a usage record, with key and account masked', async () => {
  harness = await startHarness({ accounts: [{ token: TOKEN, tier: 'basic' }] });
  harness.simulator.script({ answer: 'Grüße 👋' });
  await harness.client.chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'one' }] });
  const stream = await harness.client.chat.completions.create({
    model: 'grok-4.1-fast',
    messages: [{ role: 'user', content: 'two' }],
    stream: true,
  });
  for await (const _chunk of stream);

  let records: UsageRecord[] = [];
  for (let attempt = 0; attempt < 50 && records.length < 2; attempt++) {
    const response = await harness.admin('/v1/admin/usage');
    const text = await response.text();
    expect(text).not.toContain('secret-part');
    expect(text).not.toContain(API_KEY);
    records = (JSON.parse(text) as { records: UsageRecord[] }).records;
    if (records.length < 2) await Bun.sleep(20);
  }
  expect(records.map((record) => [record.model, record.outcome])).toEqual([
    ['grok-4', 'completed'],
    ['grok-4.1-fast', 'completed'],
  ]);
  expect(records[0]!.bytes).toBe(Buffer.byteLength('Grüße 👋'));
  expect(records[0]!.account).toContain('…');
  expect(records[0]!.accountId).toMatch(/^[0-9a-f]{16}$/);
  expect(records[0]!.apiKeyId).toBe(records[1]!.apiKeyId);
  expect(records[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  expect(records[0]!.at).toBeLessThanOrEqual(records[1]!.at);

  const paged = (await (await harness.admin('/v1/admin/usage?limit=1')).json()) as {
    records: UsageRecord[];
    next: string;
  };
  expect(paged.records).toHaveLength(1);
  const rest = (await (await harness.admin(`/v1/admin/usage?limit=1&after=${paged.next}`)).json()) as {
    records: UsageRecord[];
  };
  expect(rest.records[0]!.model).toBe('grok-4.1-fast');
  expect((await harness.admin('/v1/admin/usage?limit=5000')).status).toBe(400);
});

test('a retention of 0 days keeps no records', async () => {
  harness = await startHarness({
    accounts: [{ token: TOKEN, tier: 'basic' }],
    env: { GROK2API_LOG_USAGE_RETENTION_DAYS: '0' },
  });
  await harness.client.chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'one' }] });
  await Bun.sleep(100); // a record, if any were kept, is written right after the answer
  const body = (await (await harness.admin('/v1/admin/usage')).json()) as { records: unknown[] };
  expect(body.records).toEqual([]);
});

test('requests refused before an account served them are recorded with account null and the error they got', async () => {
  harness = await startHarness({
    accounts: [{ token: TOKEN, tier: 'basic' }],
    env: { GROK2API_TOKEN_ON_DEMAND_REFRESH_ENABLED: 'false' },
  });
  // The only account is rate limited on this request (the upstream refused on every account) …
  harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path: '/rest/app-chat/conversations/new' } });
  const ask = () =>
    harness!.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
  expect((await ask()).status).toBe(429);
  // … and is cooling for that mode on the next one (no account free).
  const refused = await ask();
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('no_available_account');

  type Rejected = UsageRecord & {
    status: number;
    errorCode: string | null;
    account: string | null;
    accountId: string | null;
  };
  let records: Rejected[] = [];
  for (let attempt = 0; attempt < 50 && records.length < 2; attempt++) {
    const text = await (await harness.admin('/v1/admin/usage')).text();
    expect(text).not.toContain('secret-part');
    records = (JSON.parse(text) as { records: Rejected[] }).records;
    if (records.length < 2) await Bun.sleep(20);
  }
  expect(
    records.map((record) => [
      record.model,
      record.outcome,
      record.status,
      record.errorCode,
      record.account,
      record.accountId,
    ]),
  ).toEqual([
    ['grok-4.1-fast', 'rejected', 429, 'upstream_rate_limited', null, null],
    ['grok-4.1-fast', 'rejected', 429, 'no_available_account', null, null],
  ]);
  expect(records[0]!.apiKeyId).toMatch(/^[0-9a-f]{16}$/);
  expect(records[0]!.bytes).toBe(0);
});

interface MediaRecord {
  model: string;
  kind: string;
  outcome: string;
  images?: number;
  videoSeconds?: number;
  latencyMs: number;
  account: string | null;
  errorCode?: string | null;
}

const post = (h: Harness, path: string, body: unknown) => h.api(path, { method: 'POST', body: JSON.stringify(body) });

async function recordsOf(h: Harness, count: number): Promise<MediaRecord[]> {
  let records: MediaRecord[] = [];
  for (let attempt = 0; attempt < 100 && records.length < count; attempt++) {
    records = ((await (await h.admin('/v1/admin/usage')).json()) as { records: MediaRecord[] }).records;
    if (records.length < count) await Bun.sleep(20);
  }
  return records;
}

test('image and video requests leave usage records beside chat: kind, outcome, latency, what was made', async () => {
  harness = await startHarness({ accounts: [{ token: TOKEN, tier: 'basic' }] });
  const images = await post(harness, '/v1/images/generations', { prompt: 'a fox', n: 2 });
  expect(images.status).toBe(200);
  const video = await post(harness, '/v1/videos', { prompt: 'rain', seconds: '6', wait: true });
  expect(video.status).toBe(200);
  harness.simulator.enqueueFault({ kind: 'moderated' });
  const moderated = await post(harness, '/v1/videos', { prompt: 'rain', seconds: '6', wait: true });
  expect(moderated.status).toBe(400);
  await harness.client.chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'one' }] });

  const records = await recordsOf(harness, 4);
  expect(records.map((record) => [record.kind, record.model, record.outcome])).toEqual([
    ['image', 'grok-imagine-1.0', 'completed'],
    ['video', 'grok-imagine-1.0-video', 'completed'],
    ['video', 'grok-imagine-1.0-video', 'failed'],
    ['chat', 'grok-4', 'completed'],
  ]);
  expect(records[0]).toMatchObject({ images: 2 });
  expect(records[1]).toMatchObject({ videoSeconds: 6 });
  expect(records[2]).toMatchObject({ videoSeconds: 0, errorCode: 'content_policy_violation' });
  for (const record of records) expect(record.latencyMs).toBeGreaterThanOrEqual(0);
  expect(records[0]!.account).toContain('…');

  const dashboard = (await (await harness.admin('/v1/admin/console/dashboard?hours=1')).json()) as {
    usage: { totals: { by_kind: Record<string, number>; images: number; video_seconds: number } };
  };
  const kinds = { chat: 1, image: 1, video: 2 };
  expect(dashboard.usage.totals).toMatchObject({ by_kind: kinds, images: 2, video_seconds: 6 });
});

test('an image request no account could serve is recorded as rejected', async () => {
  const env = { GROK2API_TOKEN_ON_DEMAND_REFRESH_ENABLED: 'false' };
  harness = await startHarness({ accounts: [{ token: TOKEN, tier: 'basic' }], env });
  harness.simulator.enqueueFault({ kind: 'unauthorized', times: 99, match: { path: '/ws/imagine/listen' } });
  const response = await post(harness, '/v1/images/generations', { prompt: 'a fox' });
  expect(response.status).toBe(502);
  const [record] = await recordsOf(harness, 1);
  const rejected = { kind: 'image', outcome: 'rejected', images: 0, account: null, errorCode: 'upstream_auth_failed' };
  expect(record).toMatchObject(rejected);
});
