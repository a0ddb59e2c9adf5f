import { UpstreamError } from '../upstream/errors';
import type { AnswerAssembler, AnswerPiece } from './answer-assembler';
import type { TurnDependencies, UpstreamTurn } from './open-upstream-turn';

export type TurnOutcome = { kind: 'completed' } | { kind: 'failed'; error: unknown } | { kind: 'cancelled' };

/**
 * One upstream generation read into answer pieces. It settles its account lease exactly once:
 * a completed answer is charged, an upstream failure is reported to the pool (bytes may already
 * have reached the client, so nothing is replayed, but the account still learns), a cancel only
 * releases.
 */
export class UpstreamAttempt {
  private settled = false;
  private done = false;

  constructor(
    private readonly turn: UpstreamTurn,
    readonly answer: AnswerAssembler,
    /** The upstream message of this attempt, for usage. */
    readonly message: string,
    private readonly cost: number,
    private readonly deps: TurnDependencies,
    private readonly signal: AbortSignal,
    /** Told once how the attempt ended and which account served it (usage records). */
    private readonly onSettled?: (outcome: TurnOutcome, token: string) => void,
  ) {}

  /** The next non-empty batch of pieces; the assembler's last pieces (maybe none) at the end; then null. */
  async next(): Promise<AnswerPiece[] | null> {
    if (this.done) return null;
    try {
      for (;;) {
        const next = await this.turn.stream.events.next();
        if (next.done) {
          this.done = true;
          const pieces = this.answer.finish();
          this.settle({ kind: 'completed' });
          return pieces;
        }
        const pieces = this.answer.push(next.value);
        if (pieces.length > 0) return pieces;
      }
    } catch (error) {
      this.done = true;
      this.turn.stream.close();
      this.settle(this.signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', error });
      throw error;
    }
  }

  /** The next non-empty batch from events already read, without waiting; undefined when none is ready. */
  nextBuffered(): AnswerPiece[] | undefined {
    if (this.done) return undefined;
    try {
      for (let event = this.turn.stream.takeBuffered(); event !== undefined; event = this.turn.stream.takeBuffered()) {
        const pieces = this.answer.push(event);
        if (pieces.length > 0) return pieces;
      }
      return undefined;
    } catch (error) {
      this.done = true;
      this.turn.stream.close();
      this.settle(this.signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', error });
      throw error;
    }
  }

  /** Reads the whole answer, returning every piece in order. */
  async collect(): Promise<AnswerPiece[]> {
    const all: AnswerPiece[] = [];
    for (let pieces = await this.next(); pieces !== null; pieces = await this.next()) all.push(...pieces);
    return all;
  }

  /** The client needs nothing more (a stop sequence matched): stop reading, and charge the answer. */
  stopEarly(): void {
    if (this.done) return;
    this.done = true;
    this.turn.stream.close();
    this.settle({ kind: 'completed' });
  }

  cancel(): void {
    if (this.done && this.settled) return;
    this.done = true;
    this.turn.stream.close();
    this.settle({ kind: 'cancelled' });
  }

  private settle(outcome: TurnOutcome): void {
    if (this.settled) return;
    this.settled = true;
    if (outcome.kind === 'completed') void this.deps.pool.reportSuccess(this.turn.lease, this.cost);
    else if (outcome.kind === 'failed' && outcome.error instanceof UpstreamError)
      void this.deps.pool.reportFailure(this.turn.lease, outcome.error);
    else this.turn.lease.release();
    this.onSettled?.(outcome, this.turn.lease.token);
  }
}
