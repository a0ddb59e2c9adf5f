import { describe, expect, test } from 'bun:test';
import { ChunkBuilder } from '../../src/openai/chat/chunk-builder';
import { ChatStreamEncoder } from '../../src/openai/chat/stream-response';
import { ApiError } from '../../src/http/errors';
import type { ResponseState } from '../../src/openai/responses/response-object';
import { ResponseOutput } from '../../src/openai/responses/response-output';
import { ResponsesStreamEncoder } from '../../src/openai/responses/stream-encoder';
import { SSE_DONE, SSE_HEADERS, SSE_KEEPALIVE, sseData, sseEvent } from '../../src/http/sse';
import { AnswerLimits } from '../../src/openai/chat/answer-limits';

/** The bytes each OpenAI stream encoder writes, exactly as a client reads them. */

/** The SSE frames in the bytes, however the encoder grouped them into buffers. */
const text = (chunks: Uint8Array[]) =>
  chunks.flatMap((chunk) => new TextDecoder().decode(chunk).split(/(?<=\n\n)/)).filter((frame) => frame !== '');

/** `data:` lines as values (`[DONE]` stays a string). */
const dataOf = (chunks: Uint8Array[]) =>
  text(chunks).map((frame) => {
    const match = /^data: (.*)\n\n$/s.exec(frame);
    if (!match) throw new Error(`not a data frame: ${JSON.stringify(frame)}`);
    return match[1] === '[DONE]' ? '[DONE]' : JSON.parse(match[1]!);
  });

/** `event:` + `data:` frames; the event name must equal the payload's type. */
const eventsOf = (chunks: Uint8Array[]) =>
  text(chunks).map((frame) => {
    const match = /^event: ([^\n]*)\ndata: (.*)\n\n$/s.exec(frame);
    if (!match) throw new Error(`not an event frame: ${JSON.stringify(frame)}`);
    const data = JSON.parse(match[2]!);
    expect(data.type).toBe(match[1]);
    return data;
  });

describe('SSE framing', () => {
  test('data, named events, [DONE] and the keep-alive comment', () => {
    expect(text([sseData({ a: 1 })])).toEqual(['data: {"a":1}\n\n']);
    expect(text([sseEvent('ping', { type: 'ping' })])).toEqual(['event: ping\ndata: {"type":"ping"}\n\n']);
    expect(text([SSE_DONE])).toEqual(['data: [DONE]\n\n']);
    expect(text([SSE_KEEPALIVE])).toEqual([': keep-alive\n\n']);
  });

  test('headers stop caching and proxy buffering', () => {
    expect(SSE_HEADERS).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  });
});

describe('ChatStreamEncoder', () => {
  const builder = () =>
    new ChunkBuilder('chatcmpl-1', 1_700_000_000, 'grok-4', 'reasoning_content', { modelHash: 'fp' });
  const chunk = (delta: object, finishReason: string | null = null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'grok-4',
    system_fingerprint: 'fp',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });

  test('a role chunk, one chunk per piece, the finish chunk, then [DONE]', () => {
    const encoder = new ChatStreamEncoder(builder(), () => ({ usage: null }), new AnswerLimits(undefined, undefined));
    expect(dataOf(encoder.open())).toEqual([chunk({ role: 'assistant', content: '' })]);
    expect(
      dataOf(
        encoder.pieces([
          { type: 'content', text: 'Hi' },
          { type: 'reasoning', text: 'hm' },
        ]),
      ),
    ).toEqual([chunk({ content: 'Hi' }), chunk({ reasoning_content: 'hm' })]);
    expect(dataOf(encoder.finish())).toEqual([chunk({}, 'stop'), '[DONE]']);
  });

  test('tool calls finish as tool_calls; usage, when asked for, comes in its own chunk with no choices', () => {
    const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
    const encoder = new ChatStreamEncoder(builder(), () => ({ usage }), new AnswerLimits(undefined, undefined));
    const started = encoder.pieces([{ type: 'tool_call_start', index: 0, id: 'call_1', name: 'lookup' }]);
    expect(dataOf(started)).toEqual([
      chunk({
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }],
      }),
    ]);
    expect(dataOf(encoder.finish())).toEqual([chunk({}, 'tool_calls'), { ...chunk({}), choices: [], usage }, '[DONE]']);
  });

  test('a content chunk is written byte for byte as its object serialises, whatever the text and fingerprint', () => {
    const assembler: { modelHash: string | null } = { modelHash: null };
    const chunks = new ChunkBuilder('chatcmpl-"q"', 1_700_000_000, 'grok-4 "fast"\n', 'reasoning_content', assembler);
    const texts = ['', 'Hi', ' "quoted" \\ \n\t\u0001', '你好 👋', '\ud800 lone', '</think>', '{"content":""}'];
    for (const fingerprint of [null, 'fp-1', 'fp-"2"']) {
      assembler.modelHash = fingerprint;
      for (const piece of texts)
        expect(chunks.contentJson(piece)).toBe(JSON.stringify(chunks.chunk({ content: piece })));
    }
  });

  test('the chunks of one batch leave as one buffer', () => {
    const encoder = new ChatStreamEncoder(builder(), () => ({ usage: null }), new AnswerLimits(undefined, undefined));
    const written = encoder.pieces([
      { type: 'content', text: 'a' },
      { type: 'content', text: 'b' },
    ]);
    expect(written).toHaveLength(1);
    expect(dataOf(written)).toEqual([chunk({ content: 'a' }), chunk({ content: 'b' })]);
    expect(encoder.pieces([])).toEqual([]);
  });

  test('a failure is one error body and [DONE]; keep-alive is a comment', () => {
    const encoder = new ChatStreamEncoder(builder(), () => ({ usage: null }), new AnswerLimits(undefined, undefined));
    const error = new ApiError({ status: 502, message: 'upstream failed', code: 'upstream_error' });
    expect(dataOf(encoder.failure(error))).toEqual([error.toBody(), '[DONE]']);
    expect(text([encoder.keepalive()])).toEqual([': keep-alive\n\n']);
  });
});

describe('ResponsesStreamEncoder', () => {
  const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } as unknown as ResponseState['usage'];
  const make = () => {
    const output = new ResponseOutput(true);
    const encoder = new ResponsesStreamEncoder(
      output,
      (state) => ({ ...state }),
      () => usage,
      () => 123,
    );
    return { output, encoder };
  };

  test('created and in_progress first, numbered from 0', () => {
    const { encoder } = make();
    const response = { status: 'in_progress', output: [], usage: null, error: null };
    expect(eventsOf(encoder.open())).toEqual([
      { type: 'response.created', response, sequence_number: 0 },
      { type: 'response.in_progress', response, sequence_number: 1 },
    ]);
  });

  test('output events and response.completed continue the numbering; completed carries output and usage', () => {
    const { output, encoder } = make();
    encoder.open();
    const added = eventsOf(encoder.pieces([{ type: 'content', text: 'Hi' }]));
    expect(added.map((event) => [event.type, event.sequence_number])).toEqual([
      ['response.output_item.added', 2],
      ['response.content_part.added', 3],
      ['response.output_text.delta', 4],
    ]);
    expect(added[2]).toMatchObject({ delta: 'Hi' });
    const finished = eventsOf(encoder.finish());
    expect(finished.map((event) => [event.type, event.sequence_number])).toEqual([
      ['response.output_text.done', 5],
      ['response.content_part.done', 6],
      ['response.output_item.done', 7],
      ['response.completed', 8],
    ]);
    expect(finished[3]).toEqual({
      type: 'response.completed',
      response: { status: 'completed', output: output.items, usage, error: null, completedAt: 123 },
      sequence_number: 8,
    });
  });

  test('a failure is an error event and response.failed, with the code or server_error', () => {
    const { encoder } = make();
    encoder.open();
    expect(eventsOf(encoder.failure(new ApiError({ status: 502, message: 'boom' })))).toEqual([
      { type: 'error', code: 'server_error', message: 'boom', param: null, sequence_number: 2 },
      {
        type: 'response.failed',
        response: { status: 'failed', output: [], usage: null, error: { code: 'server_error', message: 'boom' } },
        sequence_number: 3,
      },
    ]);
    const coded = eventsOf(
      encoder.failure(new ApiError({ status: 429, message: 'slow', code: 'rate_limit', param: 'model' })),
    );
    expect(coded[0]).toEqual({
      type: 'error',
      code: 'rate_limit',
      message: 'slow',
      param: 'model',
      sequence_number: 4,
    });
    expect(coded[1].response.error).toEqual({ code: 'rate_limit', message: 'slow' });
  });

  test('keep-alive is a comment and takes no sequence number', () => {
    const { encoder } = make();
    expect(text([encoder.keepalive()])).toEqual([': keep-alive\n\n']);
    expect(eventsOf(encoder.open())[0].sequence_number).toBe(0);
  });
});
