import { ANTI_BOT_MESSAGE, USAGE_LIMIT_MESSAGE } from './canned-responses';
import type { ComposedAnswer } from './chat-answer';
import type { ChatTurn } from './chat-request';

// Frame shapes of docs/upstream-protocol.md §7.6, in the order of the §7.10 example.

export type Frame = Record<string, unknown>;

export interface TurnIds {
  conversationId: string;
  userResponseId: string;
  responseId: string;
}

export interface TurnFrameOptions {
  /** Only the first turn of a conversation announces the conversation. */
  announceConversation: boolean;
  /** Non-empty: the generation failed; the final frame is then left out. */
  streamErrors?: string[];
}

export function buildTurnFrames(
  turn: ChatTurn,
  answer: ComposedAnswer,
  ids: TurnIds,
  options: TurnFrameOptions,
): Frame[] {
  const frames: Frame[] = [];
  if (options.announceConversation) {
    frames.push({
      result: {
        conversation: { conversationId: ids.conversationId, title: 'New conversation', temporary: turn.temporary },
      },
    });
  }
  frames.push(response({ userResponse: { responseId: ids.userResponseId, message: turn.message, sender: 'human' } }));
  for (const token of answer.thinkingTokens) {
    frames.push(
      response({ token, isThinking: true, isSoftStop: false, responseId: ids.responseId, messageTag: 'analysis' }),
    );
  }
  for (const token of answer.answerTokens) {
    frames.push(
      response({ token, isThinking: false, isSoftStop: false, responseId: ids.responseId, messageTag: 'final' }),
    );
  }
  const streamErrors = options.streamErrors ?? [];
  frames.push(
    response({
      modelResponse: {
        responseId: ids.responseId,
        message: answer.answerTokens.join(''),
        sender: 'assistant',
        parentResponseId: ids.userResponseId,
        generatedImageUrls: [],
        cardAttachmentsJson: [],
        fileAttachments: [],
        streamErrors,
        metadata: { llm_info: { modelHash: modelHash(turn) } },
      },
    }),
  );
  if (streamErrors.length === 0) {
    frames.push(
      response({
        finalMetadata: { followUpSuggestions: [], feedbackLabels: [], toolsUsed: {} },
        isSoftStop: true,
        responseId: ids.responseId,
      }),
    );
  }
  return frames;
}

export function usageLimitFrame(): Frame {
  return response({ error: { message: USAGE_LIMIT_MESSAGE } });
}

/** §5.3: code 7 is an anti-bot/permission rejection, code 8 a rate limit. */
export function inbandErrorFrame(code: number, message?: string): Frame {
  const fallback = code === 7 ? ANTI_BOT_MESSAGE : 'Too many requests';
  return { error: { message: message ?? fallback, code, details: [] } };
}

export function modelHash(turn: ChatTurn): string {
  return `sim-${turn.mode}${turn.thinking ? '-thinking' : ''}`;
}

function response(fields: Frame): Frame {
  return { result: { response: fields } };
}
