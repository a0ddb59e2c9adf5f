import { describe, expect, test } from 'bun:test';
import type { AnswerPiece } from '../../../src/conversation/answer-assembler';
import { AnswerLimits } from '../../../src/openai/chat/answer-limits';
import { estimateTokens } from '../../../src/conversation/usage-estimate';

const text = (pieces: AnswerPiece[]) => pieces.map((piece) => (piece.type === 'content' ? piece.text : '')).join('');
const content = (...parts: string[]): AnswerPiece[] => parts.map((part) => ({ type: 'content', text: part }));

describe('AnswerLimits', () => {
  test('without stop or budget it is inactive and passes everything', () => {
    const limits = new AnswerLimits(null, null);
    expect(limits.active).toBe(false);
    const pieces = content('a', 'b');
    expect(limits.push(pieces)).toEqual(pieces);
    expect(limits.finishReason).toBeNull();
  });

  test('the budget cuts on a code point boundary and ends the answer', () => {
    const limits = new AnswerLimits(undefined, 3);
    const out = [...limits.push(content('😀😀😀😀😀😀')), ...limits.push(content('more')), ...limits.finish()];
    const kept = text(out);
    expect(estimateTokens(kept)).toBeLessThanOrEqual(3);
    expect([...kept].every((character) => character === '😀')).toBe(true);
    expect(kept.length).toBeGreaterThan(0);
    expect(limits.ended).toBe(true);
    expect(limits.finishReason).toBe('length');
  });

  test('tool calls after the budget is spent are dropped', () => {
    const limits = new AnswerLimits(undefined, 2);
    const out = limits.push([
      ...content('one two three four five six'),
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' },
    ]);
    expect(out.some((piece) => piece.type === 'tool_call_start')).toBe(false);
  });

  test('a stop sequence ends the answer first when it comes before the budget', () => {
    const limits = new AnswerLimits(['##'], 100);
    const out = [...limits.push(content('short #', '# rest')), ...limits.finish()];
    expect(text(out)).toBe('short ');
    expect(limits.finishReason).toBe('stop');
  });

  test('empty stop strings are ignored', () => {
    const limits = new AnswerLimits(['', ''], null);
    expect(limits.active).toBe(false);
  });
});
