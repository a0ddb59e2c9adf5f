import { Type, type TSchema } from '@sinclair/typebox';
import { ChatMessage, ToolChoice, ToolDefinition } from '../../conversation/message-model';
import { ImageConfig, VideoConfig } from '../../media/media-chat-request';

export type {
  ChatMessage,
  ContentPart,
  HistoryToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../conversation/message-model';

/**
 * The body of `POST /v1/chat/completions`.
 *
 * The schema checks shapes only. Values with a dedicated error (roles, content blocks, media,
 * ranges, enums, tools, tool_choice) are typed loosely here on purpose and checked by
 * `validateChatRequest`, which names the failing field and a specific error code
 * (docs/python-compatibility.md §1.2 "Validation rules and exact errors").
 *
 * Ignored fields and message fields also accept `null`: several OpenAI client libraries
 * serialise unset fields as null (notably `content: null` beside `tool_calls`). Fields the
 * gateway acts on stay `undefined`-only so the rest of the code has one "absent" value.
 */

const nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

export const ChatCompletionRequestSchema = Type.Object({
  model: Type.String(),
  /** Unlike the reference, an empty array is a 400 (docs/python-compatibility.md appendix B 12). */
  messages: Type.Array(ChatMessage, { minItems: 1 }),
  stream: Type.Optional(Type.Boolean()),
  stream_options: Type.Optional(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })),
  reasoning_effort: Type.Optional(Type.String()),
  temperature: Type.Optional(Type.Number()),
  top_p: Type.Optional(Type.Number()),
  tools: Type.Optional(Type.Array(ToolDefinition)),
  tool_choice: Type.Optional(ToolChoice),
  parallel_tool_calls: Type.Optional(Type.Boolean()),
  /** The legacy function-calling fields, translated to tools by legacy-functions.ts. */
  functions: nullable(
    Type.Array(
      Type.Object({
        name: Type.Optional(Type.String()),
        description: nullable(Type.String()),
        parameters: nullable(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
  ),
  function_call: nullable(Type.Union([Type.String(), Type.Object({ name: Type.Optional(Type.String()) })])),
  image_config: Type.Optional(ImageConfig),
  video_config: Type.Optional(VideoConfig),

  /** Applied to the answer as it arrives (answer-limits.ts): Grok web takes neither. */
  max_tokens: nullable(Type.Integer()),
  max_completion_tokens: nullable(Type.Integer()),
  stop: nullable(Type.Union([Type.String(), Type.Array(Type.String())])),

  // Accepted so that real clients pass validation; Grok web has no way to honour them.
  n: nullable(Type.Integer()),
  presence_penalty: nullable(Type.Number()),
  frequency_penalty: nullable(Type.Number()),
  logit_bias: nullable(Type.Record(Type.String(), Type.Number())),
  logprobs: nullable(Type.Boolean()),
  top_logprobs: nullable(Type.Integer()),
  seed: nullable(Type.Integer()),
  user: nullable(Type.String()),
  response_format: nullable(Type.Object({ type: Type.String() })),
  modalities: nullable(Type.Array(Type.String())),
  metadata: nullable(Type.Record(Type.String(), Type.String())),
  store: nullable(Type.Boolean()),
  service_tier: nullable(Type.String()),
});

export type ChatCompletionRequest = typeof ChatCompletionRequestSchema.static;
