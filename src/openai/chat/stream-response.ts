import type { StreamEncoder } from '../../conversation/stream-pipeline';
import type { AnswerPiece } from '../../conversation/answer-assembler';
import type { ApiError } from '../errors';
import { SSE_DONE, SSE_KEEPALIVE, sseData } from '../sse';
import type { ChunkBuilder } from './chunk-builder';

/**
 * Chat completions' SSE framing of the shared answer stream: a role chunk first, one chunk per
 * piece, a finish chunk, usage when asked for, `[DONE]`; a failure is one `data: {"error":…}`
 * event and `[DONE]`.
 */
export class ChatStreamEncoder implements StreamEncoder {
  constructor(
    private readonly chunks: ChunkBuilder,
    private readonly result: () => { hasToolCalls: boolean; usage: object | null },
  ) {}

  open(): Uint8Array[] {
    return [sseData(this.chunks.roleChunk())];
  }

  pieces(pieces: AnswerPiece[]): Uint8Array[] {
    return this.chunks.fromPieces(pieces).map(sseData);
  }

  finish(): Uint8Array[] {
    const { hasToolCalls, usage } = this.result();
    const bytes = this.chunks.finalChunk(hasToolCalls ? 'tool_calls' : 'stop').map(sseData);
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
}
