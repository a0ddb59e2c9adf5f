import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    accounts: [{ token: 'account-basic-1', tier: 'basic' }],
    configToml: '[chat]\nprompt_budget_chars = 400\nupstream_max_chars = 1500\n',
  });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const history = (turns: number) =>
  Array.from({ length: turns }, (_, index) => [
    { role: 'user' as const, content: `question ${index} ${'q'.repeat(40)}` },
    { role: 'assistant' as const, content: `answer ${index} ${'a'.repeat(40)}` },
  ]).flat();

describe('multi-turn budget', () => {
  test('the oldest turns are dropped with a marker; system and the latest input stay', async () => {
    harness.simulator.script({ answer: 'ok' });
    await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [
        { role: 'system', content: 'Be kind.' },
        ...history(10),
        { role: 'user', content: 'the latest question' },
      ],
    });
    const sent = (chatCalls(harness.simulator)[0]!.body as { message: string }).message;
    expect(sent.length).toBeLessThanOrEqual(400);
    expect(sent.startsWith('[system]\nBe kind.')).toBe(true);
    expect(sent).toMatch(/\[\d+ earlier messages omitted to fit the prompt budget\]/);
    expect(sent).not.toContain('question 0 ');
    expect(sent).toContain('answer 9 ');
    expect(sent.endsWith('the latest question')).toBe(true);
  });

  test('a short conversation is sent whole, without a marker', async () => {
    harness.simulator.script({ answer: 'ok' });
    await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [...history(1), { role: 'user', content: 'next' }],
    });
    const sent = (chatCalls(harness.simulator)[0]!.body as { message: string }).message;
    expect(sent).toContain('question 0 ');
    expect(sent).not.toContain('omitted');
  });

  test('one message over the upstream limit is an early 400 in each API, with no upstream call', async () => {
    const huge = 'x'.repeat(2000);
    const chat = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: huge }] }),
    });
    expect(chat.status).toBe(400);
    const chatError = ((await chat.json()) as { error: { code: string; param: string; message: string } }).error;
    expect(chatError.code).toBe('context_length_exceeded');
    expect(chatError.param).toBe('messages');
    expect(chatError.message).toContain('1500');

    const responses = await harness.api('/v1/responses', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', input: huge }),
    });
    expect(responses.status).toBe(400);
    expect(((await responses.json()) as { error: { param: string } }).error.param).toBe('input');

    const messages = await harness.api('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', max_tokens: 5, messages: [{ role: 'user', content: huge }] }),
    });
    expect(messages.status).toBe(400);
    const anthropic = (await messages.json()) as { type: string; error: { type: string; message: string } };
    expect(anthropic.type).toBe('error');
    expect(anthropic.error.type).toBe('invalid_request_error');
    expect(chatCalls(harness.simulator)).toHaveLength(0);
  });
});
