import { describe, expect, test } from 'bun:test';
import type { AnswerPiece } from '../../src/conversation/answer-assembler';
import { StopSequenceFilter } from '../../src/conversation/stop-sequences';

const text = (pieces: AnswerPiece[]) => pieces.map((piece) => (piece.type === 'content' ? piece.text : '')).join('');

/** Feeds `answer` split at every pair of cut points and returns what came out. */
function everySplit(
  answer: string,
  sequences: string[],
  check: (output: string, filter: StopSequenceFilter) => void,
): void {
  for (let first = 0; first <= answer.length; first++) {
    for (let second = first; second <= answer.length; second++) {
      const filter = new StopSequenceFilter(sequences);
      const chunks = [answer.slice(0, first), answer.slice(first, second), answer.slice(second)];
      const out = [...chunks.flatMap((chunk) => filter.push([{ type: 'content', text: chunk }])), ...filter.finish()];
      check(text(out), filter);
    }
  }
}

describe('StopSequenceFilter', () => {
  test('cuts at the first stop sequence however the text is split', () => {
    everySplit('alpha END beta', ['END'], (output, filter) => {
      expect(output).toBe('alpha ');
      expect(filter.matched).toBe('END');
    });
  });

  test('a partial match that does not complete is released as text', () => {
    everySplit('an EN dash', ['END'], (output, filter) => {
      expect(output).toBe('an EN dash');
      expect(filter.matched).toBeNull();
    });
  });

  test('the earliest of several sequences wins', () => {
    everySplit('one two three', ['three', 'two'], (output, filter) => {
      expect(output).toBe('one ');
      expect(filter.matched).toBe('two');
    });
  });

  test('pieces after the stop (tool calls too) are dropped; no sequences means pass-through', () => {
    const filter = new StopSequenceFilter(['##']);
    const out = filter.push([
      { type: 'content', text: 'a##b' },
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'x' },
    ]);
    expect(out).toEqual([{ type: 'content', text: 'a' }]);
    const open = new StopSequenceFilter([]);
    const pieces: AnswerPiece[] = [
      { type: 'reasoning', text: 'r' },
      { type: 'content', text: '##' },
    ];
    expect(open.push(pieces)).toEqual(pieces);
  });
});

/** What each push returns, piece by piece: when held text is released matters to a streaming client. */
describe('StopSequenceFilter piece by piece', () => {
  const content = (text: string): AnswerPiece => ({ type: 'content', text });

  test('without sequences the pieces pass through untouched', () => {
    const pieces: AnswerPiece[] = [content(''), content('END')];
    expect(new StopSequenceFilter([]).push(pieces)).toBe(pieces);
  });

  test('only an end that could still become a sequence is held, and released as soon as it cannot', () => {
    const filter = new StopSequenceFilter(['END']);
    expect(filter.push([content('abc E')])).toEqual([content('abc ')]);
    expect(filter.push([content('N')])).toEqual([]);
    expect(filter.push([content('x')])).toEqual([content('ENx')]);
    expect(filter.push([content('E')])).toEqual([]);
    expect(filter.finish()).toEqual([content('E')]);
    expect(filter.finish()).toEqual([]);
    expect(filter.matched).toBeNull();
  });

  test('finish with nothing held gives nothing', () => {
    const filter = new StopSequenceFilter(['END']);
    expect(filter.push([content('plain')])).toEqual([content('plain')]);
    expect(filter.finish()).toEqual([]);
  });

  test('a match at the very start gives no empty piece; nothing comes after a match', () => {
    const filter = new StopSequenceFilter(['END']);
    expect(filter.push([content('END rest')])).toEqual([]);
    expect(filter.stopped).toBe(true);
    expect(filter.push([content('more')])).toEqual([]);
    expect(filter.finish()).toEqual([]);
  });

  test('held text waits across reasoning, but a tool call releases it first', () => {
    const reasoning: AnswerPiece = { type: 'reasoning', text: 'r' };
    const across = new StopSequenceFilter(['END']);
    expect(across.push([content('ab EN'), reasoning, content('D!')])).toEqual([content('ab '), reasoning]);
    expect(across.matched).toBe('END');
    const call: AnswerPiece = { type: 'tool_call_start', index: 0, id: 'call_1', name: 'x' };
    const released = new StopSequenceFilter(['END']);
    expect(released.push([content('ab EN'), call, content('D!')])).toEqual([
      content('ab '),
      content('EN'),
      call,
      content('D!'),
    ]);
    expect(released.matched).toBeNull();
  });

  test('the earliest match wins whatever the order of the sequences; at the same place the first listed', () => {
    const later = new StopSequenceFilter(['two', 'three']);
    expect(later.push([content('one three two')])).toEqual([content('one ')]);
    expect(later.matched).toBe('three');
    const same = new StopSequenceFilter(['EN', 'END']);
    expect(same.push([content('xEND')])).toEqual([content('x')]);
    expect(same.matched).toBe('EN');
  });

  test('the longest partial match over all sequences is held', () => {
    const filter = new StopSequenceFilter(['abcd', 'bx']);
    expect(filter.push([content('zab')])).toEqual([content('z')]);
    expect(filter.push([content('x')])).toEqual([content('a')]);
    expect(filter.matched).toBe('bx');
  });
});
