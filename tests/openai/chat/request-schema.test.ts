import { describe, expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { Elysia } from 'elysia';
import { ChatCompletionRequestSchema } from '../../../src/openai/chat/request-schema';

const accepts = (body: unknown) => Value.Check(ChatCompletionRequestSchema, body);
const base = { model: 'grok-4', messages: [{ role: 'user', content: 'Hi' }] };

describe('ChatCompletionRequestSchema', () => {
  test('a minimal request', () => {
    expect(accepts(base)).toBe(true);
  });

  test('model and messages are required; an empty messages array is rejected', () => {
    expect(accepts({ messages: base.messages })).toBe(false);
    expect(accepts({ model: 'grok-4' })).toBe(false);
    expect(accepts({ model: 'grok-4', messages: [] })).toBe(false);
  });

  test('every content form: string, block array, lone block, null, absent', () => {
    for (const content of ['x', [{ type: 'text', text: 'x' }], { type: 'text', text: 'x' }, null, undefined]) {
      expect(accepts({ ...base, messages: [{ role: 'user', content }] })).toBe(true);
    }
    expect(accepts({ ...base, messages: [{ role: 'user', content: 42 }] })).toBe(false);
  });

  test('all block kinds, including both image_url forms', () => {
    const content = [
      { type: 'text', text: 'x' },
      { type: 'image_url', image_url: { url: 'https://a.example/x.png', detail: 'high' } },
      { type: 'image_url', image_url: 'https://a.example/x.png' },
      { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf', file_id: 'f' } },
    ];
    expect(accepts({ ...base, messages: [{ role: 'user', content }] })).toBe(true);
    expect(accepts({ ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 5 }] }] })).toBe(
      false,
    );
  });

  test('structure the validator explains better is left to the validator', () => {
    const messages = [
      { role: 'robot', content: [{}, { type: 'video' }] },
      { role: 'tool', content: 'r' },
    ];
    const body = {
      ...base,
      messages,
      reasoning_effort: 'max',
      temperature: 7,
      tools: [{ type: 'x' }],
      tool_choice: 'any',
    };
    expect(accepts(body)).toBe(true);
  });

  test('assistant history with tool calls; arguments as string or object; nulls where clients send them', () => {
    const messages = [
      { role: 'user', content: 'a', name: null },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'assistant', content: null, tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] },
      { role: 'tool', content: 'r', tool_call_id: 'c1' },
      { role: 'assistant', content: 'done', tool_calls: null, tool_call_id: null },
    ];
    expect(accepts({ ...base, messages })).toBe(true);
  });

  test('the OpenAI fields Grok cannot honour are accepted, also as null', () => {
    const ignored = {
      n: 1,
      max_tokens: 10,
      max_completion_tokens: 10,
      stop: ['\n'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100 },
      logprobs: false,
      top_logprobs: 2,
      seed: 7,
      user: 'u',
      response_format: { type: 'json_object' },
      modalities: ['text'],
      metadata: { a: 'b' },
      store: false,
      service_tier: 'auto',
    };
    expect(accepts({ ...base, ...ignored })).toBe(true);
    const asNull = Object.fromEntries(Object.keys(ignored).map((key) => [key, null]));
    expect(accepts({ ...base, ...asNull })).toBe(true);
  });

  test('fields the gateway acts on have their types checked', () => {
    const body = {
      ...base,
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'low',
      temperature: 0.2,
      top_p: 0.9,
      tools: [
        { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      image_config: { n: 2, size: '1024x1024', response_format: 'url', nsfw: false },
      video_config: { aspect_ratio: '3:2', video_length: 6, resolution_name: '480p', preset: 'normal' },
    };
    expect(accepts(body)).toBe(true);
    expect(accepts({ ...base, stream: 'yes' })).toBe(false);
    expect(accepts({ ...base, temperature: 'hot' })).toBe(false);
    expect(accepts({ ...base, tool_choice: 3 })).toBe(false);
    expect(accepts({ ...base, image_config: { n: 1.5 } })).toBe(false);
  });

  test('as an Elysia body: unknown fields are dropped, not rejected; free-form JSON survives', async () => {
    const app = new Elysia().post('/', ({ body }) => body, { body: ChatCompletionRequestSchema });
    const send = (body: unknown) =>
      app.handle(
        new Request('http://localhost/', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );

    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const accepted = await send({
      ...base,
      audio: { voice: 'x' },
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://a.example/x.png', unknown: 1 } }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', function: { name: 'f', arguments: { nested: { a: [1] } } } }],
        },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters } }],
    });
    expect(accepted.status).toBe(200);
    const echoed = (await accepted.json()) as Record<string, unknown>;
    expect(echoed.audio).toBeUndefined();
    expect(echoed.messages).toEqual([
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://a.example/x.png' } }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', function: { name: 'f', arguments: { nested: { a: [1] } } } }],
      },
    ]);
    expect(echoed.tools).toEqual([{ type: 'function', function: { name: 'f', parameters } }]);

    expect((await send({ ...base, messages: [] })).status).toBe(422);
  });
});
