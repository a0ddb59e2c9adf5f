import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The body of `POST /v1/chat/completions`.
 *
 * The schema checks shapes only. Values with a dedicated error (roles, content blocks, media,
 * ranges, enums, tools, tool_choice) are typed loosely here on purpose and checked by
 * `validateChatRequest`, which names the failing field and a specific error code
 * (../shared/spec/reference-behaviour.md §1.2 "Validation rules and exact errors").
 *
 * Ignored fields and message fields also accept `null`: several OpenAI client libraries
 * serialise unset fields as null (notably `content: null` beside `tool_calls`). Fields the
 * gateway acts on stay `undefined`-only so the rest of the code has one "absent" value.
 */

const nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

export const ImageUrlObject = Type.Object({
  url: Type.Optional(Type.String()),
  /** OpenAI's resolution hint; Grok web has no equivalent, so it is ignored. */
  detail: Type.Optional(Type.String()),
});

/**
 * One content block. A single object with every block kind's fields optional, rather than a
 * union per `type`, so that an unknown or missing `type` reaches the semantic validator and gets
 * "Invalid content block type: 'X'" instead of a union mismatch.
 */
export const ContentPart = Type.Object({
  type: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  image_url: Type.Optional(Type.Union([Type.String(), ImageUrlObject])),
  input_audio: Type.Optional(
    Type.Object({
      data: Type.Optional(Type.String()),
      format: Type.Optional(Type.String()),
    }),
  ),
  file: Type.Optional(
    Type.Object({
      file_data: Type.Optional(Type.String()),
      filename: Type.Optional(Type.String()),
      file_id: Type.Optional(Type.String()),
    }),
  ),
});

/** A call the assistant made in an earlier turn, sent back as history. */
export const HistoryToolCall = Type.Object({
  id: nullable(Type.String()),
  type: nullable(Type.String()),
  function: Type.Object({
    name: Type.String(),
    /** A JSON string per OpenAI; some clients send the object itself. */
    arguments: nullable(Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown())])),
  }),
});

export const ChatMessage = Type.Object({
  role: Type.String(),
  /** A single block object (not in an array) is accepted as the reference did; only `text` is valid there. */
  content: nullable(Type.Union([Type.String(), Type.Array(ContentPart), ContentPart])),
  name: nullable(Type.String()),
  tool_calls: nullable(Type.Array(HistoryToolCall)),
  tool_call_id: nullable(Type.String()),
  /** The legacy single call of an assistant turn (before `tool_calls`); see legacy-functions.ts. */
  function_call: nullable(HistoryToolCall.properties.function),
});

export const ToolDefinition = Type.Object({
  type: Type.Optional(Type.String()),
  function: Type.Optional(
    Type.Object({
      name: Type.Optional(Type.String()),
      description: nullable(Type.String()),
      parameters: nullable(Type.Record(Type.String(), Type.Unknown())),
      strict: nullable(Type.Boolean()),
    }),
  ),
});

export const ToolChoice = Type.Union([
  Type.String(),
  Type.Object({
    type: Type.Optional(Type.String()),
    function: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) })),
  }),
]);

/** Used by image models reached through chat; range checks belong to the image feature. */
export const ImageConfig = Type.Object({
  n: Type.Optional(Type.Integer()),
  size: Type.Optional(Type.String()),
  response_format: Type.Optional(Type.String()),
  nsfw: Type.Optional(Type.Boolean()),
});

/** Used by the video model reached through chat; range checks belong to the video feature. */
export const VideoConfig = Type.Object({
  aspect_ratio: Type.Optional(Type.String()),
  video_length: Type.Optional(Type.Number()),
  resolution_name: Type.Optional(Type.String()),
  preset: Type.Optional(Type.String()),
});

export const ChatCompletionRequestSchema = Type.Object({
  model: Type.String(),
  /** Unlike the reference, an empty array is a 400 (../shared/spec/reference-behaviour.md appendix B 12). */
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
  functions: nullable(Type.Array(Type.Object({
    name: Type.Optional(Type.String()),
    description: nullable(Type.String()),
    parameters: nullable(Type.Record(Type.String(), Type.Unknown())),
  }))),
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
export type ChatMessage = typeof ChatMessage.static;
export type ContentPart = typeof ContentPart.static;
export type ToolDefinition = typeof ToolDefinition.static;
export type ToolChoice = typeof ToolChoice.static;
export type HistoryToolCall = typeof HistoryToolCall.static;
