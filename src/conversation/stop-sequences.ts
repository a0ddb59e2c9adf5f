import type { AnswerPiece } from './answer-assembler';

/**
 * Grok web cannot be told to stop at a string, so stop sequences are applied to the answer
 * text as it streams: text is forwarded except an end that could still grow into a stop
 * sequence; once one appears, the text before it is the last thing the client gets and every
 * later piece (text or tool call) is dropped.
 */
export class StopSequenceFilter {
  private held = '';
  /** The stop sequence that ended the answer, if any. */
  matched: string | null = null;

  constructor(private readonly sequences: readonly string[]) {}

  get stopped(): boolean {
    return this.matched !== null;
  }

  push(pieces: AnswerPiece[]): AnswerPiece[] {
    if (this.sequences.length === 0) return pieces;
    const out: AnswerPiece[] = [];
    for (const piece of pieces) {
      if (this.stopped) break;
      if (piece.type !== 'content') {
        // A call or reasoning comes after the held text, which can no longer become a stop sequence.
        if (piece.type !== 'reasoning') this.release(out);
        out.push(piece);
        continue;
      }
      this.scan(piece.text, out);
    }
    return out;
  }

  /** The end of the answer: what was held is text after all. */
  finish(): AnswerPiece[] {
    const out: AnswerPiece[] = [];
    if (!this.stopped) this.release(out);
    return out;
  }

  private scan(text: string, out: AnswerPiece[]): void {
    const buffer = this.held + text;
    let first: { index: number; sequence: string } | null = null;
    for (const sequence of this.sequences) {
      const index = buffer.indexOf(sequence);
      if (index !== -1 && (first === null || index < first.index)) first = { index, sequence };
    }
    if (first) {
      this.held = '';
      if (first.index > 0) out.push({ type: 'content', text: buffer.slice(0, first.index) });
      this.matched = first.sequence;
      return;
    }
    const keep = this.partialLength(buffer);
    this.held = buffer.slice(buffer.length - keep);
    const ready = buffer.slice(0, buffer.length - keep);
    if (ready) out.push({ type: 'content', text: ready });
  }

  private release(out: AnswerPiece[]): void {
    if (this.held) out.push({ type: 'content', text: this.held });
    this.held = '';
  }

  /** Length of the longest end of `text` that is a proper prefix of some stop sequence. */
  private partialLength(text: string): number {
    let longest = 0;
    for (const sequence of this.sequences) {
      for (let length = Math.min(sequence.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(sequence.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
