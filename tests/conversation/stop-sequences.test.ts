import { describe, expect, test } from 'bun:test';
import type { AnswerPiece } from '../../src/conversation/answer-assembler';
import { StopSequenceFilter } from '../../src/conversation/stop-sequences';

const text = (pieces: AnswerPiece[]) => pieces.map((piece) => (piece.type === 'content' ? piece.text : '')).join('');

/** Feeds `answer` split at every pair of cut points and returns what came out. */
function everySplit(answer: string, sequences: string[], check: (output: string, filter: StopSequenceFilter) => void): void {
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
    const pieces: AnswerPiece[] = [{ type: 'reasoning', text: 'r' }, { type: 'content', text: '##' }];
    expect(open.push(pieces)).toEqual(pieces);
  });
});
