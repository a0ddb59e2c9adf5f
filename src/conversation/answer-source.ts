import type { AnswerPiece, AssembledToolCall } from './answer-assembler';

/** What every client API reads of a finished answer, whoever produced it. */
export interface AssembledAnswer {
  readonly content: string;
  readonly reasoning: string;
  readonly toolCalls: readonly AssembledToolCall[];
  readonly modelHash: string | null;
}

/**
 * A running answer as the client APIs consume it: pieces in order, then the assembled result.
 * A chat turn (`Conversation`) and a media run answered through chat (`ProducedAnswer`) are both
 * one, so both go through the same stream pipeline and encoders.
 */
export interface AnswerSource {
  readonly answer: AssembledAnswer;
  /** The next batch of pieces (possibly empty), then null once the answer is complete. */
  next(): Promise<AnswerPiece[] | null>;
  /**
   * The next non-empty batch if the events for it are already read, without waiting; undefined
   * when producing one would wait (then `next()` goes on). Never called while `next()` is pending.
   */
  nextBuffered?(): AnswerPiece[] | undefined;
  /** Reads the whole answer (non-streaming responses). */
  collect(): Promise<AssembledAnswer>;
  /** Estimated token usage of the answer. */
  usage(): { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** The client needs nothing more although the answer could go on (e.g. a stop sequence matched). */
  stopEarly(): void;
  /** The client left: stop producing and release everything. */
  cancel(): void;
}
