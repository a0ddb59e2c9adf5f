import { describe, expect, test } from 'bun:test';
import { MessageAnswer } from '../../src/anthropic/message-answer';
import { MessagesStreamEncoder } from '../../src/anthropic/stream-encoder';
import type { ChatUsage } from '../../src/conversation/usage-estimate';
import { ApiError } from '../../src/http/errors';

/** The bytes of Anthropic's event stream, exactly as a client reads them. */

const frames = (chunks: Uint8Array[]) => chunks.map((chunk) => new TextDecoder().decode(chunk));

const eventsOf = (chunks: Uint8Array[]) =>
  frames(chunks).map((frame) => {
    const match = /^event: ([^\n]*)\ndata: (.*)\n\n$/s.exec(frame);
    if (!match) throw new Error(`not an event frame: ${JSON.stringify(frame)}`);
    const data = JSON.parse(match[2]!);
    expect(data.type).toBe(match[1]);
    return data;
  });

const usage = (prompt: number, completion: number) =>
  ({ prompt_tokens: prompt, completion_tokens: completion }) as ChatUsage;

const make = (stopSequences: string[] = [], promptUsage: ChatUsage | null = usage(5, 0)) =>
  new MessagesStreamEncoder(
    'msg_1',
    'claude-x',
    new MessageAnswer(true, stopSequences),
    () => usage(3, 4),
    promptUsage,
  );

describe('MessagesStreamEncoder', () => {
  test('message_start with the prompt usage, then a ping', () => {
    expect(eventsOf(make().open())).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-x',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 5, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      },
      { type: 'ping' },
    ]);
    expect(eventsOf(make([], null).open())[0].message.usage.input_tokens).toBe(0);
  });

  test('content blocks, then message_delta with the stop reason and output tokens, then message_stop', () => {
    const encoder = make();
    expect(eventsOf(encoder.pieces([{ type: 'content', text: 'Hi' }]))).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    ]);
    expect(encoder.ended()).toBe(false);
    expect(eventsOf(encoder.finish())).toEqual([
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } },
      { type: 'message_stop' },
    ]);
  });

  test('a matched stop sequence ends the stream and is named in message_delta', () => {
    const encoder = make(['STOP']);
    eventsOf(encoder.pieces([{ type: 'content', text: 'Hi STOP more' }]));
    expect(encoder.ended()).toBe(true);
    const finish = eventsOf(encoder.finish());
    expect(finish[1]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'stop_sequence', stop_sequence: 'STOP' },
      usage: { output_tokens: 4 },
    });
  });

  test("a failure is one error event in Anthropic's shape; keep-alive is a ping event", () => {
    const encoder = make();
    expect(eventsOf(encoder.failure(new ApiError({ status: 429, message: 'slow down' })))).toEqual([
      { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    ]);
    expect(frames([encoder.keepalive()])).toEqual(['event: ping\ndata: {"type":"ping"}\n\n']);
  });
});
