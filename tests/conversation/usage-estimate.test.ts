import { describe, expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { ChatUsage, estimateTokens, estimateUsage, GrowingTokenEstimate } from '../../src/conversation/usage-estimate';
import type { ToolCall } from '../../src/conversation/tools/tool-call-parser';

describe('estimateTokens: max(1, ceil(utf8 bytes / 4), ceil(0.75 × segments))', () => {
  test.each([
    ['', 0], // empty text costs nothing
    ['a', 1], // 1 byte, 1 segment: the floor of 1
    ['hello', 2], // 5 bytes → 2 beats 1 segment → 1
    ['Hello, world!', 4], // 13 bytes → 4 beats 4 segments → 3
    ['!!!!!!!!', 6], // 8 bytes → 2 loses to 8 segments → 6
    ['你好👋', 3], // 3+3+4 = 10 bytes → 3 beats 2 segments (你好, 👋) → 2
    ['a b c d e f g h', 6], // 15 bytes → 4 loses to 8 words → 6
    [`${'x'.repeat(42)}\ud800`, 12], // a lone surrogate is U+FFFD's 3 bytes: 45 bytes → 12 beats 2 segments
  ])('%p → %p', (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });

  test('non-strings are measured as their JSON', () => {
    expect(estimateTokens({ a: 1 })).toBe(6); // {"a":1}: 7 bytes → 2, 7 segments → 6
    expect(estimateTokens({ a: 1 })).toBe(estimateTokens('{"a":1}'));
    expect(estimateTokens(undefined)).toBe(0);
  });
});

describe('GrowingTokenEstimate: the estimate of a text built piece by piece', () => {
  // Pieces that split a word, a surrogate pair (😀 = \ud83d\ude00), a letter and its combining
  // mark, runs of punctuation and of whitespace, CJK and digits.
  const pieces = [
    'Hel',
    'lo',
    ', wor',
    'ld',
    '!',
    '!!',
    ' ',
    '\ud83d',
    '\ude00',
    'e',
    '\u0301',
    '  ',
    '你',
    '好',
    '42',
    '_x',
    '',
    ' \n',
    'a',
  ];

  test('equals estimateTokens of the whole text after every piece, and before it is added', () => {
    const growing = new GrowingTokenEstimate();
    let text = '';
    expect(growing.with('')).toBe(0);
    for (const piece of pieces) {
      expect(growing.with(piece)).toBe(estimateTokens(text + piece));
      growing.append(piece);
      text += piece;
    }
  });

  test('the same for random pieces of random text', () => {
    const alphabet = ['a', 'b', ' ', '.', '\ud83d', '\ude00', '\u0301', '你', '1', '_', '\n', '-'];
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    for (let run = 0; run < 200; run++) {
      const growing = new GrowingTokenEstimate();
      let text = '';
      for (let step = 0; step < 12; step++) {
        const piece = Array.from({ length: random(5) }, () => alphabet[random(alphabet.length)]).join('');
        expect(growing.with(piece)).toBe(estimateTokens(text + piece));
        growing.append(piece);
        text += piece;
      }
    }
  });
});

describe('estimateUsage', () => {
  test('prompt gets the fixed overhead; reasoning is counted separately and included in completion', () => {
    expect(estimateUsage({ prompt: 'Hello, world!', content: 'hello', reasoning: '!!!!!!!!' })).toEqual({
      prompt_tokens: 8,
      completion_tokens: 8,
      total_tokens: 16,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 6 },
    });
  });

  test('without reasoning, reasoning_tokens is 0 and the shape is the same', () => {
    const usage = estimateUsage({ prompt: 'a', content: '' });
    expect(usage).toEqual({
      prompt_tokens: 5,
      completion_tokens: 0,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(Value.Check(ChatUsage, usage)).toBe(true);
  });

  test('tool calls are counted as their JSON', () => {
    const toolCalls: ToolCall[] = [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }];
    // [{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]: 76 bytes → 19, 42 segments → 32
    const usage = estimateUsage({ prompt: 'hello', content: 'hello', toolCalls });
    expect(usage.completion_tokens).toBe(2 + 32);
    expect(usage.total_tokens).toBe(6 + 34);
    expect(usage.completion_tokens_details.reasoning_tokens).toBe(0);
  });
});
