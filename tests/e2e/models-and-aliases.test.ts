import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { API_KEY, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';

/** Model aliases across the three chat APIs, and /v1/models listing only what the pool can serve. */

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    accounts: [{ token: 'account-basic-1', tier: 'basic' }],
    configToml:
      '[models]\naliases = ["claude-*opus*=grok-4.1-expert", "claude-*sonnet*=grok-4.1-fast", "house-model=grok-4"]\n',
  });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

interface ModelObject {
  id: string;
  alias_for?: string;
}

const listIds = async (): Promise<ModelObject[]> =>
  ((await (await harness.api('/v1/models')).json()) as { data: ModelObject[] }).data;

describe('model aliases', () => {
  test('every API resolves an alias to its model and echoes the id the client sent', async () => {
    harness.simulator.script({ answer: 'one', times: 3 });
    const messages = await harness.api('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({
        model: 'claude-sonnet-4-5-20250929',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(messages.status).toBe(200);
    expect(((await messages.json()) as { model: string }).model).toBe('claude-sonnet-4-5-20250929');
    const chat = await harness.client.chat.completions.create({
      model: 'claude-opus-4-1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(chat.model).toBe('claude-opus-4-1');
    const response = await harness.client.responses.create({ model: 'house-model', input: 'hi' });
    expect(response.model).toBe('house-model');
    // fast, expert, then grok-4's legacy selector (no modeId)
    expect(sentTurns(harness.simulator).map((turn) => turn.mode)).toEqual(['fast', 'expert', undefined]);
    // Metrics label an alias with the model it stands for: the label set stays bounded.
    const metrics = await (await fetch(`${harness.server.url}/metrics`)).text();
    expect(metrics).toMatch(/route="\/v1\/messages",model="grok-4.1-fast",status="200"/);
    expect(metrics).not.toContain('claude-sonnet');
  });

  test('an id no alias matches is still a 404 in each API', async () => {
    const messages = await harness.api('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(404);
    expect(((await messages.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
    const chat = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(chat.status).toBe(404);
  });
});

describe('/v1/models', () => {
  test('lists the models the basic account can serve and the aliases with what they point at', async () => {
    const models = await listIds();
    const ids = models.map((model) => model.id);
    expect(ids).toContain('grok-4.1-fast');
    expect(ids).not.toContain('grok-4-heavy'); // Super accounts only; the pool has none
    expect(ids).not.toContain('grok-chat-expert');
    expect(models.find((model) => model.id === 'claude-*opus*')).toMatchObject({ alias_for: 'grok-4.1-expert' });
    expect(models.find((model) => model.id === 'house-model')).toMatchObject({ alias_for: 'grok-4' });
    expect(models.find((model) => model.id === 'grok-4.1-fast')?.alias_for).toBeUndefined();
    const one = (await (await harness.api('/v1/models/claude-opus-4-5')).json()) as ModelObject;
    expect(one).toMatchObject({ id: 'claude-opus-4-5', alias_for: 'grok-4.1-expert' });
  });

  test('both SDKs read the list: OpenAI (object, owned_by) and Anthropic (type, display_name, paging)', async () => {
    const openai = await harness.client.models.list();
    expect(openai.data.find((model) => model.id === 'grok-4.1-fast')).toMatchObject({
      object: 'model',
      owned_by: 'grok2api',
    });
    const anthropic = new Anthropic({ baseURL: harness.server.url, apiKey: API_KEY, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of anthropic.models.list()) {
      expect(model.type).toBe('model');
      expect(model.display_name.length).toBeGreaterThan(0);
      ids.push(model.id);
    }
    expect(ids).toContain('claude-*sonnet*');
    expect(ids).toEqual(openai.data.map((model) => model.id));
    expect((await anthropic.models.retrieve('claude-opus-4-5')).display_name).toBe('claude-opus-4-5 (grok-4.1-expert)');
  });

  test('the admin listing shows every model with its availability; disabling the account empties /v1/models', async () => {
    const all = (await (await harness.admin('/v1/admin/models')).json()) as {
      data: { id: string; available: boolean; tier: string }[];
    };
    expect(all.data.find((model) => model.id === 'grok-4-heavy')).toMatchObject({ available: false, tier: 'super' });
    expect(all.data.find((model) => model.id === 'grok-4.1-fast')).toMatchObject({ available: true });
    expect((await harness.api('/v1/admin/models')).status).toBe(401);

    const setStatus = (status: string) =>
      harness.admin('/v1/admin/tokens', {
        method: 'PATCH',
        body: JSON.stringify({ token: 'account-basic-1', status }),
      });
    const disable = await setStatus('disabled');
    try {
      expect(disable.status).toBe(200);
      expect(await listIds()).toEqual([]);
      const after = (await (await harness.admin('/v1/admin/models')).json()) as { data: { available: boolean }[] };
      expect(after.data.every((model) => !model.available)).toBe(true);
    } finally {
      await setStatus('active');
    }
    expect((await listIds()).length).toBeGreaterThan(0);
  });

  test('the console config form offers models.aliases as an editable list', async () => {
    const form = (await (await harness.admin('/v1/admin/console/config-form')).json()) as {
      sections: { name: string; keys: { key: string; schema: { type: string; default: string[] } }[] }[];
    };
    const aliases = form.sections
      .find((section) => section.name === 'models')
      ?.keys.find((key) => key.key === 'aliases');
    expect(aliases?.schema.type).toBe('array');
    expect(aliases?.schema.default).toContain('claude-*haiku*=grok-4.1-mini');
    const saved = await harness.admin('/v1/admin/config', {
      method: 'POST',
      body: JSON.stringify({ models: { aliases: ['claude-*=grok-99'] } }),
    });
    expect(saved.status).toBe(400);
  });
});
