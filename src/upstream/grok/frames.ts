import { Type, type TSchema, type Static } from '@sinclair/typebox';
import { matchesSchema } from './compiled-check';

/**
 * Wire shapes of the `conversations/new` stream (docs/upstream-protocol.md §5.3, §7.6).
 * Each field group of `result.response` is checked on its own, because one frame may carry
 * several of them and an unexpected type in one group must not hide the others. Shapes we do not
 * know are ignored, not errors: the upstream adds fields without notice.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
/**
 * Any JSON object. Checked as an object with no required keys: a `Record` schema compiles to a
 * regular-expression test of every key of every frame, which a parsed JSON object always passes
 * (only a key holding a line break would not).
 */
export const AnyObject = Type.Unsafe<Record<string, unknown>>(Type.Object({}));

export const ErrorBody = Type.Object({
  code: Nullable(Type.Union([Type.Number(), Type.String()])),
  message: Nullable(Type.String()),
});

export const ConversationFrame = Type.Object({
  result: Type.Object({ conversation: Type.Object({ conversationId: Type.String({ minLength: 1 }) }) }),
});

/** The envelope of every response frame; its groups are checked with the schemas below. */
export const ResponseFrame = Type.Object({ result: Type.Object({ response: AnyObject }) });

export const TopLevelErrorFrame = Type.Object({ error: Type.Union([ErrorBody, Type.String()]) });
export const GatewayErrorFrame = Type.Object({
  event: Type.Object({ type: Type.Literal('error'), error: Type.Union([ErrorBody, Type.String()]) }),
});
export const GatewayStreamErrorFrame = Type.Object({
  event: Type.Object({ output: Type.Object({ stream_error: ErrorBody }) }),
});

export const ResponseErrorGroup = Type.Object({ error: Type.Union([ErrorBody, Type.String()]) });

export const TokenGroup = Type.Object({
  token: Type.String(),
  isThinking: Nullable(Type.Boolean()),
  messageTag: Nullable(Type.String()),
  responseId: Nullable(Type.String()),
  rolloutId: Nullable(Type.String()),
  messageStepId: Nullable(Type.Union([Type.Number(), Type.String()])),
});

export const ToolUsageCardGroup = Type.Object({ toolUsageCard: AnyObject, rolloutId: Nullable(Type.String()) });

export const ImageProgressGroup = Type.Object({
  streamingImageGenerationResponse: Type.Object({
    imageIndex: Nullable(Type.Number()),
    progress: Nullable(Type.Number()),
    imageUrl: Nullable(Type.String()),
    url: Nullable(Type.String()),
    isFinal: Nullable(Type.Boolean()),
    moderated: Nullable(Type.Boolean()),
  }),
});

const CardAttachment = Type.Object({ jsonData: Type.Union([Type.String(), AnyObject]) });
export const CardAttachmentGroup = Type.Object({ cardAttachment: CardAttachment });
export const CardAttachmentsGroup = Type.Object({ cardAttachments: Type.Array(Type.Unknown()) });
export { CardAttachment };

export const ModelResponseGroup = Type.Object({ modelResponse: AnyObject });

/** Fields of `modelResponse`, each checked on its own. */
export const ModelResponseFields = {
  responseId: Type.String(),
  message: Type.String(),
  imageList: Type.Array(Type.Unknown()),
  streamErrors: Type.Array(Type.Unknown(), { minItems: 1 }),
  metadata: Type.Object({ llm_info: Type.Object({ modelHash: Type.String({ minLength: 1 }) }) }),
  cardAttachmentsJson: Type.Array(Type.Unknown()),
};

export const StreamErrorObject = Type.Object({
  message: Nullable(Type.String()),
  error: Nullable(Type.String()),
  detail: Nullable(Type.String()),
  code: Nullable(Type.Union([Type.Number(), Type.String()])),
});

export const LlmInfoGroup = Type.Object({ llmInfo: Type.Object({ modelHash: Type.String({ minLength: 1 }) }) });
export const SoftStopGroup = Type.Object({ isSoftStop: Type.Literal(true) });
export const FinalMetadataGroup = Type.Object({ finalMetadata: Type.Union([AnyObject, Type.Array(Type.Unknown())]) });

/** `value` when it matches `schema`, otherwise undefined: the one way this module reads frames. */
export function pick<T extends TSchema>(schema: T, value: unknown): Static<T> | undefined {
  return matchesSchema(schema, value) ? value : undefined;
}

export type GrokEvent =
  | { type: 'conversation'; conversationId: string }
  /** Reasoning trace: `isThinking`, or agent work in progress (`messageStepId`). Markup cleaned. */
  | { type: 'reasoning'; text: string; responseId?: string }
  /** Answer text, markup cleaned; never empty. */
  | { type: 'text'; text: string; responseId?: string }
  /** A server-side tool call, e.g. summary `[WebSearch] grok release`. */
  | { type: 'tool_usage'; summary: string; toolName: string; args: unknown; rolloutId?: string }
  /** Image progress; `url` is absolute. */
  | { type: 'image'; url: string; index: number; progress: number; moderated: boolean }
  /** `modelResponse`: the complete answer, markup cleaned, and the raw form. */
  | {
      type: 'final';
      responseId?: string;
      message: string;
      rawMessage: string;
      generatedImageUrls: string[];
      modelHash?: string;
    }
  | { type: 'metadata'; modelHash: string }
  | { type: 'done' };
