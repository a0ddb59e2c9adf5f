import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { API_KEY, chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function',
    function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
  },
];
const ask = (extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {}) =>
  harness.client.chat.completions.create({
    model: 'grok-4.1-fast',
    messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
    tools,
    ...extra,
  });
const upstream = (index: number) => (chatCalls(harness.simulator)[index]!.body as { message: string }).message;

describe('tool calling that holds up', () => {
  test('several calls in one answer, with text before and after', async () => {
    harness.simulator.script({
      answer:
        'Two lookups.\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>\n<tool_call>{"name":"get_time","arguments":{"zone":"CET"}}</tool_call>\nThat is all.',
    });
    const message = (await ask()).choices[0]!.message;
    expect(message.tool_calls!.map((call) => call.type === 'function' && call.function.name)).toEqual([
      'get_weather',
      'get_time',
    ]);
    expect(new Set(message.tool_calls!.map((call) => call.id)).size).toBe(2);
    expect(message.content).toBe('Two lookups.\nThat is all.');
  });

  test('parallel_tool_calls false keeps only the first call', async () => {
    harness.simulator.script({
      answer:
        '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call><tool_call>{"name":"get_time","arguments":{}}</tool_call>',
    });
    const message = (await ask({ parallel_tool_calls: false })).choices[0]!.message;
    expect(message.tool_calls).toHaveLength(1);
    expect(upstream(0)).toContain('Call at most one tool per reply');
  });

  test('an undeclared tool name is never returned as a call', async () => {
    harness.simulator.script({ answer: '<tool_call>{"name":"delete_everything","arguments":{}}</tool_call>' });
    const choice = (await ask()).choices[0]!;
    expect(choice.message.tool_calls ?? []).toHaveLength(0);
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.content).toContain('delete_everything');
  });

  test('arguments with slips are repaired; a call missing a required field is not returned', async () => {
    harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{"city":"Paris",}</tool_call>' });
    const repaired = (await ask()).choices[0]!.message;
    expect(repaired.tool_calls).toHaveLength(1);
    expect(JSON.parse((repaired.tool_calls![0] as { function: { arguments: string } }).function.arguments)).toEqual({
      city: 'Paris',
    });

    harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{"town":"Paris"}}</tool_call>' });
    const incomplete = (await ask()).choices[0]!;
    expect(incomplete.message.tool_calls ?? []).toHaveLength(0);
    expect(incomplete.finish_reason).toBe('stop');
  });

  test('tool_choice required: an answer without a call is retried once with a firmer instruction', async () => {
    harness.simulator.script({ answer: 'I think it is sunny.' });
    harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>' });
    const choice = (await ask({ tool_choice: 'required' })).choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(chatCalls(harness.simulator)).toHaveLength(2);
    expect(upstream(0)).not.toContain('# Reminder');
    expect(upstream(1)).toContain('# Reminder');
  });

  test('named tool_choice, streaming: nothing of the refused answer reaches the client', async () => {
    harness.simulator.script({ answer: 'Refused answer text.' });
    harness.simulator.script({ answer: '<tool_call>{"name":"get_time","arguments":{"zone":"UTC"}}</tool_call>' });
    const stream = await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [{ role: 'user', content: 'time?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      stream: true,
    });
    let content = '';
    const names: string[] = [];
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      for (const call of chunk.choices[0]?.delta.tool_calls ?? [])
        if (call.function?.name) names.push(call.function.name);
    }
    expect(content).toBe('');
    expect(names).toEqual(['get_time']);
    expect(upstream(1)).toContain('calling the tool "get_time"');
  });

  test('a call already present means no retry', async () => {
    harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{"city":"Rome"}}</tool_call>' });
    await ask({ tool_choice: 'required' });
    expect(chatCalls(harness.simulator)).toHaveLength(1);
  });

  test('the retry is the same core for every API: Anthropic tool_choice any', async () => {
    harness.simulator.script({ answer: 'no tools today' });
    harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{"city":"Oslo"}}</tool_call>' });
    const client = new Anthropic({ baseURL: harness.server.url, apiKey: API_KEY, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'grok-4.1-fast',
      max_tokens: 100,
      tool_choice: { type: 'any' },
      tools: [
        {
          name: 'get_weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      messages: [{ role: 'user', content: 'Oslo?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } }),
    ] as never);
    expect(chatCalls(harness.simulator)).toHaveLength(2);
  });
});
