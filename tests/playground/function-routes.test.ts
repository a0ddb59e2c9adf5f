import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';

const FUNCTION_KEY = 'fn-test-key';

describe('playground disabled (default)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());

  test('pages are 404 and the function API says it is disabled', async () => {
    expect((await fetch(`${harness.server.url}/playground`)).status).toBe(404);
    const verify = await fetch(`${harness.server.url}/v1/function/verify`);
    expect(verify.status).toBe(401);
    expect(((await verify.json()) as any).error.message).toBe('Function access is disabled');
    expect((await fetch(`${harness.server.url}/v1/function/manifest`)).status).toBe(401);
  });
});

describe('playground enabled with a function key', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: FUNCTION_KEY },
    });
  });
  afterAll(() => harness.stop());

  test('the function key reaches chat through /v1/function and nothing else', async () => {
    expect((await fetch(`${harness.server.url}/playground`)).status).toBe(200);
    // The same manifest the edge Worker answers; the server itself is the backend, so every page is ready.
    const manifest = (await (await fetch(`${harness.server.url}/v1/function/manifest`)).json()) as any;
    expect(manifest.served_by).toBe('server');
    expect(manifest.pages.map((page: any) => [page.id, page.mode, page.stream])).toEqual([
      ['chat', 'backend-forward-ready', true],
      ['imagine', 'backend-forward-ready', false],
      ['video', 'backend-forward-ready', true],
      ['voice', 'backend-forward-ready', false],
    ]);
    expect((await fetch(`${harness.server.url}/v1/function/verify`)).status).toBe(401);
    expect(
      (await fetch(`${harness.server.url}/v1/function/verify`, { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${harness.server.url}/v1/function/verify`, {
          headers: { authorization: `Bearer ${FUNCTION_KEY}` },
        })
      ).status,
    ).toBe(200);

    const playground = new OpenAI({
      baseURL: `${harness.server.url}/v1/function`,
      apiKey: FUNCTION_KEY,
      maxRetries: 0,
    });
    const completion = await playground.chat.completions.create({
      model: 'grok-4',
      messages: [{ role: 'user', content: 'via the function key' }],
    });
    expect(completion.choices[0]!.message.content).toBeTruthy();
    expect(sentTurns(harness.simulator).at(-1)!.message).toContain('via the function key');
    const models = await playground.models.list();
    expect(models.data.length).toBeGreaterThan(5);

    // The function key is not an API key.
    const direct = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: FUNCTION_KEY, maxRetries: 0 });
    const refused = await direct.chat.completions
      .create({ model: 'grok-4', messages: [{ role: 'user', content: 'x' }] })
      .catch((error) => error);
    expect(refused.status).toBe(401);
    // And bad bodies still get the chat route's own validation.
    const bad = await fetch(`${harness.server.url}/v1/function/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FUNCTION_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'grok-4', messages: [] }),
    });
    expect(bad.status).toBe(400);
  });
});
