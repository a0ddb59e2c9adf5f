import type { AnswerPiece, AssembledToolCall } from './answer-assembler';
import type { AnswerSource } from './answer-source';

const NO_TOOL_CALLS: readonly AssembledToolCall[] = [];

/**
 * An answer produced by our own code rather than a chat turn (image and video models through
 * chat): the producer yields pieces; the answer keeps the content. Reasoning pieces are shown
 * while streaming (e.g. video progress) but are not part of the finished answer. Usage is zero:
 * no tokens were generated.
 */
export class ProducedAnswer implements AnswerSource {
  readonly answer = { content: '', reasoning: '', toolCalls: NO_TOOL_CALLS, modelHash: null };
  private finished = false;

  constructor(private readonly producer: AsyncIterator<AnswerPiece[]>) {}

  async next(): Promise<AnswerPiece[] | null> {
    if (this.finished) return null;
    try {
      const step = await this.producer.next();
      if (step.done) {
        this.finished = true;
        return null;
      }
      for (const piece of step.value) if (piece.type === 'content') this.answer.content += piece.text;
      return step.value;
    } catch (error) {
      this.finished = true;
      throw error;
    }
  }

  async collect() {
    while ((await this.next()) !== null);
    return this.answer;
  }

  usage() {
    return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  }

  stopEarly(): void {
    this.stop();
  }

  cancel(): void {
    this.stop();
  }

  private stop(): void {
    if (this.finished) return;
    this.finished = true;
    // A producer suspended in an await finishes that step first; nobody reads its result.
    this.producer.return?.().catch(() => {});
  }
}
