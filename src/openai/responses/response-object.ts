import type { ChatUsage } from '../../conversation/usage-estimate';
import type { OutputItem } from './response-output';
import type { ResponsesRequest } from './request-schema';

/** The `response` object, as returned, streamed in lifecycle events and stored. */

export interface ResponseIdentity {
  id: string;
  createdAt: number;
  model: string;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'failed';

export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  usage: ChatUsage | null;
  error: { code: string; message: string } | null;
  completedAt?: number;
}

export const responseUsage = (usage: ChatUsage) => ({
  input_tokens: usage.prompt_tokens,
  input_tokens_details: { cached_tokens: usage.prompt_tokens_details.cached_tokens },
  output_tokens: usage.completion_tokens,
  output_tokens_details: { reasoning_tokens: usage.completion_tokens_details.reasoning_tokens },
  total_tokens: usage.total_tokens,
});

/** Function tools echoed in the flat Responses shape, other tools as sent. */
const echoTools = (tools: ResponsesRequest['tools']) =>
  (tools ?? []).map((tool) => {
    if (tool.type !== 'function') return { ...tool };
    const fields = tool.function ?? tool;
    return {
      type: 'function',
      name: fields.name,
      description: fields.description ?? null,
      parameters: fields.parameters ?? null,
      strict: fields.strict ?? null,
    };
  });

export function responseObject(identity: ResponseIdentity, body: ResponsesRequest, state: ResponseState) {
  const outputText = state.output
    .flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : []))
    .join('');
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdAt,
    completed_at: state.completedAt ?? null,
    status: state.status,
    error: state.error,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: identity.model,
    output: structuredClone(state.output),
    output_text: outputText,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: echoTools(body.tools),
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: state.usage ? responseUsage(state.usage) : null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

export type ResponseObject = ReturnType<typeof responseObject>;
