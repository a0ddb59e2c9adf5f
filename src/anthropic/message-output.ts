import { createHash } from 'node:crypto';
import type { AnswerPiece } from '../conversation/answer-assembler';

/**
 * Builds the content blocks of an Anthropic message from answer pieces, and the stream events
 * that describe each step (`content_block_start/delta/stop`). Streaming sends the events,
 * non-streaming only keeps the blocks; one class builds both, so they always agree.
 */

export type ContentBlockOut =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export type MessageEvent = { type: string } & Record<string, unknown>;

/** Anthropic ids look like `toolu_…`; ours are `call_<24 hex>`. */
export const toolUseId = (callId: string): string => `toolu_${callId.replace(/^call_/, '')}`;

/**
 * Clients send thinking blocks back with their signature; ours is a digest of the text, which
 * proves nothing but lets clients that require the field keep working.
 */
const signatureOf = (thinking: string): string => createHash('sha256').update(thinking).digest('base64');

const parseInput = (json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
};

export class MessageOutput {
  readonly blocks: ContentBlockOut[] = [];
  private open: { index: number; block: ContentBlockOut; json: string } | null = null;
  private readonly callIndexes = new Map<number, number>();

  constructor(private readonly showThinking: boolean) {}

  get hasToolUse(): boolean {
    return this.blocks.some((block) => block.type === 'tool_use');
  }

  add(pieces: AnswerPiece[]): MessageEvent[] {
    const events: MessageEvent[] = [];
    for (const piece of pieces) {
      if (piece.type === 'reasoning') {
        if (!this.showThinking) continue;
        const block = this.ensureOpen('thinking', events);
        if (block.type === 'thinking') block.thinking += piece.text;
        events.push({
          type: 'content_block_delta',
          index: this.open!.index,
          delta: { type: 'thinking_delta', thinking: piece.text },
        });
      } else if (piece.type === 'content') {
        const block = this.ensureOpen('text', events);
        if (block.type === 'text') block.text += piece.text;
        events.push({
          type: 'content_block_delta',
          index: this.open!.index,
          delta: { type: 'text_delta', text: piece.text },
        });
      } else if (piece.type === 'tool_call_start') {
        this.close(events);
        const block: ContentBlockOut = { type: 'tool_use', id: toolUseId(piece.id), name: piece.name, input: {} };
        this.start(block, events);
        this.callIndexes.set(piece.index, this.open!.index);
      } else if (piece.type === 'tool_call_arguments') {
        if (this.open?.block.type !== 'tool_use') continue;
        this.open.json += piece.delta;
        events.push({
          type: 'content_block_delta',
          index: this.open.index,
          delta: { type: 'input_json_delta', partial_json: piece.delta },
        });
      } else {
        this.close(events);
      }
    }
    return events;
  }

  finish(): MessageEvent[] {
    const events: MessageEvent[] = [];
    this.close(events);
    return events;
  }

  private ensureOpen(type: 'thinking' | 'text', events: MessageEvent[]): ContentBlockOut {
    if (this.open?.block.type === type) return this.open.block;
    this.close(events);
    const block: ContentBlockOut = type === 'thinking' ? { type, thinking: '', signature: '' } : { type, text: '' };
    this.start(block, events);
    return block;
  }

  private start(block: ContentBlockOut, events: MessageEvent[]): void {
    this.blocks.push(block);
    this.open = { index: this.blocks.length - 1, block, json: '' };
    events.push({ type: 'content_block_start', index: this.open.index, content_block: structuredClone(block) });
  }

  private close(events: MessageEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    if (open.block.type === 'thinking') {
      open.block.signature = signatureOf(open.block.thinking);
      events.push({
        type: 'content_block_delta',
        index: open.index,
        delta: { type: 'signature_delta', signature: open.block.signature },
      });
    }
    if (open.block.type === 'tool_use') open.block.input = parseInput(open.json || '{}');
    events.push({ type: 'content_block_stop', index: open.index });
  }
}
