import { randomBytes } from 'node:crypto';
import type { AnswerPiece } from '../conversation/answer-assembler';
import { StopSequenceFilter } from '../conversation/stop-sequences';
import type { ChatUsage } from '../conversation/usage-estimate';
import { MessageOutput, type MessageEvent } from './message-output';

export const messageId = () => `msg_${randomBytes(12).toString('hex')}`;

export const messageUsage = (usage: ChatUsage | null) => ({
  input_tokens: usage?.prompt_tokens ?? 0,
  output_tokens: usage?.completion_tokens ?? 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});

/** One Anthropic answer: stop sequences applied, then content blocks built. */
export class MessageAnswer {
  readonly output: MessageOutput;
  private readonly stops: StopSequenceFilter;

  constructor(showThinking: boolean, stopSequences: readonly string[]) {
    this.output = new MessageOutput(showThinking);
    this.stops = new StopSequenceFilter(stopSequences);
  }

  add(pieces: AnswerPiece[]): MessageEvent[] {
    return this.output.add(this.stops.push(pieces));
  }

  finish(): MessageEvent[] {
    return [...this.output.add(this.stops.finish()), ...this.output.finish()];
  }

  get stopReason(): 'stop_sequence' | 'tool_use' | 'end_turn' {
    if (this.stops.matched !== null) return 'stop_sequence';
    return this.output.hasToolUse ? 'tool_use' : 'end_turn';
  }

  /** A stop sequence matched: nothing after it reaches the client. */
  get stopped(): boolean {
    return this.stops.stopped;
  }

  get stopSequence(): string | null {
    return this.stops.matched;
  }
}

export function messageObject(id: string, model: string, answer: MessageAnswer, usage: ChatUsage | null) {
  return {
    id,
    type: 'message' as const,
    role: 'assistant' as const,
    model,
    content: structuredClone(answer.output.blocks),
    stop_reason: answer.stopReason,
    stop_sequence: answer.stopSequence,
    usage: messageUsage(usage),
  };
}
