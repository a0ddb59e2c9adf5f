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

/**
 * max(1, ⌈UTF-8 bytes / 4⌉, ⌈0.75 × segments⌉), 0 for empty text. Bytes dominate for CJK and
 * long words, segments for punctuation-heavy text; non-strings are measured as their JSON.
 */
export const estimateTokens = (value: unknown): number => {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  if (text === '') return 0;
  // Counted without encoding (a lone surrogate counts as the 3 bytes of U+FFFD, as TextEncoder writes it).
  const bytes = Buffer.byteLength(text, 'utf8');
  const segments = text.match(SEGMENT)?.length ?? 0;
  return Math.max(1, Math.ceil(bytes / 4), Math.ceil(0.75 * segments));
};

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
