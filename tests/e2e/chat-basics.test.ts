import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { CHAT_TRANSPORTS, chatCalls, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';

describe.each(CHAT_TRANSPORTS)('chat completions through the OpenAI SDK over %s', (transport) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }], transport });
  });
  afterAll(() => harness.stop());

  test('non-streaming answer, usage and what was sent upstream', async () => {
    harness.simulator.reset();
    const completion = await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'What is 2+2?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('grok-4.1-fast');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.choices[0]!.message.content).toBe(
      'Hello from the Grok simulator (mode fast). You said: What is 2+2?. 你好，世界 👋',
    );
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);

    const [call] = chatCalls(harness.simulator);
    expect(call).toBeDefined();
    expect(call!.cookies.sso).toBe('account-basic-1');
    expect(call!.cookies['sso-rw']).toBe('account-basic-1');
    const [turn] = sentTurns(harness.simulator);
    expect(turn).toMatchObject({ token: 'account-basic-1', mode: 'fast' });
    // §10.2: the current flattening, on both transports.
    expect(turn!.message).toBe('[system]\nYou are terse.\n\n[user]\nHi\n\n[assistant]\nHello\n\n[user]\nWhat is 2+2?');
    if (transport === 'rest') {
      const statsig = Buffer.from(call!.headers['x-statsig-id']!, 'base64').toString('utf8');
      expect(statsig).toStartWith('e:TypeError: Cannot read properties of ');
      const body = call!.body as Record<string, unknown>;
      expect(body.modelName).toBeUndefined();
      expect(body.temporary).toBe(true);
    } else {
      // §8.1: the handshake names the user twice and carries no statsig.
      const session = harness.simulator.requests.find((request) => request.path === '/api/auth/session')!;
      expect(session.cookies.sso).toBe('account-basic-1');
      expect(call!.query.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(call!.cookies['x-userid']).toBe(call!.query.uid!);
      expect(call!.headers['x-statsig-id']).toBeUndefined();
      const create = harness.simulator.requests.find((request) => request.method === 'WS')!.body as {
        event: { type: string; session: { x_grok: { is_temporary: boolean } } };
      };
      expect(create.event.type).toBe('session.create');
      expect(create.event.session.x_grok.is_temporary).toBe(true);
    }
  });

  test('a legacy model sends the modelName/modelMode pair', async () => {
    harness.simulator.reset();
    await harness.client.chat.completions.create({ model: 'grok-3', messages: [{ role: 'user', content: 'x' }] });
    if (transport === 'ws') {
      // The gateway knows only modes; a legacy model runs as auto.
      expect(sentTurns(harness.simulator)[0]!.mode).toBe('auto');
      return;
    }
    const body = chatCalls(harness.simulator)[0]!.body as Record<string, unknown>;
    expect(body.modelName).toBe('grok-3');
    expect(body.modelMode).toBe('MODEL_MODE_GROK_3');
    expect(body.modeId).toBeUndefined();
  });

  test('an alias resolves to its model and is echoed back', async () => {
    harness.simulator.reset();
    const completion = await harness.client.chat.completions.create({
      model: 'grok-code-fast-1',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.model).toBe('grok-code-fast-1');
    expect(sentTurns(harness.simulator)[0]!.mode).toBe('fast');
  });

  test('streaming delivers the same text, one id, a stop chunk, and usage on request', async () => {
    harness.simulator.reset();
    const stream = await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const ids = new Set<string>();
    const finishReasons: (string | null)[] = [];
    let usageChunks = 0;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      if (chunk.usage) usageChunks++;
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finishReasons.push(choice.finish_reason);
      }
    }
    expect(text).toBe('Hello from the Grok simulator (mode fast). You said: Stream please. 你好，世界 👋');
    expect(ids.size).toBe(1);
    expect(finishReasons.filter(Boolean)).toEqual(['stop']);
    expect(usageChunks).toBe(1);
  });

  test('a stream without include_usage carries no usage', async () => {
    const stream = await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();
  });

  test('multi-byte characters split across upstream reads arrive intact', async () => {
    harness.simulator.reset();
    harness.simulator.setOptions({ chunkBytes: 3 });
    harness.simulator.script({ answer: '你好👋 é ü — ok' });
    try {
      const stream = await harness.client.chat.completions.create({
        model: 'grok-4.1-fast',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('你好👋 é ü — ok');
    } finally {
      harness.simulator.setOptions({ chunkBytes: undefined });
    }
  });

  test('models list and retrieve', async () => {
    const list = await harness.client.models.list();
    const ids = list.data.map((model) => model.id);
    expect(ids).toContain('grok-4.1-fast');
    expect(ids).toContain('grok-code-fast-1');
    // Media models are listed since their routes exist (issue 4).
    expect(ids).toContain('grok-imagine-1.0');
    const model = await harness.client.models.retrieve('grok-4-heavy');
    expect(model.id).toBe('grok-4-heavy');
  });
});
