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
  output: nullable(
    Type.Union([Type.String(), Type.Array(InputContentPart), Type.Record(Type.String(), Type.Unknown())]),
  ),
  /** A bare content block sent as an item (`input_text`, `input_image`, …), as the Python grok2api accepted. */
  text: Type.Optional(Type.String()),
  image_url: nullable(Type.Union([Type.String(), Type.Object({ url: Type.Optional(Type.String()) })])),
  file_id: nullable(Type.String()),
  file_data: nullable(Type.String()),
  file_url: nullable(Type.String()),
  filename: nullable(Type.String()),
  /** function_call of a tool inside a `namespace` tool */
  namespace: nullable(Type.String()),
  /** custom_tool_call */
  input: nullable(Type.String()),
  /** local_shell_call */
  action: nullable(Type.Record(Type.String(), Type.Unknown())),
  /** reasoning items sent back by clients; ignored */
  summary: nullable(Type.Array(Type.Unknown())),
  encrypted_content: nullable(Type.String()),
});

const FunctionFields = {
  name: Type.Optional(Type.String()),
  description: nullable(Type.String()),
  parameters: nullable(Type.Record(Type.String(), Type.Unknown())),
  strict: nullable(Type.Boolean()),
};

/** A tool inside a `namespace` tool (function or custom). */
export const NamespaceMember = Type.Object({
  type: Type.Optional(Type.String()),
  ...FunctionFields,
  format: nullable(Type.Record(Type.String(), Type.Unknown())),
});

/**
 * One entry of `tools`. Every tool family's fields are optional on one object so an unknown type
 * reaches `offered-tools.ts`, which emulates, maps or drops it (and says so in a header).
 */
export const ResponsesTool = Type.Object({
  type: Type.String(),
  ...FunctionFields,
  /** The chat-completions shape `{"type":"function","function":{...}}`, accepted as well. */
  function: nullable(Type.Object(FunctionFields)),
  /** custom tools: the input's grammar or `{"type":"text"}` */
  format: nullable(Type.Record(Type.String(), Type.Unknown())),
  /** namespace tools */
  tools: nullable(Type.Array(NamespaceMember)),
  server_label: nullable(Type.String()),
});

export const ResponsesToolChoice = Type.Union([
  Type.String(),
  Type.Object({
    type: Type.String(),
    name: Type.Optional(Type.String()),
    function: nullable(Type.Object({ name: Type.Optional(Type.String()) })),
  }),
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
export type NamespaceMember = typeof NamespaceMember.static;
