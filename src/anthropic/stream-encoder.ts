import type { AnswerPiece } from '../conversation/answer-assembler';
import type { StreamEncoder } from '../conversation/stream-pipeline';
import type { ApiError } from '../http/errors';
import type { ChatUsage } from '../conversation/usage-estimate';
import { sseEvent } from '../http/sse';
import { anthropicErrorBody } from './errors';
import { messageUsage, type MessageAnswer } from './message-answer';
import type { MessageEvent } from './message-output';

/**
 * Anthropic's event stream: `message_start`, `ping`, content block events, `message_delta` with
 * the stop reason and usage, `message_stop`; `ping` while the upstream is silent; one `error`
 * event when the answer fails after the stream started.
 */
export class MessagesStreamEncoder implements StreamEncoder {
  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly answer: MessageAnswer,
    private readonly usage: () => ChatUsage,
    private readonly promptUsage: ChatUsage | null,
  ) {}

  open(): Uint8Array[] {
    const message = {
      id: this.id,
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...messageUsage(this.promptUsage), output_tokens: 0 },
    };
    return [this.event({ type: 'message_start', message }), this.event({ type: 'ping' })];
  }

  pieces(pieces: AnswerPiece[]): Uint8Array[] {
    return this.answer.add(pieces).map((event) => this.event(event));
  }

  finish(): Uint8Array[] {
    const events = this.answer.finish().map((event) => this.event(event));
    const usage = messageUsage(this.usage());
    events.push(
      this.event({
        type: 'message_delta',
        delta: { stop_reason: this.answer.stopReason, stop_sequence: this.answer.stopSequence },
        usage: { output_tokens: usage.output_tokens },
      }),
      this.event({ type: 'message_stop' }),
    );
    return events;
  }

  failure(error: ApiError): Uint8Array[] {
    return [this.event(anthropicErrorBody(error))];
  }

  keepalive(): Uint8Array {
    return this.event({ type: 'ping' });
  }

  ended(): boolean {
    return this.answer.stopped;
  }

  private event(event: MessageEvent): Uint8Array {
    return sseEvent(event.type, event);
  }
}
