import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The body of `POST /v1/messages` (and `count_tokens`). Block and tool shapes are typed loosely;
 * `to-conversation.ts` checks them and names the failing field (`messages.1.content.0.type`).
 */

const nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** Image/document sources; a `search_result` block's `source` is its URL string instead. */
export const BlockSource = Type.Object({
  type: Type.Optional(Type.String()),
  media_type: Type.Optional(Type.String()),
  data: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  file_id: Type.Optional(Type.String()),
  /** `content` document sources: their blocks. */
  content: Type.Optional(Type.Unknown()),
});

export const ContentBlock = Type.Object({
  type: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  source: Type.Optional(Type.Union([BlockSource, Type.String()])),
  title: nullable(Type.String()),
  /** tool_use, server_tool_use */
  id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  input: Type.Optional(Type.Unknown()),
  /** tool_result and the server tool results; inner blocks are checked by `history-blocks.ts`. */
  tool_use_id: Type.Optional(Type.String()),
  content: Type.Optional(Type.Unknown()),
  is_error: nullable(Type.Boolean()),
  /** thinking blocks sent back as history; dropped */
  thinking: Type.Optional(Type.String()),
  signature: nullable(Type.String()),
  data: Type.Optional(Type.String()),
  cache_control: nullable(Type.Unknown()),
});

export const AnthropicMessage = Type.Object({
  role: Type.String(),
  content: Type.Union([Type.String(), Type.Array(ContentBlock)]),
});

export const AnthropicTool = Type.Object({
  type: nullable(Type.String()),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  input_schema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  cache_control: nullable(Type.Unknown()),
  /** Offered only once a `tool_reference` in the history loads it (Anthropic's tool search). */
  defer_loading: nullable(Type.Boolean()),
});

export const AnthropicToolChoice = Type.Object({
  type: Type.String(),
  name: Type.Optional(Type.String()),
  disable_parallel_tool_use: Type.Optional(Type.Boolean()),
});

const CountTokensFields = {
  model: Type.String(),
  messages: Type.Array(AnthropicMessage),
  system: Type.Optional(Type.Union([Type.String(), Type.Array(ContentBlock)])),
  tools: Type.Optional(Type.Array(AnthropicTool)),
  tool_choice: Type.Optional(AnthropicToolChoice),
  thinking: Type.Optional(
    Type.Object({
      type: Type.String(),
      budget_tokens: Type.Optional(Type.Integer()),
      /** `omitted`: think, but send no thinking text back. */
      display: nullable(Type.String()),
    }),
  ),
  /** Anthropic's MCP connector: dropped and noted. */
  mcp_servers: Type.Optional(Type.Unknown()),
  /** Newer request fields Grok web cannot honour: accepted, noted when they would change the answer. */
  context_management: Type.Optional(Type.Unknown()),
  container: Type.Optional(Type.Unknown()),
  output_format: Type.Optional(Type.Unknown()),
  output_config: Type.Optional(Type.Unknown()),
};

export const CountTokensRequestSchema = Type.Object(CountTokensFields);

export const MessagesRequestSchema = Type.Object({
  ...CountTokensFields,
  /** Required by Anthropic's API; advisory here (Grok web has no output limit to set). */
  max_tokens: Type.Integer({ minimum: 1 }),
  stop_sequences: Type.Optional(Type.Array(Type.String())),
  stream: Type.Optional(Type.Boolean()),
  temperature: Type.Optional(Type.Number()),
  top_p: Type.Optional(Type.Number()),
  top_k: Type.Optional(Type.Integer()),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  service_tier: Type.Optional(Type.String()),
  /** Message threads: see message-threads.ts. */
  thread: nullable(Type.Object({ type: Type.String(), previous_message_id: Type.Optional(Type.String()) })),
});

export type MessagesRequest = typeof MessagesRequestSchema.static;
export type CountTokensRequest = typeof CountTokensRequestSchema.static;
export type ContentBlock = typeof ContentBlock.static;
export type AnthropicTool = typeof AnthropicTool.static;
export type AnthropicMessage = typeof AnthropicMessage.static;
