import {
  CLOSING_TAGS,
  findOpening,
  indexOfTag,
  newToolCallId,
  parseBlockBody,
  partialOpeningLength,
  type BlockVariant,
} from './tool-call-block';
import type { RequiredArguments } from './required-arguments';
import { TrimmedSegmentWriter } from './trimmed-segment-writer';

/**
 * Streaming counterpart of `parseToolCalls`: answer deltas in, text and tool-call events out.
 *
 * Text is forwarded at once, except an end that could still become `<tool_call>` or
 * `<tool_calls>`. From an opening tag on, input is held until the block closes (or the stream
 * ends) and then released either as calls or, when it is not a valid call, as the text it was,
 * so a failed call is visible instead of vanishing. The concatenated text equals the parser's
 * `content` (or "" for null) and the calls equal its `toolCalls`, however the text was split.
 */

export type SieveOutput =
  | { type: 'text'; text: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_arguments'; index: number; delta: string }
  | { type: 'tool_call_end'; index: number };

interface OpenBlock {
  variant: BlockVariant;
  /** The opening tag as the model wrote it, replayed if the block turns out not to be a call. */
  openingTag: string;
  /** How far `pending` has been searched for the closing tag without finding it. */
  searched: number;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

export class ToolCallSieve {
  private pending = '';
  private block: OpenBlock | undefined;
  private nextIndex = 0;
  private readonly writer = new TrimmedSegmentWriter();

  constructor(
    private readonly declaredNames: string[],
    private readonly idFactory: () => string = newToolCallId,
    private readonly required?: RequiredArguments,
  ) {}

  push(delta: string): SieveOutput[] {
    this.pending += delta;
    return this.drain(false);
  }

  /** Flushes what is held: an unterminated block becomes calls if it parses, else text. */
  finish(): SieveOutput[] {
    return this.drain(true);
  }

  private drain(final: boolean): SieveOutput[] {
    const outputs: SieveOutput[] = [];
    let progressing = true;
    while (progressing) {
      progressing = this.block ? this.advanceBlock(this.block, final, outputs) : this.advanceText(final, outputs);
    }
    return outputs;
  }

  /** Returns true when a block opened and scanning should continue inside it. */
  private advanceText(final: boolean, outputs: SieveOutput[]): boolean {
    const opening = findOpening(this.pending);
    if (opening) {
      this.writeText(this.pending.slice(0, opening.index), outputs);
      this.block = {
        variant: opening.variant,
        openingTag: this.pending.slice(opening.index, opening.index + opening.length),
        searched: 0,
      };
      this.pending = this.pending.slice(opening.index + opening.length);
      return true;
    }
    let held = final ? 0 : partialOpeningLength(this.pending);
    // Never split a surrogate pair across two events: an encoder would turn each half into U+FFFD.
    const cut = this.pending.length - held;
    if (!final && cut > 0 && isHighSurrogate(this.pending.charCodeAt(cut - 1))) held += 1;
    this.writeText(this.pending.slice(0, this.pending.length - held), outputs);
    this.pending = this.pending.slice(this.pending.length - held);
    return false;
  }

  /** Returns true when the block settled and scanning should continue after it. */
  private advanceBlock(block: OpenBlock, final: boolean, outputs: SieveOutput[]): boolean {
    const closingTag = CLOSING_TAGS[block.variant];
    const closeIndex = indexOfTag(this.pending, closingTag, block.searched);
    if (closeIndex === -1) {
      block.searched = Math.max(0, this.pending.length - closingTag.length + 1);
      if (!final) return false;
      this.settleBlock(block, this.pending, '', outputs);
      this.pending = '';
      return false;
    }
    const blockEnd = closeIndex + closingTag.length;
    this.settleBlock(block, this.pending.slice(0, closeIndex), this.pending.slice(closeIndex, blockEnd), outputs);
    this.pending = this.pending.slice(blockEnd);
    return true;
  }

  private settleBlock(block: OpenBlock, body: string, closingTag: string, outputs: SieveOutput[]): void {
    this.block = undefined;
    const calls = parseBlockBody(body, block.variant, this.declaredNames, this.required);
    if (!calls) {
      this.writeText(block.openingTag + body + closingTag, outputs);
      return;
    }
    this.writer.endSegment();
    for (const call of calls) {
      const index = this.nextIndex++;
      outputs.push(
        { type: 'tool_call_start', index, id: this.idFactory(), name: call.name },
        { type: 'tool_call_arguments', index, delta: call.arguments },
        { type: 'tool_call_end', index },
      );
    }
  }

  private writeText(text: string, outputs: SieveOutput[]): void {
    const written = this.writer.write(text);
    if (written !== '') outputs.push({ type: 'text', text: written });
  }
}
