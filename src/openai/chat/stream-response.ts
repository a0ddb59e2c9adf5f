import type { StreamEncoder } from '../../conversation/stream-pipeline';
import type { AnswerPiece } from '../../conversation/answer-assembler';
import type { ApiError } from '../../http/errors';
import { SSE_DONE, SSE_KEEPALIVE, sseData, sseDataTexts } from '../../http/sse';
import type { AnswerLimits } from './answer-limits';
import type { ChunkBuilder } from './chunk-builder';

/**
 * Chat completions' SSE framing of the shared answer stream: a role chunk first, one chunk per
 * piece, a finish chunk, usage when asked for, `[DONE]`; a failure is one `data: {"error":…}`
 * event and `[DONE]`.
 */
export class ChatStreamEncoder implements StreamEncoder {
  constructor(
    private readonly chunks: ChunkBuilder,
    private readonly result: () => { usage: object | null },
    private readonly limits: AnswerLimits,
    private readonly legacyFunctions = false,
  ) {}

  private hasToolCalls = false;

  open(): Uint8Array[] {
    return [sseData(this.chunks.roleChunk())];
  }

  pieces(pieces: AnswerPiece[]): Uint8Array[] {
    return this.encode(this.limits.push(pieces));
  }

  finish(): Uint8Array[] {
    const { usage } = this.result();
    const bytes = this.encode(this.limits.finish());
    const reason = finishReason(this.limits, this.hasToolCalls, this.legacyFunctions);
    bytes.push(...this.chunks.finalChunk(reason).map(sseData));
    if (usage) bytes.push(sseData({ ...this.chunks.chunk({}), choices: [], usage }));
    bytes.push(SSE_DONE);
    return bytes;
  }

  failure(error: ApiError): Uint8Array[] {
    return [sseData(error.toBody()), SSE_DONE];
  }

  keepalive(): Uint8Array {
    return SSE_KEEPALIVE;
  }

  ended(): boolean {
    return this.limits.ended;
  }

  /** The chunks of `pieces` as one buffer (none when they make no chunk). */
  private encode(pieces: AnswerPiece[]): Uint8Array[] {
    if (pieces.some((piece) => piece.type === 'tool_call_start')) this.hasToolCalls = true;
    const chunks = this.chunks.fromPieces(pieces);
    return chunks.length > 0 ? [sseDataTexts(chunks)] : [];
  }
}

/** A limit that cut the answer wins; otherwise calls end in `tool_calls` (`function_call` in the legacy shape). */
export const finishReason = (limits: AnswerLimits, hasToolCalls: boolean, legacyFunctions: boolean): string => {
  if (limits.finishReason === 'length') return 'length';
  if (hasToolCalls) return legacyFunctions ? 'function_call' : 'tool_calls';
  return 'stop';
};
