import { ANTI_BOT_MESSAGE, USAGE_LIMIT_MESSAGE } from './canned-responses';
import type { ComposedAnswer } from './chat-answer';

// Server → client events of the model gateway, shaped as in
// docs/upstream-protocol.md §8.3 and the §8.4 transcript.

export type GatewayEvent = Record<string, unknown>;

const envelope = (sessionId: string | undefined, event: GatewayEvent): GatewayEvent =>
  sessionId === undefined ? { event } : { session_id: sessionId, event };

export function sessionCreated(sessionId: string, clientEventId: string): GatewayEvent {
  return envelope(sessionId, { type: 'session.created', client_event_id: clientEventId });
}

export function conversationAttached(sessionId: string): GatewayEvent {
  return envelope(sessionId, { type: 'conversation.attached', conversation: { id: sessionId } });
}

export function pong(eventId: string | undefined): GatewayEvent {
  return envelope(undefined, { type: 'pong', client_event_id: eventId ?? '' });
}

/** Analysis chunks first (thinking modes), then the answer, then `response.done`. */
export function answerEvents(sessionId: string, answer: ComposedAnswer, responseId: string): GatewayEvent[] {
  const events: GatewayEvent[] = [];
  for (const text of answer.thinkingTokens) events.push(textChunk(sessionId, text, 'CHANNEL_ANALYSIS'));
  for (const text of answer.answerTokens) events.push(textChunk(sessionId, text, 'CHANNEL_ASSISTANT_RESPONSE'));
  events.push(responseDone(sessionId, responseId, 'completed'));
  return events;
}

export function textChunk(sessionId: string, text: string, channel: string): GatewayEvent {
  return envelope(sessionId, { type: 'response.chunk', chunk: { text: { text, channel } } });
}

export function responseDone(sessionId: string, responseId: string, status: string): GatewayEvent {
  return envelope(sessionId, { type: 'response.done', response: { id: responseId, status } });
}

export function streamError(sessionId: string, message: string): GatewayEvent {
  return envelope(sessionId, { type: 'response.grok.output', output: { stream_error: { message, code: 13 } } });
}

/** §5.3: code 7 anti-bot, code 8 rate limit; `code` may also be a word such as "anti_bot". */
export function errorEvent(sessionId: string | undefined, code: number | string, message?: string): GatewayEvent {
  const fallback = code === 7 ? ANTI_BOT_MESSAGE : code === 8 ? 'Too many requests' : 'error';
  return envelope(sessionId, { type: 'error', error: { code, message: message ?? fallback } });
}

export function usageLimitEvent(sessionId: string | undefined): GatewayEvent {
  return envelope(sessionId, { type: 'error', error: { code: 8, message: USAGE_LIMIT_MESSAGE } });
}

export function sessionEnded(sessionId: string): GatewayEvent {
  return envelope(sessionId, { type: 'session.ended' });
}
