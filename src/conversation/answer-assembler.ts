import type { GrokEvent } from '../upstream/grok/frames';
import type { FunctionTool } from './tools/active-tools';
import { requiredArgumentsOf } from './tools/required-arguments';
import { newToolCallId } from './tools/tool-call-block';
import { ToolCallSieve, type SieveOutput } from './tools/tool-call-sieve';

/**
 * Turns upstream events into the pieces of one assistant answer, in order: reasoning text,
 * answer text, tool calls and images. Streaming and non-streaming responses are both built from
 * its output, so they always agree.
 */

export type AnswerPiece =
  | { type: 'reasoning'; text: string }
  | { type: 'content'; text: string }
  | Exclude<SieveOutput, { type: 'text' }>;

export interface AssembledToolCall {
  id: string;
  name: string;
  arguments: string;
}

export class AnswerAssembler {
  /** All answer text the client was given (after tool-call extraction). */
  content = '';
  /** All reasoning, including late reasoning that was not streamed. */
  reasoning = '';
  readonly toolCalls: AssembledToolCall[] = [];
  readonly images: string[] = [];
  modelHash: string | null = null;
  responseId: string | null = null;

  /** Raw answer text as streamed by the upstream, before tool-call extraction. */
  private streamedText = '';
  private answerStarted = false;
  private readonly sieve: ToolCallSieve | null;

  /**
   * @param parallelToolCalls false keeps only the first call: the client said it handles one
   *   call per turn, and the prompt asked for one, so later calls are dropped rather than sent.
   */
  constructor(
    toolNames: string[] | null,
    tools: readonly FunctionTool[] = [],
    private readonly parallelToolCalls = true,
  ) {
    this.sieve =
      toolNames && toolNames.length > 0
        ? new ToolCallSieve(toolNames, newToolCallId, requiredArgumentsOf(tools))
        : null;
  }

  push(event: GrokEvent): AnswerPiece[] {
    switch (event.type) {
      case 'reasoning':
        return this.addReasoning(event.text);
      case 'tool_usage':
        return this.addReasoning(`${event.summary}\n`);
      case 'text':
        this.responseId ??= event.responseId ?? null;
        return this.addText(event.text);
      case 'image':
        if (event.progress >= 100 && !event.moderated) this.addImage(event.url);
        return [];
      case 'metadata':
        this.modelHash = event.modelHash;
        return [];
      case 'final': {
        this.responseId ??= event.responseId ?? null;
        if (event.modelHash) this.modelHash = event.modelHash;
        for (const url of event.generatedImageUrls) this.addImage(url);
        // The final message is the whole answer; when the stream missed its tail, send the rest.
        if (event.message.startsWith(this.streamedText) && event.message.length > this.streamedText.length) {
          return this.addText(event.message.slice(this.streamedText.length));
        }
        return [];
      }
      default:
        return [];
    }
  }

  /** Flushes what the tool-call sieve still holds and appends generated images. */
  finish(): AnswerPiece[] {
    const pieces = this.sieve ? this.fromSieve(this.sieve.finish()) : [];
    if (this.images.length > 0) {
      const markdown = this.images.map((url) => `![image](${url})`).join('\n');
      const text = `${this.content.length > 0 ? '\n\n' : ''}${markdown}`;
      this.content += text;
      pieces.push({ type: 'content', text });
    }
    return pieces;
  }

  private addReasoning(text: string): AnswerPiece[] {
    if (!text) return [];
    this.reasoning += text;
    // Reasoning that arrives after the answer started is kept for the record but not streamed,
    // as grok.com itself hides it.
    return this.answerStarted ? [] : [{ type: 'reasoning', text }];
  }

  private addText(text: string): AnswerPiece[] {
    if (!text) return [];
    this.answerStarted = true;
    this.streamedText += text;
    if (!this.sieve) {
      this.content += text;
      return [{ type: 'content', text }];
    }
    return this.fromSieve(this.sieve.push(text));
  }

  private addImage(url: string) {
    if (!this.images.includes(url)) this.images.push(url);
  }

  private fromSieve(outputs: SieveOutput[]): AnswerPiece[] {
    const pieces: AnswerPiece[] = [];
    for (const output of outputs) {
      if (output.type === 'text') {
        if (!output.text) continue;
        this.content += output.text;
        pieces.push({ type: 'content', text: output.text });
        continue;
      }
      if (!this.parallelToolCalls && output.index > 0) continue;
      if (output.type === 'tool_call_start')
        this.toolCalls[output.index] = { id: output.id, name: output.name, arguments: '' };
      if (output.type === 'tool_call_arguments') this.toolCalls[output.index]!.arguments += output.delta;
      pieces.push(output);
    }
    return pieces;
  }
}
