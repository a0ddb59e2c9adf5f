import type { AnswerAssembler, AnswerPiece } from '../../conversation/answer-assembler';
import type { ReasoningOutput } from '../../conversation/reasoning-visibility';

/**
 * Builds `chat.completion.chunk` objects from answer pieces. One id for the whole stream; reasoning
 * goes to `reasoning_content`, into `<think>` tags, or nowhere, as the request decided.
 */
export class ChunkBuilder {
  private thinkOpen = false;

  constructor(
    private readonly id: string,
    private readonly created: number,
    private readonly model: string,
    private readonly reasoning: ReasoningOutput,
    private readonly assembler: Pick<AnswerAssembler, 'modelHash'>,
    /** The request used `functions`: calls stream as `delta.function_call`. */
    private readonly legacyFunctions = false,
  ) {}

  chunk(delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      system_fingerprint: this.assembler.modelHash,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...extra,
    };
  }

  roleChunk() {
    return this.chunk({ role: 'assistant', content: '' });
  }

  fromPieces(pieces: AnswerPiece[]): object[] {
    const chunks: object[] = [];
    for (const piece of pieces) {
      if (piece.type === 'reasoning') {
        if (this.reasoning === 'reasoning_content') chunks.push(this.chunk({ reasoning_content: piece.text }));
        if (this.reasoning === 'think_tags') {
          chunks.push(this.chunk({ content: `${this.thinkOpen ? '' : '<think>\n'}${piece.text}` }));
          this.thinkOpen = true;
        }
        continue;
      }
      const closing = this.closeThink();
      if (piece.type === 'content') {
        chunks.push(this.chunk({ content: closing + piece.text }));
        continue;
      }
      if (closing) chunks.push(this.chunk({ content: closing }));
      if (this.legacyFunctions) {
        if (piece.type === 'tool_call_start') {
          chunks.push(this.chunk({ function_call: { name: piece.name, arguments: '' } }));
        } else if (piece.type === 'tool_call_arguments') {
          chunks.push(this.chunk({ function_call: { arguments: piece.delta } }));
        }
        continue;
      }
      if (piece.type === 'tool_call_start') {
        chunks.push(
          this.chunk({
            tool_calls: [
              { index: piece.index, id: piece.id, type: 'function', function: { name: piece.name, arguments: '' } },
            ],
          }),
        );
      } else if (piece.type === 'tool_call_arguments') {
        chunks.push(this.chunk({ tool_calls: [{ index: piece.index, function: { arguments: piece.delta } }] }));
      }
    }
    return chunks;
  }

  /** The last chunk: closes an open think block and carries the finish reason. */
  finalChunk(finishReason: string): object[] {
    const closing = this.closeThink();
    return [this.chunk(closing ? { content: closing } : {}, finishReason)];
  }

  private closeThink(): string {
    if (!this.thinkOpen) return '';
    this.thinkOpen = false;
    return '\n</think>\n';
  }
}
