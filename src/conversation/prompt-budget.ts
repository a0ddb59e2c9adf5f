/**
 * Clients of agent loops resend the whole history every turn, and Grok web takes it as one
 * message, so the flattened message grows without bound. The budget keeps it bounded: the
 * oldest droppable turns go first, replaced by one marker line, until the message fits.
 * Protected turns (system instructions, the latest input and what follows it) are never dropped.
 */

export interface BudgetedTurn {
  text: string;
  droppable: boolean;
}

export const omittedMarker = (count: number): string =>
  `[${count} earlier message${count === 1 ? '' : 's'} omitted to fit the prompt budget]`;

const SEPARATOR = '\n\n';

/** The turn texts that fit in `budget` characters alongside `overhead` ones (0 = no budget). */
export function fitTurns(turns: BudgetedTurn[], overhead: number, budget: number): string[] {
  const lengthOf = (texts: string[]) => overhead + texts.reduce((sum, text) => sum + text.length + SEPARATOR.length, 0);
  const all = turns.map((turn) => turn.text);
  if (budget <= 0 || lengthOf(all) <= budget) return all;

  const dropped = new Set<number>();
  const render = (): string[] => {
    const texts: string[] = [];
    let markerPlaced = false;
    turns.forEach((turn, index) => {
      if (!dropped.has(index)) return void texts.push(turn.text);
      if (!markerPlaced) texts.push(omittedMarker(dropped.size));
      markerPlaced = true;
    });
    return texts;
  };
  for (let index = 0; index < turns.length; index++) {
    if (!turns[index]!.droppable) continue;
    dropped.add(index);
    if (lengthOf(render()) <= budget) break;
  }
  return render();
}
