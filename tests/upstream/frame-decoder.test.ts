import { describe, expect, test } from 'bun:test';
import { UpstreamError } from '../../src/upstream/errors';
import { decodeFrames, FrameDecoder } from '../../src/upstream/grok/frame-decoder';

const frames: unknown[] = [
  { result: { conversation: { conversationId: 'conv_1' } } },
  { result: { response: { token: '你好👋 {not a frame} "quoted" \\ back', isThinking: false } } },
  { result: { response: { token: '}{"', nested: { deeper: [1, { x: '}' }] } } } },
  { result: { response: { token: 'ünïcödé ∑ 𝄞', isSoftStop: true } } },
];

const encoder = new TextEncoder();
const bodies: Record<string, Uint8Array> = {
  ndjson: encoder.encode(`${frames.map((frame) => JSON.stringify(frame)).join('\n')}\n`),
  sse: encoder.encode(
    `${frames.map((frame) => `event: message\ndata: ${JSON.stringify(frame)}\n\n`).join('')}data: [DONE]\n\n`,
  ),
  concatenated: encoder.encode(frames.map((frame) => JSON.stringify(frame)).join('')),
};

function decodeChunks(chunks: Uint8Array[]): unknown[] {
  const decoder = new FrameDecoder();
  const values = chunks.flatMap((chunk) => decoder.push(chunk));
  decoder.end();
  return values;
}

describe('FrameDecoder', () => {
  for (const [form, body] of Object.entries(bodies)) {
    test(`${form}: whole body`, () => {
      expect(decodeChunks([body])).toEqual(frames);
    });

    test(`${form}: every split into two reads`, () => {
      for (let cut = 0; cut <= body.length; cut++) {
        expect(decodeChunks([body.subarray(0, cut), body.subarray(cut)])).toEqual(frames);
      }
    });

    test(`${form}: one byte per read`, () => {
      const chunks = Array.from(body, (byte) => Uint8Array.of(byte));
      expect(decodeChunks(chunks)).toEqual(frames);
    });
  }

  test('every split into three reads of a frame with multi-byte characters', () => {
    const body = encoder.encode('data: {"token":"你好👋 \\"}\\" {"}\n{"b":"é"}');
    const expected = [{ token: '你好👋 "}" {' }, { b: 'é' }];
    for (let first = 0; first <= body.length; first++) {
      for (let second = first; second <= body.length; second++) {
        const chunks = [body.subarray(0, first), body.subarray(first, second), body.subarray(second)];
        expect(decodeChunks(chunks)).toEqual(expected);
      }
    }
  });

  test('keeps a copy of bytes from a reused read buffer', () => {
    const decoder = new FrameDecoder();
    const buffer = encoder.encode('{"a":"xy');
    expect(decoder.push(buffer)).toEqual([]);
    buffer.fill(0x20);
    expect(decoder.push(encoder.encode('z"}'))).toEqual([{ a: 'xyz' }]);
  });

  test('EOF inside an object is a truncated stream', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(encoder.encode('{"a":1}\n{"result":{"response":{"token":"he'))).toEqual([{ a: 1 }]);
    let thrown: unknown;
    try {
      decoder.end();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UpstreamError);
    expect(thrown).toMatchObject({ code: 'stream_truncated', retryable: false });
  });

  test('EOF between objects is a clean end, even after [DONE]', () => {
    const decoder = new FrameDecoder();
    decoder.push(encoder.encode('{"a":1}\ndata: [DONE]\n'));
    expect(() => decoder.end()).not.toThrow();
  });

  test('an object over the size limit is refused', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    expect(decoder.push(encoder.encode(`{"a":"${'x'.repeat(1000)}"}`))).toHaveLength(1);
    decoder.push(encoder.encode('{"a":"'));
    expect(() => decoder.push(encoder.encode('x'.repeat(1100)))).toThrow(
      expect.objectContaining({ code: 'bad_response' }),
    );
  });

  test('the default limit is 8 MiB per object', () => {
    const decoder = new FrameDecoder();
    const piece = encoder.encode('x'.repeat(1024 * 1024));
    decoder.push(encoder.encode('{"a":"'));
    for (let index = 0; index < 7; index++) decoder.push(piece);
    expect(() => decoder.push(piece)).toThrow(expect.objectContaining({ code: 'bad_response' }));
  });

  test('balanced braces that are not JSON are a bad response', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(encoder.encode('{not json}'))).toThrow(expect.objectContaining({ code: 'bad_response' }));
  });
});

describe('FrameDecoder edges', () => {
  const errorOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  };

  test('an empty key right after the opening brace is not mistaken for an escape', () => {
    expect(decodeChunks([encoder.encode('{"":1}{"":"\\""}')])).toEqual([{ '': 1 }, { '': '"' }]);
  });

  test('bytes that are not UTF-8 become U+FFFD instead of failing the stream', () => {
    expect(decodeChunks([Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d)])).toEqual([
      { a: '\uFFFD' },
    ]);
  });

  test('the size limit allows an object of exactly the limit and refuses one byte more', () => {
    const exact = `{"a":"${'x'.repeat(1024 - 8)}"}`;
    expect(exact.length).toBe(1024);
    expect(new FrameDecoder({ maxFrameBytes: 1024 }).push(encoder.encode(exact))).toHaveLength(1);
    const over = `{"a":"${'x'.repeat(1024 - 7)}"}`;
    const error = errorOf(() => new FrameDecoder({ maxFrameBytes: 1024 }).push(encoder.encode(over)));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'bad_response',
      message: 'chat stream: one JSON object is larger than 1024 bytes',
      retryable: false,
      accountEffect: 'none',
    });
  });

  test('after a refused object the decoder starts clean, even if it stopped inside an escape', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 8 });
    expect(() => decoder.push(encoder.encode('{"abcdef":"\\'))).toThrow();
    expect(decoder.push(encoder.encode('{"":1}'))).toEqual([{ '': 1 }]);
  });

  test('a truncated stream says how many bytes were unread, then the decoder starts clean', () => {
    const decoder = new FrameDecoder();
    decoder.push(encoder.encode('{"a":"\\'));
    const error = errorOf(() => decoder.end());
    expect(error).toMatchObject({
      code: 'stream_truncated',
      message: 'chat stream: the body ended inside a JSON object (7 bytes unread)',
      retryable: false,
      accountEffect: 'none',
    });
    expect(decoder.push(encoder.encode('{"":2}'))).toEqual([{ '': 2 }]);
  });

  test('a frame that is not JSON is a bad response that is not retried', () => {
    const error = errorOf(() => new FrameDecoder().push(encoder.encode('{nope}')));
    expect(error).toMatchObject({
      code: 'bad_response',
      message: 'chat stream: a frame is not valid JSON',
      retryable: false,
      accountEffect: 'none',
    });
  });

  test('decodeFrames yields every object of a byte stream and checks its end', async () => {
    async function* chunks(...parts: string[]) {
      for (const part of parts) yield encoder.encode(part);
    }
    const values: unknown[] = [];
    for await (const value of decodeFrames(chunks('{"a":', '1}\n{"b"', ':2}'))) values.push(value);
    expect(values).toEqual([{ a: 1 }, { b: 2 }]);
    const truncated = decodeFrames(chunks('{"a":1}{"b"'));
    expect(await truncated.next()).toEqual({ value: { a: 1 }, done: false });
    await expect(truncated.next()).rejects.toMatchObject({ code: 'stream_truncated' });
    const limited: unknown[] = [];
    const refused = (async () => {
      for await (const value of decodeFrames(chunks('{"a":"xxxxxxxx"}'), { maxFrameBytes: 4 })) limited.push(value);
    })();
    await expect(refused).rejects.toMatchObject({ code: 'bad_response' });
  });
});
