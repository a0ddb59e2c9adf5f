/**
 * Streams text so that what the client accumulates equals `joinTextSegments` of the whole
 * answer: each stretch of text between tool calls trimmed, non-empty stretches joined by `\n`.
 *
 * Leading whitespace of a stretch is dropped; trailing whitespace is held back and sent only
 * once more text follows, so the "\n" the model writes between two `<tool_call>` blocks never
 * reaches the client as content.
 */
export class TrimmedSegmentWriter {
  private heldWhitespace = '';
  private segmentStarted = false;
  private anyTextWritten = false;

  /** Returns the part of `text` that can be sent now (possibly ""). */
  write(text: string): string {
    const input = this.segmentStarted ? text : text.trimStart();
    const core = input.trimEnd();
    if (core === '') {
      if (this.segmentStarted) this.heldWhitespace += input;
      return '';
    }
    const lead = this.segmentStarted ? this.heldWhitespace : this.anyTextWritten ? '\n' : '';
    this.heldWhitespace = input.slice(core.length);
    this.segmentStarted = true;
    this.anyTextWritten = true;
    return lead + core;
  }

  /** A tool call separates two stretches of text; held whitespace belongs to neither. */
  endSegment(): void {
    this.heldWhitespace = '';
    this.segmentStarted = false;
  }
}
