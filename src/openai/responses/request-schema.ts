import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The body of `POST /v1/responses`. Like chat completions, values with a dedicated error (item
 * and part types, roles, tool shapes, tool_choice) are typed loosely and checked by
 * `to-conversation.ts`, which names the failing field (`input.3.type`).
 */

const nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

export const InputContentPart = Type.Object({
  type: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  image_url: nullable(Type.Union([Type.String(), Type.Object({ url: Type.Optional(Type.String()) })])),
  file_id: nullable(Type.String()),
  file_data: nullable(Type.String()),
  file_url: nullable(Type.String()),
  filename: nullable(Type.String()),
  detail: nullable(Type.String()),
});

export const InputItem = Type.Object({
  type: Type.Optional(Type.String()),
  id: nullable(Type.String()),
  role: Type.Optional(Type.String()),
  content: nullable(Type.Union([Type.String(), Type.Array(InputContentPart)])),
  status: nullable(Type.String()),
  /** function_call and function_call_output */
  call_id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  arguments: Type.Optional(Type.String()),
  output: Type.Optional(Type.Union([Type.String(), Type.Array(InputContentPart)])),
  /** reasoning items sent back by clients; ignored */
  summary: nullable(Type.Array(Type.Unknown())),
  encrypted_content: nullable(Type.String()),
});

export const ResponsesTool = Type.Object({
  type: Type.String(),
  name: Type.Optional(Type.String()),
  description: nullable(Type.String()),
  parameters: nullable(Type.Record(Type.String(), Type.Unknown())),
  strict: nullable(Type.Boolean()),
});

export const ResponsesToolChoice = Type.Union([
  Type.String(),
  Type.Object({ type: Type.String(), name: Type.Optional(Type.String()) }),
]);

export const ResponsesRequestSchema = Type.Object({
  model: Type.String(),
  input: Type.Optional(Type.Union([Type.String(), Type.Array(InputItem)])),
  instructions: nullable(Type.String()),
  tools: Type.Optional(Type.Array(ResponsesTool)),
  tool_choice: Type.Optional(ResponsesToolChoice),
  parallel_tool_calls: nullable(Type.Boolean()),
  reasoning: nullable(Type.Object({ effort: nullable(Type.String()), summary: nullable(Type.String()) })),
  stream: nullable(Type.Boolean()),
  temperature: nullable(Type.Number()),
  top_p: nullable(Type.Number()),
  store: nullable(Type.Boolean()),
  previous_response_id: nullable(Type.String()),
  metadata: nullable(Type.Record(Type.String(), Type.String())),

  // Accepted and echoed; Grok web has no way to honour them (max_output_tokens is advisory).
  max_output_tokens: nullable(Type.Integer()),
  user: nullable(Type.String()),
  truncation: nullable(Type.String()),
  text: nullable(Type.Record(Type.String(), Type.Unknown())),
  include: nullable(Type.Array(Type.String())),
  service_tier: nullable(Type.String()),
  stream_options: nullable(Type.Record(Type.String(), Type.Unknown())),
  prompt_cache_key: nullable(Type.String()),
  safety_identifier: nullable(Type.String()),
});

export type ResponsesRequest = typeof ResponsesRequestSchema.static;
export type InputItem = typeof InputItem.static;
export type InputContentPart = typeof InputContentPart.static;
export type ResponsesTool = typeof ResponsesTool.static;
