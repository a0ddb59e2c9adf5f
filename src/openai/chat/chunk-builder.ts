import type { AnswerAssembler, AnswerPiece } from '../../conversation/answer-assembler';
import type { ReasoningOutput } from '../../conversation/reasoning-visibility';

/**
 * Builds `chat.completion.chunk` objects from answer pieces. One id for the whole stream; reasoning
 * goes to `reasoning_content`, into `<think>` tags, or nowhere, as the request decided.
 */
export class ChunkBuilder {
  private thinkOpen = false;
  /** The JSON of a content chunk up to its text, for the fingerprint it was made with. */
  private contentHead: { fingerprint: string | null; json: string } | undefined;

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

  /**
   * `JSON.stringify(this.chunk({ content: text }))`, written from a prefix made once per
   * fingerprint: a streamed answer is mostly content chunks, and this spares an object tree and
   * its serialisation per upstream frame.
   */
  contentJson(text: string): string {
    const fingerprint = this.assembler.modelHash;
    if (fingerprint === undefined) return JSON.stringify(this.chunk({ content: text }));
    if (this.contentHead?.fingerprint !== fingerprint) {
      const [head] = JSON.stringify(this.chunk({ content: '' })).split('"content":""');
      this.contentHead = { fingerprint, json: `${head}"content":` };
    }
    return `${this.contentHead.json}${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}`;
  }

  roleChunk() {
    return this.chunk({ role: 'assistant', content: '' });
  }

  /** The chunks of `pieces`, each as its JSON text. */
  fromPieces(pieces: AnswerPiece[]): string[] {
    const chunks: string[] = [];
    for (const piece of pieces) {
      if (piece.type === 'reasoning') {
        if (this.reasoning === 'reasoning_content') chunks.push(this.json({ reasoning_content: piece.text }));
        if (this.reasoning === 'think_tags') {
          chunks.push(this.contentJson(`${this.thinkOpen ? '' : '<think>\n'}${piece.text}`));
          this.thinkOpen = true;
        }
        continue;
      }
      const closing = this.closeThink();
      if (piece.type === 'content') {
        chunks.push(this.contentJson(closing + piece.text));
        continue;
      }
      if (closing) chunks.push(this.contentJson(closing));
      if (this.legacyFunctions) {
        if (piece.type === 'tool_call_start') {
          chunks.push(this.json({ function_call: { name: piece.name, arguments: '' } }));
        } else if (piece.type === 'tool_call_arguments') {
          chunks.push(this.json({ function_call: { arguments: piece.delta } }));
        }
        continue;
      }
      if (piece.type === 'tool_call_start') {
        chunks.push(
          this.json({
            tool_calls: [
              { index: piece.index, id: piece.id, type: 'function', function: { name: piece.name, arguments: '' } },
            ],
          }),
        );
      } else if (piece.type === 'tool_call_arguments') {
        chunks.push(this.json({ tool_calls: [{ index: piece.index, function: { arguments: piece.delta } }] }));
      }
    }
    return chunks;
  }

  private json(delta: Record<string, unknown>): string {
    return JSON.stringify(this.chunk(delta));
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
