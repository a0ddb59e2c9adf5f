import { Type } from '@sinclair/typebox';
import type { ToolCall } from './tools/tool-call-block';

/**
 * Grok web reports no token counts, so usage is estimated from text
 * (docs/python-compatibility.md §1.2 "Usage estimation"). Unlike the reference, every
 * response uses this one shape, and reasoning is counted in `reasoning_tokens` and included in
 * `completion_tokens`, as OpenAI reports reasoning models (appendix B 4, 5).
 */

export const ChatUsage = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
  prompt_tokens_details: Type.Object({ cached_tokens: Type.Integer() }),
  completion_tokens_details: Type.Object({ reasoning_tokens: Type.Integer() }),
});
export type ChatUsage = typeof ChatUsage.static;

/** Per-request framing overhead OpenAI adds around the messages; kept for parity with the reference. */
export const PROMPT_OVERHEAD_TOKENS = 4;

/** A word (letters, digits, marks, underscore) or a single punctuation/symbol character. */
const SEGMENT = /[\p{L}\p{N}\p{M}_]+|[^\p{L}\p{N}\p{M}_\s]/gu;

const tokensOf = (bytes: number, segments: number): number =>
  bytes === 0 ? 0 : Math.max(1, Math.ceil(bytes / 4), Math.ceil(0.75 * segments));

/**
 * max(1, ⌈UTF-8 bytes / 4⌉, ⌈0.75 × segments⌉), 0 for empty text. Bytes dominate for CJK and
 * long words, segments for punctuation-heavy text; non-strings are measured as their JSON.
 */
export const estimateTokens = (value: unknown): number => {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  if (text === '') return 0;
  // Counted without encoding (a lone surrogate counts as the 3 bytes of U+FFFD, as TextEncoder writes it).
  return tokensOf(Buffer.byteLength(text, 'utf8'), text.match(SEGMENT)?.length ?? 0);
};

/**
 * `estimateTokens` of a text that grows at its end (an answer checked against a token budget
 * piece by piece), without measuring the whole text again for every piece. Only the last
 * segment of the text so far can change when text is appended (a word that goes on, a surrogate
 * pair completed), so that tail is measured again with each piece and the rest is kept as counts.
 */
export class GrowingTokenEstimate {
  private bytes = 0;
  private segments = 0;
  /** The text from the start of its last segment on; empty when the text has no segment. */
  private tail = '';
  private tailBytes = 0;
  private tailSegments = 0;
  private readonly segment = new RegExp(SEGMENT.source, SEGMENT.flags);

  /** What `with` measured last, so appending the same piece next measures it only once. */
  private measured: { more: string; next: ReturnType<GrowingTokenEstimate['measure']> } | undefined;

  /** The estimate of the text so far with `more` appended (nothing is appended). */
  with(more: string): number {
    const next = this.measure(more);
    this.measured = { more, next };
    return tokensOf(next.bytes, next.segments);
  }

  append(more: string): void {
    const next = this.measured?.more === more ? this.measured.next : this.measure(more);
    this.measured = undefined;
    this.bytes = next.bytes;
    this.segments = next.segments;
    this.tail = next.tail;
    this.tailBytes = next.tailBytes;
    this.tailSegments = next.tailSegments;
  }

  private measure(more: string) {
    const joined = this.tail + more;
    let count = 0;
    let lastStart = -1;
    this.segment.lastIndex = 0;
    for (let match = this.segment.exec(joined); match !== null; match = this.segment.exec(joined)) {
      count++;
      lastStart = match.index;
    }
    const tail = lastStart < 0 ? '' : joined.slice(lastStart);
    const tailBytes = Buffer.byteLength(tail, 'utf8');
    return {
      bytes: this.bytes - this.tailBytes + Buffer.byteLength(joined, 'utf8'),
      segments: this.segments - this.tailSegments + count,
      tail,
      tailBytes,
      tailSegments: lastStart < 0 ? 0 : 1,
    };
  }
}

export interface UsageInput {
  /** The flattened upstream message, tool prompt included. */
  prompt: string;
  /** Answer text given to the client. */
  content: string;
  /** Reasoning text, whether or not it was shown. */
  reasoning?: string;
  toolCalls?: ToolCall[];
}

export const estimateUsage = ({ prompt, content, reasoning = '', toolCalls = [] }: UsageInput): ChatUsage => {
  const promptTokens = estimateTokens(prompt) + PROMPT_OVERHEAD_TOKENS;
  const reasoningTokens = estimateTokens(reasoning);
  const completionTokens =
    estimateTokens(content) + (toolCalls.length > 0 ? estimateTokens(toolCalls) : 0) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
};
