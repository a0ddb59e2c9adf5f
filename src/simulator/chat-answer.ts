import type { ChatTurn } from './chat-request';
import type { Script } from './types';

export interface ComposedAnswer {
  thinkingTokens: string[];
  answerTokens: string[];
}

const ECHO_LIMIT = 200;

/**
 * The answer a turn streams. Without a script it is deterministic, names the mode and echoes
 * the request, and always carries multi-byte text (CJK and an emoji outside the BMP) so every
 * consumer exercises UTF-8 handling. A script's explicit thinking is streamed even in a
 * non-thinking mode: a test that scripts reasoning wants to see it.
 */
export function composeAnswer(turn: ChatTurn, script?: Script): ComposedAnswer {
  const answerTokens = script?.answerTokens ?? splitIntoWordTokens(script?.answer ?? defaultAnswer(turn));
  let thinkingTokens: string[] = [];
  if (script?.thinkingTokens) thinkingTokens = script.thinkingTokens;
  else if (script?.thinking !== undefined) thinkingTokens = splitIntoWordTokens(script.thinking);
  else if (turn.thinking) thinkingTokens = splitIntoWordTokens(defaultThinking(turn));
  return { thinkingTokens, answerTokens };
}

export function defaultAnswer(turn: ChatTurn): string {
  return `Hello from the Grok simulator (mode ${turn.mode}). You said: ${lastLine(turn.message)}. 你好，世界 👋`;
}

export function defaultThinking(turn: ChatTurn): string {
  return `The user wrote ${Array.from(turn.message).length} characters in mode ${turn.mode}; I will greet them and echo their last line.`;
}

/** Each token is a word with the whitespace before it, so joining the tokens restores the text. */
export function splitIntoWordTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

function lastLine(message: string): string {
  const lines = message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const line = lines[lines.length - 1] ?? '';
  // Cut by code points so an emoji's surrogate pair is never split.
  return Array.from(line).slice(0, ECHO_LIMIT).join('');
}
