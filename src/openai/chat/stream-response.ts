import type { Logger } from '../../logging/logger';
import type { GrokEvent } from '../../upstream/grok/frames';
import { UpstreamError } from '../../upstream/errors';
import { SSE_DONE, SSE_HEADERS, SSE_KEEPALIVE, sseData } from '../sse';
import { apiErrorFromUpstream } from '../upstream-failure';
import { ApiError } from '../errors';
import type { AnswerAssembler } from './answer-assembler';
import type { ChunkBuilder } from './chunk-builder';

export type TurnOutcome = { kind: 'completed' } | { kind: 'failed'; error: unknown } | { kind: 'cancelled' };

export interface StreamResponseOptions {
  events: AsyncIterator<GrokEvent>;
  /** Stops the upstream read and releases its connection. */
  closeUpstream: () => void;
  assembler: AnswerAssembler;
  chunks: ChunkBuilder;
  includeUsage: boolean;
  usage: () => object;
  keepaliveMs: number;
  /** The client's request signal: once it fires, a failure is the client leaving, not an error. */
  clientSignal: AbortSignal;
  /** Called exactly once, when the stream has ended one way or another. */
  onSettled: (outcome: TurnOutcome) => void;
  logger: Logger;
}

const KEEPALIVE = Symbol('keepalive');

function errorPayload(error: unknown): object {
  const apiError = error instanceof ApiError ? error : error instanceof UpstreamError ? apiErrorFromUpstream(error) : null;
  if (apiError) return apiError.toBody();
  return { error: { message: 'The stream failed inside the gateway.', type: 'server_error', param: null, code: 'stream_error' } };
}

/**
 * The SSE body of a streaming chat completion. Bytes flow as upstream events arrive (no
 * buffering); a keep-alive comment is sent while the upstream is silent; a failure after the
 * first byte ends the stream with one error event and `[DONE]`; a client abort reaches upstream.
 */
export function streamChatCompletion(options: StreamResponseOptions): Response {
  const { assembler, chunks } = options;
  let pending: Promise<IteratorResult<GrokEvent>> | null = null;
  let settled = false;
  const settle = (outcome: TurnOutcome) => {
    if (settled) return;
    settled = true;
    options.onSettled(outcome);
  };

  const nextOrKeepalive = (): Promise<IteratorResult<GrokEvent> | typeof KEEPALIVE> => {
    pending ??= options.events.next();
    if (options.keepaliveMs <= 0) return pending;
    let timer: ReturnType<typeof setTimeout>;
    const tick = new Promise<typeof KEEPALIVE>((resolve) => (timer = setTimeout(() => resolve(KEEPALIVE), options.keepaliveMs)));
    return Promise.race([pending, tick]).finally(() => clearTimeout(timer));
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(sseData(chunks.roleChunk()));
    },
    // Each pull must enqueue something or end the stream: a pull that returns empty-handed is
    // never called again.
    async pull(controller) {
      try {
        let next: IteratorResult<GrokEvent> | typeof KEEPALIVE;
        for (;;) {
          next = await nextOrKeepalive();
          if (next === KEEPALIVE) {
            controller.enqueue(SSE_KEEPALIVE);
            return;
          }
          pending = null;
          if (next.done) break;
          const produced = chunks.fromPieces(assembler.push(next.value));
          for (const chunk of produced) controller.enqueue(sseData(chunk));
          if (produced.length > 0) return;
        }
        for (const chunk of chunks.fromPieces(assembler.finish())) controller.enqueue(sseData(chunk));
        const finishReason = assembler.toolCalls.length > 0 ? 'tool_calls' : 'stop';
        for (const chunk of chunks.finalChunk(finishReason)) controller.enqueue(sseData(chunk));
        if (options.includeUsage) {
          controller.enqueue(sseData({ ...chunks.chunk({}), choices: [], usage: options.usage() }));
        }
        controller.enqueue(SSE_DONE);
        controller.close();
        settle({ kind: 'completed' });
      } catch (error) {
        options.closeUpstream();
        if (options.clientSignal.aborted) {
          settle({ kind: 'cancelled' });
          return controller.error(error);
        }
        if (!(error instanceof UpstreamError)) options.logger.error('chat stream failed', { error });
        controller.enqueue(sseData(errorPayload(error)));
        controller.enqueue(SSE_DONE);
        controller.close();
        settle({ kind: 'failed', error });
      }
    },
    cancel() {
      options.closeUpstream();
      settle({ kind: 'cancelled' });
    },
  });

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
