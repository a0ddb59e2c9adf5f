import type { RequiredArguments } from './required-arguments';
import {
  CLOSING_TAGS,
  findOpening,
  indexOfTag,
  newToolCallId,
  parseBlockBody,
  toToolCall,
  type ToolCall,
} from './tool-call-block';

/**
 * Reads emulated tool calls back out of a complete model answer (non-streaming responses).
 * `ToolCallSieve` does the same incrementally and yields the same result for any split of the
 * text into deltas.
 *
 * A block that is not a valid call (bad JSON beyond repair, an undeclared name) stays in the
 * content as written: silently dropping it would hide the model's answer
 * (docs/python-compatibility.md appendix B 10).
 */

export type { ToolCall } from './tool-call-block';
export { newToolCallId } from './tool-call-block';
export { ToolCallSieve, type SieveOutput } from './tool-call-sieve';

export interface ParsedAnswer {
  /** Text outside valid blocks: each stretch between calls trimmed, non-empty ones joined by `\n`; null when none. */
  content: string | null;
  toolCalls: ToolCall[];
}

export const joinTextSegments = (segments: string[]): string | null =>
  segments
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '')
    .join('\n') || null;

export const parseToolCalls = (
  text: string,
  declaredNames: string[],
  idFactory: () => string = newToolCallId,
  required?: RequiredArguments,
): ParsedAnswer => {
  const segments: string[] = [];
  const toolCalls: ToolCall[] = [];
  let segment = '';
  let position = 0;
  while (position < text.length) {
    const opening = findOpening(text, position);
    if (!opening) {
      segment += text.slice(position);
      break;
    }
    segment += text.slice(position, opening.index);
    const bodyStart = opening.index + opening.length;
    const closing = CLOSING_TAGS[opening.variant];
    const closeIndex = indexOfTag(text, closing, bodyStart);
    // An unterminated block runs to the end of the answer.
    const bodyEnd = closeIndex === -1 ? text.length : closeIndex;
    const blockEnd = closeIndex === -1 ? text.length : closeIndex + closing.length;
    const calls = parseBlockBody(text.slice(bodyStart, bodyEnd), opening.variant, declaredNames, required);
    if (calls) {
      segments.push(segment);
      segment = '';
      toolCalls.push(...calls.map((call) => toToolCall(call, idFactory())));
    } else {
      segment += text.slice(opening.index, blockEnd);
    }
    position = blockEnd;
  }
  segments.push(segment);
  return { content: joinTextSegments(segments), toolCalls };
};
