import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/** Chat completions: `stop`, `max_completion_tokens` / `max_tokens`, and the legacy `functions` shape. */

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const call = (name: string, args: object) =>
  `<tool_call>{"name":"${name}","arguments":${JSON.stringify(args)}}</tool_call>`;
const upstreamMessage = (index: number) => (chatCalls(harness.simulator)[index]!.body as { message: string }).message;

async function complete(body: object): Promise<any> {
  const response = await harness.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'go' }], ...body }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function streamed(body: object): Promise<{ chunks: any[]; text: string; raw: string }> {
  const response = await harness.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({
      model: 'grok-4.1-fast',
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
      ...body,
    }),
  });
  expect(response.status).toBe(200);
  const raw = await response.text();
  const data = raw
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));
  expect(data.at(-1)).toBe('[DONE]');
  const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
  return { chunks, raw, text: chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('') };
}

describe('stop sequences', () => {
  test('non-streaming: the text ends before the first stop sequence; later tool calls are dropped', async () => {
    harness.simulator.script({ answer: `One, two, END three.\n${call('f', {})}` });
    const body = await complete({ stop: ['END', 'three'], tools: [{ type: 'function', function: { name: 'f' } }] });
    expect(body.choices[0].message.content).toBe('One, two,');
    expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  test('streaming: a stop sequence split across deltas is never sent', async () => {
    harness.simulator.script({ answerTokens: ['Alpha be', 'ta ST', 'OP gamma'] });
    const { chunks, text } = await streamed({ stop: 'STOP' });
    expect(text).toBe('Alpha beta ');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  test('a single string stop is accepted', async () => {
    harness.simulator.script({ answer: 'keep|drop' });
    expect((await complete({ stop: '|' })).choices[0].message.content).toBe('keep');
  });
});

describe('max_completion_tokens and max_tokens', () => {
  const long = 'word '.repeat(200).trim();

  test('non-streaming: the answer is cut at the budget with finish_reason length', async () => {
    harness.simulator.script({ answer: long });
    const body = await complete({ max_completion_tokens: 10 });
    const content: string = body.choices[0].message.content;
    expect(body.choices[0].finish_reason).toBe('length');
    expect(content.length).toBeGreaterThan(0);
    expect(long.startsWith(content)).toBe(true);
    expect(content.length).toBeLessThan(long.length);
  });

  test('streaming with the older max_tokens', async () => {
    harness.simulator.script({ answer: long });
    const { chunks, text } = await streamed({ max_tokens: 10 });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
    expect(long.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(long.length);
  });

  test('an answer within the budget is untouched', async () => {
    harness.simulator.script({ answer: 'Short answer.' });
    const body = await complete({ max_completion_tokens: 1000 });
    expect(body.choices[0].message.content).toBe('Short answer.');
    expect(body.choices[0].finish_reason).toBe('stop');
  });
});

describe('legacy functions / function_call', () => {
  const functions = [
    {
      name: 'get_time',
      description: 'The time in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  ];

  test('non-streaming: offered as a tool, answered as message.function_call', async () => {
    harness.simulator.script({ answer: call('get_time', { city: 'Rome' }) });
    const body = await complete({ functions, function_call: 'auto' });
    expect(upstreamMessage(0)).toContain('### get_time');
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe('function_call');
    expect(choice.message.function_call).toEqual({ name: 'get_time', arguments: '{"city":"Rome"}' });
    expect(choice.message.tool_calls).toBeUndefined();
  });

  test('streaming: delta.function_call, finish_reason function_call', async () => {
    harness.simulator.script({ answer: call('get_time', { city: 'Rome' }) });
    const { chunks } = await streamed({ functions, function_call: { name: 'get_time' } });
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta?.function_call).filter(Boolean);
    expect(deltas[0].name).toBe('get_time');
    expect(deltas.map((delta: { arguments: string }) => delta.arguments).join('')).toBe('{"city":"Rome"}');
    expect(chunks.some((chunk) => chunk.choices[0]?.delta?.tool_calls)).toBe(false);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('function_call');
  });

  test('history with an assistant function_call and a role "function" result continues', async () => {
    harness.simulator.script({ answer: 'It is noon in Rome.' });
    const body = await complete({
      functions,
      messages: [
        { role: 'user', content: 'Time in Rome?' },
        { role: 'assistant', content: null, function_call: { name: 'get_time', arguments: '{"city":"Rome"}' } },
        { role: 'function', name: 'get_time', content: '12:00' },
      ],
    });
    expect(body.choices[0].message.content).toBe('It is noon in Rome.');
    expect(upstreamMessage(0)).toContain('12:00');
    expect(upstreamMessage(0)).toContain('get_time');
  });
});

describe('fields and tool types Grok cannot serve', () => {
  test('are dropped and named in x-grok2api-ignored, not refused', async () => {
    harness.simulator.script({ answer: 'fine' });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-4.1-fast',
        messages: [{ role: 'user', content: 'go' }],
        n: 2,
        logprobs: true,
        tools: [{ type: 'web_search_preview' }, { function: { name: 'untyped_but_function' } }],
        tool_choice: { type: 'web_search_preview' },
      }),
    });
    expect(response.status).toBe(200);
    const ignored = response.headers.get('x-grok2api-ignored') ?? '';
    for (const note of [
      'n=2 answered with one choice',
      'logprobs not available',
      'tools[0] web_search_preview dropped',
      'tool_choice web_search_preview treated as auto',
    ]) {
      expect(ignored).toContain(note);
    }
    expect(upstreamMessage(0)).toContain('### untyped_but_function');
  });

  test('malformed input is still a 400 in OpenAI shape', async () => {
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-4.1-fast',
        messages: [{ role: 'tool', tool_call_id: 'call_x', content: 'orphan' }, { role: 'user' }],
      }),
    });
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { type: string; param: string } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toStartWith('messages.');
  });
});
