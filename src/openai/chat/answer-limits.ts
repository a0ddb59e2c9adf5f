import type { AnswerPiece } from '../../conversation/answer-assembler';
import { StopSequenceFilter } from '../../conversation/stop-sequences';
import { estimateTokens, GrowingTokenEstimate } from '../../conversation/usage-estimate';

/**
 * `stop` and `max_completion_tokens` (or the older `max_tokens`) for chat completions. Grok web
 * takes neither, so both are applied to the answer as it arrives: text ends before the first
 * stop sequence (finish_reason `stop`), or at the token budget (finish_reason `length`), and
 * nothing after that point (text or tool call) reaches the client. The budget counts the visible
 * answer text with the same estimate as `usage`; Grok's reasoning is not counted, since the
 * client cannot turn it off.
 */
export class AnswerLimits {
  private readonly stops: StopSequenceFilter;
  /** Whether the request asked for any limit (without one the answer passes untouched). */
  readonly active: boolean;
  private used = '';
  /** `estimateTokens(used)`, kept up to date piece by piece (not measured again from the start per piece). */
  private readonly usedTokens = new GrowingTokenEstimate();
  private cutAtBudget = false;

  constructor(
    stop: string | string[] | null | undefined,
    private readonly maxTokens: number | null | undefined,
  ) {
    const sequences = (typeof stop === 'string' ? [stop] : (stop ?? [])).filter((sequence) => sequence !== '');
    this.stops = new StopSequenceFilter(sequences);
    this.active = sequences.length > 0 || (maxTokens ?? 0) > 0;
  }

  /** True once nothing more may reach the client. */
  get ended(): boolean {
    return this.stops.stopped || this.cutAtBudget;
  }

  /** `length` when the budget cut the answer; `stop` when a stop sequence did; null otherwise. */
  get finishReason(): 'length' | 'stop' | null {
    if (this.cutAtBudget) return 'length';
    return this.stops.stopped ? 'stop' : null;
  }

  push(pieces: AnswerPiece[]): AnswerPiece[] {
    if (this.ended) return [];
    return this.budget(this.stops.push(pieces));
  }

  finish(): AnswerPiece[] {
    if (this.cutAtBudget) return [];
    return this.budget(this.stops.finish());
  }

  private budget(pieces: AnswerPiece[]): AnswerPiece[] {
    const max = this.maxTokens ?? 0;
    if (max <= 0) return pieces;
    const out: AnswerPiece[] = [];
    for (const piece of pieces) {
      if (this.cutAtBudget) break;
      if (piece.type !== 'content') {
        out.push(piece);
        continue;
      }
      if (this.usedTokens.with(piece.text) <= max) {
        this.used += piece.text;
        this.usedTokens.append(piece.text);
        out.push(piece);
        continue;
      }
      const kept = this.longestPrefixWithin(piece.text, max);
      if (kept) out.push({ type: 'content', text: kept });
      this.used += kept;
      this.usedTokens.append(kept);
      this.cutAtBudget = true;
    }
    return out;
  }

  /** The longest start of `text` (whole code points) that keeps the answer within `max` tokens. */
  private longestPrefixWithin(text: string, max: number): string {
    const characters = Array.from(text);
    let low = 0;
    let high = characters.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (estimateTokens(this.used + characters.slice(0, middle).join('')) <= max) low = middle;
      else high = middle - 1;
    }
    return characters.slice(0, low).join('');
  }
}
