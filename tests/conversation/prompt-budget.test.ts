import { describe, expect, test } from 'bun:test';
import { fitTurns, omittedMarker } from '../../src/conversation/prompt-budget';

const turn = (text: string, droppable = true) => ({ text, droppable });

describe('fitTurns', () => {
  test('no budget or within budget: everything, in order', () => {
    const turns = [turn('a'.repeat(50)), turn('b'.repeat(50))];
    expect(fitTurns(turns, 0, 0)).toEqual([turns[0]!.text, turns[1]!.text]);
    expect(fitTurns(turns, 0, 1000)).toEqual([turns[0]!.text, turns[1]!.text]);
  });

  test('drops the oldest droppable turns first and puts one marker where they were', () => {
    const turns = [turn('system', false), turn('old '.repeat(20)), turn('mid '.repeat(20)), turn('new', false)];
    const kept = fitTurns(turns, 0, 160);
    expect(kept).toEqual(['system', omittedMarker(1), turns[2]!.text, 'new']);
  });

  test('protected turns are kept even when the budget cannot be met', () => {
    const turns = [turn('x'.repeat(100)), turn('y'.repeat(500), false)];
    expect(fitTurns(turns, 0, 50)).toEqual([omittedMarker(1), 'y'.repeat(500)]);
  });

  test('the overhead (tool prompt) counts against the budget', () => {
    const turns = [turn('a'.repeat(30)), turn('b'.repeat(30), false)];
    expect(fitTurns(turns, 0, 100)).toHaveLength(2);
    expect(fitTurns(turns, 60, 100)[0]).toBe(omittedMarker(1));
  });
});
