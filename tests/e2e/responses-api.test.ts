import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import type OpenAI from 'openai';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

const call = (name: string, args: object) =>
  `<tool_call>{"name":"${name}","arguments":${JSON.stringify(args)}}</tool_call>`;
const upstreamMessage = (index: number) => (chatCalls(harness.simulator)[index]!.body as { message: string }).message;

describe('POST /v1/responses (openai SDK)', () => {
  test('non-streaming: output_text, reasoning as a reasoning item, never in the text', async () => {
    harness.simulator.script({ thinking: 'Adding two and two.', answer: 'It is 4.' });
    const response = await harness.client.responses.create({
      model: 'grok-4.1-thinking',
      input: '2+2?',
      instructions: 'Be terse.',
    });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('It is 4.');
    const reasoning = response.output.find((item) => item.type === 'reasoning');
    expect(reasoning?.type === 'reasoning' && reasoning.summary[0]?.text).toBe('Adding two and two.');
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(upstreamMessage(0)).toContain('[system]\nBe terse.');
    expect(upstreamMessage(0)).toContain('2+2?');
  });

  test('streaming: full event sequence with increasing sequence_number', async () => {
    harness.simulator.script({ thinking: 'Thinking hard.', answer: 'Hello there.' });
    const stream = await harness.client.responses.create({ model: 'grok-4.1-thinking', input: 'hi', stream: true });
    const events: { type: string; sequence_number: number; [key: string]: unknown }[] = [];
    for await (const event of stream) events.push(event as never);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.at(-1)).toBe('response.completed');
    for (const expected of [
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
    ])
      expect(types).toContain(expected);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = events
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(text).toBe('Hello there.');
    const summary = events
      .filter((event) => event.type === 'response.reasoning_summary_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(summary).toBe('Thinking hard.');
    expect(types.indexOf('response.reasoning_summary_text.done')).toBeLessThan(
      types.indexOf('response.output_text.delta'),
    );
    const completed = events.at(-1)!.response as OpenAI.Responses.Response;
    expect(completed.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
  });

  test('tool loop: function_call out, function_call_output back via previous_response_id', async () => {
    harness.simulator.script({ answer: `Checking.\n${call('get_weather', { city: 'Paris' })}` });
    const first = await harness.client.responses.create({
      model: 'grok-4.1-fast',
      input: 'Weather in Paris?',
      tools: [weatherTool],
    });
    const functionCall = first.output.find((item) => item.type === 'function_call');
    expect(functionCall?.type).toBe('function_call');
    if (functionCall?.type !== 'function_call') throw new Error('no call');
    expect(functionCall.name).toBe('get_weather');
    expect(JSON.parse(functionCall.arguments)).toEqual({ city: 'Paris' });
    expect(functionCall.call_id).toMatch(/^call_/);
    expect(upstreamMessage(0)).toContain('### get_weather');

    harness.simulator.script({ answer: 'It is sunny in Paris.' });
    const second = await harness.client.responses.create({
      model: 'grok-4.1-fast',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: functionCall.call_id, output: '{"sky":"sunny"}' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe('It is sunny in Paris.');
    expect(second.previous_response_id).toBe(first.id);
    const sent = upstreamMessage(1);
    expect(sent).toContain('Weather in Paris?');
    expect(sent).toContain(`Tool result (get_weather, ${functionCall.call_id}): {"sky":"sunny"}`);
    expect(sent).toContain('<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
  });

  test('tool loop with the whole history as items, streamed arguments', async () => {
    harness.simulator.script({
      answerTokens: ['<tool_', 'call>{"name":"get_weather","arguments":{"ci', 'ty":"Oslo"}}</tool_call>'],
    });
    const stream = await harness.client.responses.create({
      model: 'grok-4.1-fast',
      input: 'Oslo?',
      tools: [weatherTool],
      stream: true,
      store: false,
    });
    const events: { type: string; [key: string]: unknown }[] = [];
    for await (const event of stream) events.push(event as never);
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    expect(JSON.parse(done!.arguments as string)).toEqual({ city: 'Oslo' });
    const deltas = events
      .filter((event) => event.type === 'response.function_call_arguments.delta')
      .map((event) => event.delta)
      .join('');
    expect(deltas).toBe(done!.arguments as string);
    const completed = events.at(-1)!.response as OpenAI.Responses.Response;
    const item = completed.output.find((entry) => entry.type === 'function_call')!;
    if (item.type !== 'function_call') throw new Error('no call');

    harness.simulator.script({ answer: 'Cold.' });
    const next = await harness.client.responses.create({
      model: 'grok-4.1-fast',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Oslo?' },
        { type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments },
        { type: 'function_call_output', call_id: item.call_id, output: '-5C' },
      ],
    });
    expect(next.output_text).toBe('Cold.');
    expect(upstreamMessage(1)).toContain(`Tool result (get_weather, ${item.call_id}): -5C`);
    // store: false keeps nothing.
    const missing = await harness.api(`/v1/responses/${completed.id}`);
    expect(missing.status).toBe(404);
  });

  test('unknown top-level fields are ignored, as newer clients send them', async () => {
    harness.simulator.script({ answer: 'fine' });
    const response = await harness.api('/v1/responses', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-4.1-fast',
        input: 'x',
        some_future_field: { a: 1 },
        include: ['reasoning.encrypted_content'],
      }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output_text: string }).output_text).toBe('fine');
  });

  test('GET and DELETE a stored response', async () => {
    harness.simulator.script({ answer: 'Stored answer.' });
    const created = await harness.client.responses.create({ model: 'grok-4.1-fast', input: 'store me' });
    const fetched = await harness.client.responses.retrieve(created.id);
    expect(fetched.output_text).toBe('Stored answer.');
    expect(fetched.id).toBe(created.id);
    const deleted = await harness.api(`/v1/responses/${created.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    const gone = await harness.api(`/v1/responses/${created.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('response_not_found');
  });

  test('a failure after the stream started ends with error and response.failed events', async () => {
    harness.simulator.enqueueFault({ kind: 'cut', afterFrames: 4 });
    const stream = await harness.client.responses.create({ model: 'grok-4.1-fast', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
  });
});

describe('POST /v1/responses: malformed input is a 400 in OpenAI shape', () => {
  const cases: [string, object, string][] = [
    ['item with neither type nor role', { input: [{ content: 'x' }] }, 'input.0.type'],
    ['item_reference to an unknown message', { input: [{ type: 'item_reference', id: 'msg_unknown' }] }, 'input.0.id'],
    [
      'function_call without call_id',
      { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] },
      'input.0.call_id',
    ],
    [
      'function_call_output without its call',
      { input: [{ type: 'function_call_output', call_id: 'call_x', output: '1' }] },
      'input.0.call_id',
    ],
    [
      'unknown content part',
      { input: [{ role: 'user', content: [{ type: 'input_video', text: 'x' }] }] },
      'input.0.content.0.type',
    ],
    ['bad role', { input: [{ role: 'robot', content: 'x' }] }, 'input.0.role'],
    ['tool without a name', { input: 'x', tools: [{ type: 'function', parameters: {} }] }, 'tools.0.name'],
    ['bad tool name', { input: 'x', tools: [{ type: 'function', name: 'has space' }] }, 'tools.0.name'],
    [
      'bad tool schema',
      { input: 'x', tools: [{ type: 'function', name: 't', parameters: { type: 'array' } }] },
      'tools.0.parameters.type',
    ],
    ['namespace without a name', { input: 'x', tools: [{ type: 'namespace', tools: [] }] }, 'tools.0.name'],
    [
      'bad tool name inside a namespace',
      { input: 'x', tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'a b' }] }] },
      'tools.0.tools.0.name',
    ],
    ['empty conversation', { input: [] }, 'input'],
    [
      'tool_choice naming an undeclared tool',
      { input: 'x', tools: [weatherTool], tool_choice: { type: 'function', name: 'nope' } },
      'tool_choice',
    ],
    ['unknown previous_response_id', { input: 'x', previous_response_id: 'resp_missing' }, 'previous_response_id'],
    ['missing input', {}, 'input'],
    ['bad reasoning effort', { input: 'x', reasoning: { effort: 'max' } }, 'reasoning.effort'],
  ];
  for (const [name, body, param] of cases) {
    test(name, async () => {
      const response = await harness.api('/v1/responses', {
        method: 'POST',
        body: JSON.stringify({ model: 'grok-4.1-fast', ...body }),
      });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { type: string; param: string; message: string } }).error;
      expect(error.type).toBe('invalid_request_error');
      expect(error.param).toBe(param);
      expect(error.message.length).toBeGreaterThan(0);
      expect(chatCalls(harness.simulator)).toHaveLength(0);
    });
  }

  test('unknown model is a 404 model_not_found', async () => {
    const response = await harness.api('/v1/responses', {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-9', input: 'x' }),
    });
    expect(response.status).toBe(404);
  });
});
