import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The conversation core's message model: content parts, messages, tool definitions and tool
 * choice in the chat-completions shape, which every client API is translated into (Responses and
 * Anthropic Messages build these from their own bodies). Schemas check shapes only; the semantic
 * validators name the failing field.
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

export type ChatMessage = typeof ChatMessage.static;
export type ContentPart = typeof ContentPart.static;
export type ToolDefinition = typeof ToolDefinition.static;
export type ToolChoice = typeof ToolChoice.static;
export type HistoryToolCall = typeof HistoryToolCall.static;

/** The conversation fields every client API's request is translated into. */
export interface ConversationFields {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
}
