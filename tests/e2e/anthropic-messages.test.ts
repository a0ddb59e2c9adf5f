import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { API_KEY, chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
  client = new Anthropic({ baseURL: harness.server.url, apiKey: API_KEY, maxRetries: 0, timeout: 20_000 });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};
const _call = (name: string, args: object) =>
  `<tool_call>{"name":"${name}","arguments":${JSON.stringify(args)}}</tool_call>`;
const upstreamMessage = (index: number) => (chatCalls(harness.simulator)[index]!.body as { message: string }).message;

describe('POST /v1/messages (@anthropic-ai/sdk)', () => {
  test('messages.create: text answer, system prompt sent upstream, usage', async () => {
    harness.simulator.script({ answer: 'Hello from Grok.' });
    const message = await client.messages.create({
      model: 'grok-4.1-fast',
      max_tokens: 256,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Grok.' }] as never);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(upstreamMessage(0)).toContain('[system]\nYou are terse.');
    expect(upstreamMessage(0)).toContain('Say hello');
  });

  test('thinking: thinking blocks when enabled, none when not', async () => {
    harness.simulator.script({ thinking: 'Let me add.', answer: 'Four.' });
    const thinking = await client.messages.create({
      model: 'grok-4.1-thinking',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: '2+2?' }],
    });
    expect(thinking.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    const block = thinking.content[0]!;
    expect(block.type === 'thinking' && block.thinking).toBe('Let me add.');
    expect(block.type === 'thinking' && block.signature.length).toBeGreaterThan(0);

    harness.simulator.script({ thinking: 'Let me add.', answer: 'Four.' });
    const plain = await client.messages.create({
      model: 'grok-4.1-thinking',
      max_tokens: 100,
      messages: [{ role: 'user', content: '2+2?' }],
    });
    expect(plain.content).toEqual([{ type: 'text', text: 'Four.' }] as never);
  });

  test('streaming: full event sequence with thinking and text deltas', async () => {
    harness.simulator.script({ thinking: 'Pondering.', answer: 'Streamed answer.' });
    const stream = client.messages.stream({
      model: 'grok-4.1-thinking',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-2)).toBe('message_delta');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_start');
    expect(types).toContain('content_block_stop');
    expect(final.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(final.content[1]!.type === 'text' && final.content[1]!.text).toBe('Streamed answer.');
    expect(final.stop_reason).toBe('end_turn');

    harness.simulator.script({ answer: 'raw' });
    const raw = await harness.api('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-4.1-fast',
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const text = await raw.text();
    expect(text).toContain('event: ping');
    expect(text).toContain('"type":"text_delta"');
  });

  test('stop_sequences cut the answer and report the sequence', async () => {
    harness.simulator.script({ answerTokens: ['one two ', 'ST', 'OP three'] });
    const message = await client.messages.create({
      model: 'grok-4.1-fast',
      max_tokens: 100,
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'count' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'one two ' }] as never);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('STOP');
  });

  test('tool use loop: tool_use out, tool_result back, streamed input_json_delta', async () => {
    harness.simulator.script({
      answerTokens: ['Checking. <tool_call>{"name":"get_weather",', '"arguments":{"city":"Rome"}}</tool_call>'],
    });
    const stream = client.messages.stream({
      model: 'grok-4.1-fast',
      max_tokens: 512,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Rome weather?' }],
    });
    const deltas: string[] = [];
    stream.on('inputJson', (partial) => deltas.push(partial));
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    if (toolUse?.type !== 'tool_use') throw new Error('no tool_use');
    expect(toolUse.id).toMatch(/^toolu_/);
    expect(toolUse.input).toEqual({ city: 'Rome' });
    expect(deltas.length).toBeGreaterThan(0);

    harness.simulator.script({ answer: 'Warm in Rome.' });
    const second = await client.messages.create({
      model: 'grok-4.1-fast',
      max_tokens: 512,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Rome weather?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '25C' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Warm in Rome.' }] as never);
    expect(upstreamMessage(1)).toContain(`[tool]\nTool result (get_weather, ${toolUse.id}): 25C`);
    expect(upstreamMessage(1)).not.toContain('Pondering');
  });

  test('unknown fields (newer API versions) are ignored', async () => {
    harness.simulator.script({ answer: 'fine' });
    const response = await harness.api('/v1/messages', {
      method: 'POST',
      headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'something-new' },
      body: JSON.stringify({
        model: 'grok-4.1-fast',
        max_tokens: 5,
        context_management: { edits: [] },
        messages: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' }, citations: null }],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: unknown[] }).content).toEqual([{ type: 'text', text: 'fine' }]);
  });

  test('count_tokens estimates the flattened input', async () => {
    const small = await client.messages.countTokens({
      model: 'grok-4.1-fast',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const large = await client.messages.countTokens({
      model: 'grok-4.1-fast',
      messages: [{ role: 'user', content: 'hi '.repeat(500) }],
    });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(large.input_tokens).toBeGreaterThan(small.input_tokens);
    expect(chatCalls(harness.simulator)).toHaveLength(0);
  });
});

describe('Anthropic auth and errors', () => {
  test('x-api-key and Bearer both work; a wrong key is a 401 in Anthropic shape', async () => {
    harness.simulator.script({ answer: 'ok', times: 2 });
    const body = JSON.stringify({ model: 'grok-4.1-fast', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const viaHeader = await fetch(`${harness.server.url}/v1/messages`, {
      method: 'POST',
      body,
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    });
    expect(viaHeader.status).toBe(200);
    const viaBearer = await fetch(`${harness.server.url}/v1/messages`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    });
    expect(viaBearer.status).toBe(200);
    const wrong = await fetch(`${harness.server.url}/v1/messages`, {
      method: 'POST',
      body,
      headers: { 'x-api-key': 'nope', 'content-type': 'application/json' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key.' },
    });
    const sdk = new Anthropic({ baseURL: harness.server.url, apiKey: 'bad', maxRetries: 0 });
    const failure = await sdk.messages
      .create({ model: 'grok-4.1-fast', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  const cases: [string, object, string][] = [
    ['missing max_tokens', { messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    [
      'a block without a type',
      { max_tokens: 5, messages: [{ role: 'user', content: [{ text: 'x' }] }] },
      'messages.0.content.0.type',
    ],
    [
      'tool_result without a matching tool_use',
      {
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: '1' }] }],
      },
      'messages.0.content.0.tool_use_id',
    ],
    ['bad role', { max_tokens: 5, messages: [{ role: 'robot', content: 'x' }] }, 'messages.0.role'],
    ['only system messages', { max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, 'messages'],
    ['messages not a list', { max_tokens: 5, messages: 'hi' }, 'messages'],
    [
      'tool_result content of the wrong type',
      {
        max_tokens: 5,
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 5 }] },
        ],
      },
      'messages.1.content.0.content',
    ],
    [
      'bad tool schema',
      {
        max_tokens: 5,
        tools: [{ name: 't', input_schema: { type: 'string' } }],
        messages: [{ role: 'user', content: 'x' }],
      },
      'tools.0.input_schema.type',
    ],
    [
      'bad tool name',
      {
        max_tokens: 5,
        tools: [{ name: 'a b', input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'x' }],
      },
      'tools.0.name',
    ],
    [
      'tool_choice naming an undeclared tool',
      {
        max_tokens: 5,
        tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'nope' },
        messages: [{ role: 'user', content: 'x' }],
      },
      'tool_choice',
    ],
    [
      'bad image source',
      { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'bogus' } }] }] },
      'messages.0.content.0.source.type',
    ],
    ['empty messages', { max_tokens: 5, messages: [] }, 'messages'],
  ];
  for (const [name, body, param] of cases) {
    test(`${name} is a 400 invalid_request_error`, async () => {
      const response = await harness.api('/v1/messages', {
        method: 'POST',
        body: JSON.stringify({ model: 'grok-4.1-fast', ...body }),
      });
      expect(response.status).toBe(400);
      const payload = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(payload.type).toBe('error');
      expect(payload.error.type).toBe('invalid_request_error');
      expect(payload.error.message).toContain(param);
      expect(chatCalls(harness.simulator)).toHaveLength(0);
    });
  }

  test('invalid JSON is a 400 in Anthropic shape; unknown model a 404 not_found_error', async () => {
    const broken = await harness.api('/v1/messages', { method: 'POST', body: '{"model":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { type: string }).type).toBe('error');
    const unknown = await harness.api('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({ model: 'claude-9', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });

  test('a wrong method on /v1/messages is a 405 in Anthropic shape', async () => {
    const response = await harness.api('/v1/messages');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { type: string; error: { type: string } }).type).toBe('error');
  });

  test('a failure after the stream started ends with an error event', async () => {
    harness.simulator.enqueueFault({ kind: 'cut', afterFrames: 4 });
    const response = await harness.api('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-4.1-fast',
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const text = await response.text();
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(
      /^event: error\ndata: \{"type":"error","error":\{"type":"(api_error|overloaded_error)"/,
    );
  });
});

describe('stop sequences end the upstream read', () => {
  test('once a stop sequence matched, the answer ends even if the upstream never does', async () => {
    // The upstream stalls after the stop sequence; without the early end the request would hang.
    harness.simulator.enqueueFault({ kind: 'stall', afterFrames: 8 });
    harness.simulator.script({
      answerTokens: ['one ', 'two ', 'STOP', ' three', ' four', ' five', ' six', ' seven', ' eight', ' nine'],
    });
    const message = await client.messages.create({
      model: 'grok-4.1-fast',
      max_tokens: 100,
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'count' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'one two ' }] as never);
    expect(message.stop_reason).toBe('stop_sequence');

    harness.simulator.enqueueFault({ kind: 'stall', afterFrames: 8 });
    harness.simulator.script({
      answerTokens: ['one ', 'two ', 'STOP', ' three', ' four', ' five', ' six', ' seven', ' eight', ' nine'],
    });
    const stream = client.messages.stream({
      model: 'grok-4.1-fast',
      max_tokens: 100,
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'count' }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_sequence).toBe('STOP');
  });
});
