import { describe, expect, test } from 'bun:test';
import {
  parseToolCalls,
  ToolCallSieve,
  type SieveOutput,
  type ToolCall,
} from '../../../src/conversation/tools/tool-call-parser';

const NAMES = ['get_weather', 'get_time'];

const sequentialIds = () => {
  let next = 0;
  return () => `call_${String(next++).padStart(24, '0')}`;
};

interface Collected {
  text: string;
  toolCalls: ToolCall[];
}

/** What an OpenAI client accumulates from the events; also checks the event grammar on the way. */
const collect = (outputs: SieveOutput[]): Collected => {
  let text = '';
  const toolCalls: ToolCall[] = [];
  let open: number | undefined;
  for (const output of outputs) {
    switch (output.type) {
      case 'text':
        expect(open).toBeUndefined();
        expect(output.text).not.toBe('');
        text += output.text;
        break;
      case 'tool_call_start':
        expect(open).toBeUndefined();
        expect(output.index).toBe(toolCalls.length);
        open = output.index;
        toolCalls.push({ id: output.id, type: 'function', function: { name: output.name, arguments: '' } });
        break;
      case 'tool_call_arguments':
        expect(output.index).toBe(open!);
        toolCalls[output.index]!.function.arguments += output.delta;
        break;
      case 'tool_call_end':
        expect(output.index).toBe(open!);
        open = undefined;
        break;
    }
  }
  expect(open).toBeUndefined();
  return { text, toolCalls };
};

const runSieve = (chunks: string[], names = NAMES): SieveOutput[] => {
  const sieve = new ToolCallSieve(names, sequentialIds());
  const outputs = chunks.flatMap((chunk) => sieve.push(chunk));
  outputs.push(...sieve.finish());
  return outputs;
};

const expectedFor = (text: string, names = NAMES): Collected => {
  const parsed = parseToolCalls(text, names, sequentialIds());
  return { text: parsed.content ?? '', toolCalls: parsed.toolCalls };
};

const chunkAt = (text: string, cuts: number[]): string[] => {
  const bounds = [0, ...cuts, text.length];
  return bounds.slice(1).map((end, index) => text.slice(bounds[index], end));
};

/** Deterministic PRNG (mulberry32) so a failing chunking can be reproduced. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
};

const randomChunks = (text: string, next: () => number): string[] => {
  const chunks: string[] = [];
  let position = 0;
  while (position < text.length) {
    const size = 1 + Math.floor(next() * 8);
    chunks.push(text.slice(position, position + size));
    position += size;
  }
  return chunks;
};

const VALID_A = '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>';
const VALID_B =
  '<tool_calls>\n<tool_call><tool_name>get_time</tool_name><parameters>{"tz":"UTC"}</parameters></tool_call>\n</tool_calls>';

const CASES: Record<string, string> = {
  'plain text': 'Hello, world. No tools here.',
  'text with near-miss tags': 'a <tool and <tool_cal> and <tool_callx> and </tool_call> and <tool_calls x>',
  'one call with text around': `Let me check.\n${VALID_A}\nOne moment.`,
  'two calls separated by whitespace': `${VALID_A}\n\n${VALID_A}`,
  'variant B between texts': `Sure.\n${VALID_B}\nDone.`,
  'repairable JSON':
    '<tool_call>\n```json\n{"name": "get_weather", "arguments": {"city": "Paris",},\n```\n</tool_call>',
  'unknown name kept as text': `x <tool_call>{"name":"nope","arguments":{}}</tool_call> y ${VALID_A} z`,
  'unparseable block kept as text': `<tool_call>oops</tool_call>${VALID_A}`,
  'unterminated valid block': `Calling <tool_call>{"name":"get_time","arguments":{"tz":"CET"}`,
  'unterminated invalid block': 'See <tool_call> {"name": ',
  'partial opening at the end': 'trailing <tool_cal',
  'multi-byte around tags': `你好👋${VALID_A}👋你好 <tool_call>{"name":"get_weather","arguments":{"city":"東京"}}</tool_call>👋`,
  'upper-case tags': '<TOOL_CALL>{"name":"get_time"}</TOOL_CALL> ok',
  'mixed variants': `${VALID_B}${VALID_A}<tool_calls><tool_call><tool_name>bad</tool_name></tool_call></tool_calls>`,
  'whitespace only': ' \n \t ',
};

describe('ToolCallSieve equals parseToolCalls', () => {
  for (const [name, text] of Object.entries(CASES)) {
    describe(name, () => {
      const expected = expectedFor(text);

      test('whole text in one push, and nothing pushed before finish', () => {
        expect(collect(runSieve([text]))).toEqual(expected);
        expect(collect(runSieve(['', text, '']))).toEqual(expected);
      });

      test('every single split position', () => {
        for (let cut = 0; cut <= text.length; cut++) expect(collect(runSieve(chunkAt(text, [cut])))).toEqual(expected);
      });

      test('every pair of split positions', () => {
        for (let first = 1; first < text.length; first++) {
          for (let second = first; second < text.length; second++) {
            expect(collect(runSieve(chunkAt(text, [first, second])))).toEqual(expected);
          }
        }
      });

      test('one UTF-16 unit at a time, and one code point at a time', () => {
        expect(collect(runSieve(text.split('')))).toEqual(expected);
        expect(collect(runSieve([...text]))).toEqual(expected);
      });

      test('200 random chunkings', () => {
        const next = random(text.length);
        for (let round = 0; round < 200; round++) expect(collect(runSieve(randomChunks(text, next)))).toEqual(expected);
      });
    });
  }

  test('the cases cover what they claim', () => {
    expect(expectedFor(CASES['two calls separated by whitespace']!).toolCalls).toHaveLength(2);
    expect(expectedFor(CASES['unknown name kept as text']!).text).toContain('"nope"');
    expect(expectedFor(CASES['unterminated valid block']!).toolCalls).toHaveLength(1);
    expect(expectedFor(CASES['mixed variants']!).toolCalls).toHaveLength(2);
  });
});

describe('streaming behaviour', () => {
  test('plain text is forwarded at once', () => {
    const sieve = new ToolCallSieve(NAMES);
    expect(sieve.push('Hello')).toEqual([{ type: 'text', text: 'Hello' }]);
    expect(sieve.push(', world')).toEqual([{ type: 'text', text: ', world' }]);
    expect(sieve.finish()).toEqual([]);
  });

  test('only a suffix that may become a tag is held back, and released when it does not', () => {
    const sieve = new ToolCallSieve(NAMES);
    expect(sieve.push('a<tool_')).toEqual([{ type: 'text', text: 'a' }]);
    expect(sieve.push('box>')).toEqual([{ type: 'text', text: '<tool_box>' }]);
    expect(sieve.push('<')).toEqual([]);
    expect(sieve.finish()).toEqual([{ type: 'text', text: '<' }]);
  });

  test('a valid call is emitted as soon as its block closes, before finish', () => {
    const sieve = new ToolCallSieve(NAMES, () => 'call_1');
    expect(sieve.push('<tool_call>{"name":"get_time",')).toEqual([]);
    expect(sieve.push('"arguments":{}}</tool_')).toEqual([]);
    expect(sieve.push('call>')).toEqual([
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'get_time' },
      { type: 'tool_call_arguments', index: 0, delta: '{}' },
      { type: 'tool_call_end', index: 0 },
    ]);
    expect(sieve.finish()).toEqual([]);
  });

  test('a block whose opening tag came alone is still closed by the next delta', () => {
    const sieve = new ToolCallSieve(NAMES, () => 'call_1');
    expect(sieve.push('<tool_call>')).toEqual([]);
    expect(sieve.push('{"name":"get_time","arguments":{}}</tool_call>')).toEqual([
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'get_time' },
      { type: 'tool_call_arguments', index: 0, delta: '{}' },
      { type: 'tool_call_end', index: 0 },
    ]);
  });

  test('finish drains everything: an unterminated block is settled once, a second finish gives nothing', () => {
    const sieve = new ToolCallSieve(NAMES);
    expect(sieve.push('<tool_call>{"name":"nope"')).toEqual([]);
    expect(sieve.finish()).toEqual([{ type: 'text', text: '<tool_call>{"name":"nope"' }]);
    expect(sieve.finish()).toEqual([]);
  });

  test('an invalid block is released as text when it closes', () => {
    const sieve = new ToolCallSieve(NAMES);
    expect(sieve.push('<tool_call>{"name":"nope"}')).toEqual([]);
    expect(sieve.push('</tool_call>')).toEqual([{ type: 'text', text: '<tool_call>{"name":"nope"}</tool_call>' }]);
  });

  test('whitespace between calls is never sent; text after a call starts on a new line', () => {
    const outputs = runSieve([' ', VALID_A, '\n\n', VALID_A, '\n ']);
    expect(outputs.filter((output) => output.type === 'text')).toEqual([]);
    const withText = runSieve(['Hi ', VALID_A, '\n', 'Done.  ']);
    expect(withText.filter((output) => output.type === 'text')).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'text', text: '\nDone.' },
    ]);
  });

  test('raw tags never reach the text when every block is a valid call', () => {
    for (const text of [
      CASES['one call with text around']!,
      CASES['variant B between texts']!,
      CASES['multi-byte around tags']!,
    ]) {
      const next = random(7);
      for (let round = 0; round < 50; round++) {
        const { text: streamed } = collect(runSieve(randomChunks(text, next)));
        expect(streamed).not.toMatch(/<\/?tool_|<\/?parameters|tool_name>/i);
      }
    }
  });

  test('a surrogate pair split across deltas is never split across text events', () => {
    const text = '你好👋 then 👋👋';
    for (let cut = 1; cut < text.length; cut++) {
      for (const output of runSieve(chunkAt(text, [cut]))) {
        if (output.type !== 'text') continue;
        expect(output.text.isWellFormed()).toBe(true);
      }
    }
  });

  test('a text event never ends in a high surrogate (U+D800 to U+DBFF); other code units pass at once', () => {
    const sieve = new ToolCallSieve(NAMES);
    expect(sieve.push('a\uD800')).toEqual([{ type: 'text', text: 'a' }]);
    expect(sieve.push('\uDC00b')).toEqual([{ type: 'text', text: '\uD800\uDC00b' }]);
    expect(sieve.push('c\uDBFF')).toEqual([{ type: 'text', text: 'c' }]);
    expect(sieve.push('\uDFFF')).toEqual([{ type: 'text', text: '\uDBFF\uDFFF' }]);
    expect(sieve.push('x\uD7FF')).toEqual([{ type: 'text', text: 'x\uD7FF' }]);
    expect(sieve.push('y\uDC00')).toEqual([{ type: 'text', text: 'y\uDC00' }]);
  });

  test('a high surrogate before a held partial tag is held with it; finish releases a lone one', () => {
    const sieve = new ToolCallSieve(NAMES);
    expect(sieve.push('x\uD800<tool')).toEqual([{ type: 'text', text: 'x' }]);
    expect(sieve.push('s')).toEqual([{ type: 'text', text: '\uD800<tools' }]);
    expect(sieve.push('z\uD83D')).toEqual([{ type: 'text', text: 'z' }]);
    expect(sieve.finish()).toEqual([{ type: 'text', text: '\uD83D' }]);
  });

  test('call indexes keep counting across blocks and variants', () => {
    const outputs = runSieve([VALID_A, VALID_B, VALID_A]);
    const starts = outputs.filter((output) => output.type === 'tool_call_start');
    expect(starts.map((start) => [start.index, start.name])).toEqual([
      [0, 'get_weather'],
      [1, 'get_time'],
      [2, 'get_weather'],
    ]);
  });
});
