import type { Logger } from '../logging/logger';
import { ApiError } from '../http/errors';
import { apiErrorFromUpstream } from '../http/upstream-failure';
import { SSE_HEADERS } from '../http/sse';
import { UpstreamError } from '../upstream/errors';
import { storageUnavailable } from '../http/error-handler';
import { StorageUnavailableError } from '../storage/storage-unavailable';
import type { AnswerPiece } from './answer-assembler';
import type { AnswerSource } from './answer-source';

/** What one client API writes for each stage of a streamed answer. */
export interface StreamEncoder {
  /** Sent as soon as the response starts. */
  open(): Uint8Array[];
  pieces(pieces: AnswerPiece[]): Uint8Array[];
  /** The answer is complete (the conversation's result is final). */
  finish(): Uint8Array[];
  /** The answer failed after the response started: one error event, then the stream ends. */
  failure(error: ApiError): Uint8Array[];
  /** Sent while the upstream is silent, so proxies keep the connection open. */
  keepalive(): Uint8Array;
  /** True once the client needs nothing more (e.g. a stop sequence matched): the upstream is not read further. */
  ended?(): boolean;
}

export interface StreamConversationOptions {
  conversation: AnswerSource;
  encoder: StreamEncoder;
  keepaliveMs: number;
  /** The client's request signal: once it fires, a failure is the client leaving, not an error. */
  clientSignal: AbortSignal;
  logger: Logger;
  /** Called once when the answer completed, after `encoder.finish()` and before its bytes are sent (e.g. to store it). */
  onCompleted?: () => Promise<void> | void;
}

const KEEPALIVE = Symbol('keepalive');

/** Any failure as the one error type the encoders render. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamError) return apiErrorFromUpstream(error);
  if (error instanceof StorageUnavailableError) return storageUnavailable(error);
  return new ApiError({
    status: 500,
    message: 'The stream failed inside the gateway.',
    type: 'server_error',
    code: 'stream_error',
  });
}

/**
 * The SSE body of a streamed answer, for every client API. Bytes flow as upstream events arrive
 * (no buffering); a keep-alive is sent while the upstream is silent; a failure after the first
 * byte ends the stream with the encoder's error event; a client abort reaches the upstream.
 */
export function streamConversation(options: StreamConversationOptions): Response {
  const { conversation, encoder } = options;
  let pending: Promise<AnswerPiece[] | null> | null = null;
  // One keep-alive timer per stream, re-armed by each pull, instead of a new timer per pull.
  let keepaliveTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeForKeepalive: ((value: typeof KEEPALIVE) => void) | null = null;
  const onKeepaliveTimer = () => {
    const wake = wakeForKeepalive;
    wakeForKeepalive = null;
    wake?.(KEEPALIVE);
  };
  const stopKeepalive = () => clearTimeout(keepaliveTimer);

  const nextOrKeepalive = (): Promise<AnswerPiece[] | null | typeof KEEPALIVE> => {
    pending ??= conversation.next();
    if (options.keepaliveMs <= 0) return pending;
    const tick = new Promise<typeof KEEPALIVE>((resolve) => (wakeForKeepalive = resolve));
    if (keepaliveTimer === undefined) keepaliveTimer = setTimeout(onKeepaliveTimer, options.keepaliveMs);
    else keepaliveTimer.refresh();
    return Promise.race([pending, tick]);
  };

  /** Encodes every batch already read upstream after `first`, so one network read becomes one client write. */
  const encodeReadBatches = (
    first: AnswerPiece[],
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): boolean => {
    const produced = encoder.pieces(first);
    let ended = encoder.ended?.() ?? false;
    try {
      if (!ended && conversation.nextBuffered) {
        for (let more = conversation.nextBuffered(); more !== undefined; more = conversation.nextBuffered()) {
          for (const bytes of encoder.pieces(more)) produced.push(bytes);
          ended = encoder.ended?.() ?? false;
          if (ended) break;
        }
      }
    } finally {
      // Bytes encoded before a failure still go out before its error event.
      if (produced.length > 0) controller.enqueue(joinBytes(produced));
    }
    if (ended) conversation.stopEarly();
    return ended || produced.length > 0;
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const bytes of encoder.open()) controller.enqueue(bytes);
    },
    // Each pull must enqueue something or end the stream: a pull that returns empty-handed is
    // never called again.
    async pull(controller) {
      try {
        for (;;) {
          const next = await nextOrKeepalive();
          wakeForKeepalive = null;
          if (next === KEEPALIVE) {
            controller.enqueue(encoder.keepalive());
            return;
          }
          pending = null;
          if (next === null) break;
          if (encodeReadBatches(next, controller)) {
            if (!encoder.ended?.()) return;
            break;
          }
        }
        stopKeepalive();
        const closing = encoder.finish();
        // Before the client sees the end, so what it does next (e.g. continue a stored response) finds it.
        await options.onCompleted?.();
        for (const bytes of closing) controller.enqueue(bytes);
        controller.close();
      } catch (error) {
        stopKeepalive();
        conversation.cancel();
        if (options.clientSignal.aborted) return controller.error(error);
        const expected =
          error instanceof UpstreamError || error instanceof ApiError || error instanceof StorageUnavailableError;
        if (!expected) options.logger.error('answer stream failed', { error });
        for (const bytes of encoder.failure(asApiError(error))) controller.enqueue(bytes);
        controller.close();
      }
    },
    cancel() {
      stopKeepalive();
      conversation.cancel();
      // The read in flight now fails with the closed upstream; nobody waits for it any more.
      pending?.catch(() => {});
    },
  });

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

/** One buffer for several encoded events (one write to the client instead of one per event). */
function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Reads a whole answer for a non-streaming response; failures surface as ApiError. */
export async function collectConversation(conversation: AnswerSource): Promise<void> {
  try {
    await conversation.collect();
  } catch (error) {
    conversation.cancel();
    throw asApiError(error);
  }
}
