import type { AnswerPiece } from '../../conversation/answer-assembler';
import type { StreamEncoder } from '../../conversation/stream-pipeline';
import type { ApiError } from '../../http/errors';
import { SSE_KEEPALIVE, sseEvent } from '../../http/sse';
import type { ResponseState } from './response-object';
import type { OutputEvent, ResponseOutput } from './response-output';

/**
 * The Responses event stream: `response.created`, `response.in_progress`, the output events of
 * `ResponseOutput`, then `response.completed`, or `error` and `response.failed`. Every event
 * carries a `sequence_number` that increases by one.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;

  constructor(
    private readonly output: ResponseOutput,
    private readonly snapshot: (state: ResponseState) => object,
    private readonly usage: () => ResponseState['usage'],
    private readonly now: () => number,
  ) {}

  open(): Uint8Array[] {
    const response = this.snapshot({ status: 'in_progress', output: [], usage: null, error: null });
    return [this.event({ type: 'response.created', response }), this.event({ type: 'response.in_progress', response })];
  }

  pieces(pieces: AnswerPiece[]): Uint8Array[] {
    return this.output.add(pieces).map((event) => this.event(event));
  }

  finish(): Uint8Array[] {
    const events = this.output.finish().map((event) => this.event(event));
    const response = this.snapshot({
      status: 'completed',
      output: this.output.items,
      usage: this.usage(),
      error: null,
      completedAt: this.now(),
    });
    events.push(this.event({ type: 'response.completed', response }));
    return events;
  }

  failure(error: ApiError): Uint8Array[] {
    const code = error.code ?? 'server_error';
    const response = this.snapshot({
      status: 'failed',
      output: this.output.items,
      usage: null,
      error: { code, message: error.message },
    });
    return [
      this.event({ type: 'error', code, message: error.message, param: error.param }),
      this.event({ type: 'response.failed', response }),
    ];
  }

  keepalive(): Uint8Array {
    return SSE_KEEPALIVE;
  }

  private event(event: OutputEvent): Uint8Array {
    return sseEvent(event.type, { ...event, sequence_number: this.sequence++ });
  }
}
