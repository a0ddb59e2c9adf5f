import { UpstreamError } from '../errors';
import { transportError, type HttpResponse } from '../http';
import { FrameDecoder } from './frame-decoder';
import type { FrameParser } from './frame-parser';
import type { GrokEvent } from './frames';

/**
 * A running `conversations/new` body as events: bytes → frame decoder → frame parser, read only
 * as fast as the consumer asks (no buffering of the whole body). The connection is released on
 * end, failure, `close()`, the consumer leaving the loop, or the caller's abort signal.
 */

export interface GrokChatStream {
  events: AsyncIterableIterator<GrokEvent>;
  /**
   * The next event if one is already decoded (from a network read that held several frames),
   * without waiting; undefined otherwise. Lets a stream write every frame of one read at once.
   * Only between calls of `events.next()`, never while one is pending.
   */
  takeBuffered(): GrokEvent | undefined;
  /** Stops reading and releases the upstream connection. Safe to call more than once. */
  close(): void;
}

export interface ChatStreamInput {
  http: HttpResponse;
  parser: FrameParser;
  /** `chat.stream_timeout`: seconds of silence between reads; 0 disables. */
  idleTimeoutSeconds: number;
  signal?: AbortSignal;
  /** Media turns are judged by their media frames, not by their text (see `PreflightOptions`). */
  preflight?: PreflightOptions;
}

export interface PreflightOptions {
  /**
   * Default true. An image or video turn may end with no text at all while its media frames carry
   * the result or the moderation flag (docs/upstream-protocol.md §13.4), so media callers turn the
   * empty-answer check off and judge the frames themselves.
   */
  rejectEmptyAnswer?: boolean;
}

/** Image and video turns are judged by their media frames; only chat turns need an answer text. */
export function preflightFor(service: string | undefined): PreflightOptions {
  return { rejectEmptyAnswer: service === undefined || service === 'chat' };
}

/** Events that show the client something; anything before the first one can still fail over. */
const isMeaningful = (event: GrokEvent) => event.type !== 'conversation' && event.type !== 'metadata';

/**
 * Pre-flight (§5.3): reads until the first meaningful event, so an in-band error that arrives
 * first rejects here, while the caller can still answer with a proper status or try another
 * account. The returned iterator yields the events read so far first.
 */
export async function startChatStream(input: ChatStreamInput): Promise<GrokChatStream> {
  return startEventStream(new ChatEventReader(input), input.preflight);
}

/** A source of events for one turn, whatever the transport (REST body or gateway WebSocket). */
export interface EventReader {
  /** The next event; undefined at the end. Throws the failure that ended the turn. */
  next(): Promise<GrokEvent | undefined>;
  /** An event already decoded, without waiting; undefined when none is (or a failure is next). */
  takeBuffered?(): GrokEvent | undefined;
  close(): void;
}

/** The pre-flight of `startChatStream` for any transport. */
export async function startEventStream(reader: EventReader, options: PreflightOptions = {}): Promise<GrokChatStream> {
  const early: GrokEvent[] = [];
  try {
    for (;;) {
      const event = await reader.next();
      if (!event) break;
      early.push(event);
      if (isMeaningful(event)) break;
    }
    if (options.rejectEmptyAnswer !== false && isEmptyAnswer(early)) {
      const next = await reader.next();
      if (next === undefined || next.type === 'done') throw emptyAnswer();
      early.push(next);
    }
  } catch (error) {
    reader.close();
    // The upstream accepted the turn (200 / turn sent): a broken or silent stream is reported,
    // never replayed (docs/upstream-protocol.md §5.6). The transports decide this.
    throw error;
  }
  async function* events(): AsyncGenerator<GrokEvent> {
    try {
      // Shifted one at a time, so `takeBuffered` and this generator share one order.
      while (early.length > 0) yield early.shift()!;
      for (;;) {
        const event = await reader.next();
        if (!event) return;
        yield event;
      }
    } finally {
      reader.close();
    }
  }
  const takeBuffered = () => (early.length > 0 ? early.shift() : reader.takeBuffered?.());
  return { events: events(), takeBuffered, close: () => reader.close() };
}

/** The first thing that reached us is an empty final answer: nothing to show the client. */
function isEmptyAnswer(early: GrokEvent[]): boolean {
  const first = early.find(isMeaningful);
  return first?.type === 'final' && first.message.trim() === '' && first.generatedImageUrls.length === 0;
}

/**
 * A turn that ends without text, reasoning, images or tools usually means a silent refusal; a
 * 200 with empty content would hide it from the client, so it is reported instead.
 */
function emptyAnswer(): UpstreamError {
  return new UpstreamError({
    code: 'bad_response',
    message: 'chat: the upstream ended the turn without any answer',
    retryable: false,
    accountEffect: 'none',
  });
}

class ChatEventReader implements EventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly queue: GrokEvent[] = [];
  private failure: unknown;
  private ended = false;
  private stopped = false;
  private doneSeen = false;
  private readonly onAbort = () => this.close();

  constructor(private readonly input: ChatStreamInput) {
    this.reader = input.http.response.body?.getReader();
    input.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async next(): Promise<GrokEvent | undefined> {
    while (this.queue.length === 0) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        this.ended = true;
        throw failure;
      }
      if (this.ended) return undefined;
      await this.pump();
    }
    return this.queue.shift();
  }

  takeBuffered(): GrokEvent | undefined {
    return this.queue.shift();
  }

  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.release();
  }

  private async pump(): Promise<void> {
    let chunk: Uint8Array | undefined;
    try {
      chunk = await this.read();
    } catch (error) {
      this.release();
      this.ended = true;
      if (this.input.signal?.aborted) throw this.input.signal.reason;
      if (this.stopped) return;
      // After `done` the answer is complete; a silent or broken tail changes nothing.
      if (this.doneSeen) return;
      if (error instanceof UpstreamError) throw error;
      // Part of the answer may already be with the client; only the caller can judge a retry.
      const broken = transportError('chat stream', error);
      throw new UpstreamError({
        code: broken.code,
        message: broken.message,
        retryable: false,
        accountEffect: 'none',
        cause: error,
      });
    }
    if (this.input.signal?.aborted) {
      this.release();
      this.ended = true;
      throw this.input.signal.reason;
    }
    if (this.stopped) {
      this.ended = true;
      return;
    }
    try {
      if (chunk === undefined) {
        this.ended = true;
        this.release();
        this.decoder.end();
        this.enqueue(this.input.parser.finish());
        return;
      }
      for (const value of this.decoder.push(chunk)) this.enqueue(this.input.parser.parseFrame(value));
    } catch (error) {
      this.release();
      this.ended = true;
      if (this.doneSeen && error instanceof UpstreamError && error.code === 'stream_truncated') return;
      // Events decoded before the failure are still delivered, then the failure.
      this.failure = error;
    }
  }

  private enqueue(events: GrokEvent[]): void {
    for (const event of events) {
      if (event.type === 'done') this.doneSeen = true;
      this.queue.push(event);
    }
  }

  /** One read; undefined at the end of the body. */
  private async read(): Promise<Uint8Array | undefined> {
    if (!this.reader) return undefined;
    const idleSeconds = this.input.idleTimeoutSeconds;
    if (idleSeconds <= 0) return (await this.reader.read()).value;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new UpstreamError({
              code: 'stream_idle_timeout',
              message: `chat stream: no data from upstream for ${idleSeconds}s`,
              retryable: false,
              accountEffect: 'none',
            }),
          ),
        idleSeconds * 1000,
      );
    });
    try {
      const result = await Promise.race([this.reader.read(), silence]);
      return result.done ? undefined : result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  private release(): void {
    this.input.signal?.removeEventListener('abort', this.onAbort);
    this.reader?.cancel().catch(() => {});
    this.input.http.abort();
  }
}
