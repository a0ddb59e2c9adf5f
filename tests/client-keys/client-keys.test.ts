import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { ClientKeyLimiter } from '../../src/client-keys/client-key-limits';
import type { StoredClientKey } from '../../src/client-keys/client-key';
import { startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

const create = async (body: Record<string, unknown>) => {
  const response = await harness.admin('/v1/admin/console/keys', { method: 'POST', body: JSON.stringify(body) });
  const json = (await response.json()) as any;
  if (response.status !== 201) throw new Error(JSON.stringify(json));
  return json;
};
const clientFor = (key: string) => new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: key, maxRetries: 0 });

describe('client API keys', () => {
  test('a key is shown once, stored hashed, works with the openai SDK, and its usage is counted', async () => {
    const made = await create({ name: 'sdk test' });
    expect(made.key).toMatch(/^sk-g2a-/);
    const listing = await (await harness.admin('/v1/admin/console/keys')).text();
    expect(listing).not.toContain(made.key);
    expect(listing).not.toContain('"hash"');
    const completion = await clientFor(made.key).chat.completions.create({
      model: 'grok-4',
      messages: [{ role: 'user', content: 'hello from a client key' }],
    });
    expect(completion.choices[0]!.message.content).toBeTruthy();
    // The upstream turn was made (the simulator saw the prompt).
    expect(JSON.stringify(harness.simulator.requests.map((request) => request.body))).toContain(
      'hello from a client key',
    );
    let usage: any;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      usage = await (await harness.admin(`/v1/admin/console/keys/${made.id}/usage`)).json();
      if (usage.requests === 1) break;
      await Bun.sleep(20);
    }
    expect(usage).toMatchObject({ requests: 1, failed: 0, by_model: { 'grok-4': 1 } });
  });

  test('a key allowed a model may use the aliases that stand for it (config models.aliases)', async () => {
    const made = await create({ name: 'only the fast model', models: ['grok-4.1-fast'] });
    const answer = await clientFor(made.key).chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.model).toBe('claude-sonnet-4-5');
    const error = await clientFor(made.key)
      .chat.completions.create({ model: 'claude-opus-4-1', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught) => caught);
    expect(error.status).toBe(403);
  });

  test('the model allowlist refuses other models with a 403 naming model', async () => {
    const made = await create({ name: 'only grok-4', models: ['grok-4'] });
    const error = await clientFor(made.key)
      .chat.completions.create({ model: 'grok-3', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught) => caught);
    expect(error.status).toBe(403);
    expect(error.error.param).toBe('model');
  });

  test('requests per minute and daily limits answer 429 with retry-after', async () => {
    const made = await create({ name: 'rpm 1', rpm: 1 });
    const first = await harness.api('/v1/models', { headers: { authorization: `Bearer ${made.key}` } });
    expect(first.status).toBe(200);
    const second = await harness.api('/v1/models', { headers: { authorization: `Bearer ${made.key}` } });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await second.json()) as any).error.code).toBe('key_rpm_exceeded');
  });

  test('a revoked key and an expired key are refused; app.api_key still works', async () => {
    const made = await create({ name: 'to revoke' });
    expect((await harness.api('/v1/models', { headers: { authorization: `Bearer ${made.key}` } })).status).toBe(200);
    await harness.admin(`/v1/admin/console/keys/${made.id}`, { method: 'DELETE' });
    // The instance that revoked it forgets its cached lookups at once (others within CACHE_MS).
    const revoked = await harness.api('/v1/models', { headers: { authorization: `Bearer ${made.key}` } });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as any).error.message).toContain('revoked');
    expect((await harness.api('/v1/models')).status).toBe(200);
    expect((await harness.api('/v1/models', { headers: { authorization: 'Bearer sk-g2a-made-up' } })).status).toBe(401);
    const past = await harness.admin('/v1/admin/console/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', expires_at: Date.now() - 1 }),
    });
    expect(past.status).toBe(400);
    const unknownModel = await harness.admin('/v1/admin/console/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', models: ['gpt-9'] }),
    });
    expect(((await unknownModel.json()) as any).error.param).toBe('models');
  });
});

describe('limiter (injected clock)', () => {
  const key = (limits: Partial<StoredClientKey>): StoredClientKey => ({
    id: 'k',
    name: 'k',
    hash: '',
    masked: '',
    models: [],
    rpm: 0,
    concurrency: 0,
    daily_limit: 0,
    created_at: 0,
    expires_at: null,
    revoked_at: null,
    ...limits,
  });

  test('concurrency slots come back on release; rpm window slides; daily resets at UTC midnight', () => {
    let now = Date.UTC(2026, 0, 1, 23, 59, 0);
    const limiter = new ClientKeyLimiter(() => now);
    const one = limiter.acquire(key({ concurrency: 1 }));
    expect('release' in one).toBe(true);
    expect(limiter.acquire(key({ concurrency: 1 }))).toMatchObject({ limit: 'concurrency' });
    (one as { release: () => void }).release();
    (one as { release: () => void }).release(); // twice is harmless
    expect('release' in limiter.acquire(key({ concurrency: 1 }))).toBe(true);

    const daily = new ClientKeyLimiter(() => now);
    expect('release' in daily.acquire(key({ daily_limit: 1 }))).toBe(true);
    expect(daily.acquire(key({ daily_limit: 1 }))).toMatchObject({ limit: 'daily_limit' });
    now += 60_000; // next UTC day
    expect('release' in daily.acquire(key({ daily_limit: 1 }))).toBe(true);

    const rpm = new ClientKeyLimiter(() => now);
    expect('release' in rpm.acquire(key({ rpm: 2 }))).toBe(true);
    now += 30_000;
    expect('release' in rpm.acquire(key({ rpm: 2 }))).toBe(true);
    expect(rpm.acquire(key({ rpm: 2 }))).toMatchObject({ limit: 'rpm', retryAfterSeconds: 30 });
    now += 30_000;
    expect('release' in rpm.acquire(key({ rpm: 2 }))).toBe(true);
  });
});

describe('with app.api_key empty', () => {
  test('the API is open until a client key exists, then it needs a key; a streamed answer gives its concurrency slot back', async () => {
    const open = await startHarness({ env: { GROK2API_APP_API_KEY: '' } });
    try {
      const noKey = () => fetch(`${open.server.url}/v1/models`);
      expect((await noKey()).status).toBe(200);
      const response = await open.admin('/v1/admin/console/keys', {
        method: 'POST',
        body: JSON.stringify({ name: 'only one at a time', concurrency: 1 }),
      });
      const made = (await response.json()) as any;
      expect((await noKey()).status).toBe(401);
      const client = new OpenAI({ baseURL: `${open.server.url}/v1`, apiKey: made.key, maxRetries: 0 });
      for (let round = 0; round < 2; round += 1) {
        const stream = await client.chat.completions.create({
          model: 'grok-4',
          stream: true,
          messages: [{ role: 'user', content: `stream ${round}` }],
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        expect(text.length).toBeGreaterThan(0);
      }
    } finally {
      await open.stop();
    }
  });
});
