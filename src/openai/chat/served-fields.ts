import { noteIgnored } from '../../logging/request-context';
import type { ChatCompletionRequest } from './request-schema';

/**
 * Chat fields and tool types that well-known clients send and Grok web cannot serve: dropped
 * rather than refused, and named in the `x-grok2api-ignored` header and the request log.
 * A tool without a `type` but with a `function` is a function tool.
 */
export function withoutUnservedFields(body: ChatCompletionRequest): ChatCompletionRequest {
  if ((body.n ?? 1) > 1) noteIgnored(`n=${body.n} answered with one choice`);
  if (body.logprobs) noteIgnored('logprobs not available');
  const format = body.response_format?.type;
  if (format && format !== 'text') noteIgnored(`response_format ${format} not enforced`);
  if (!body.tools?.length) return body;
  const tools = body.tools.flatMap((tool, index) => {
    if (tool.type === 'function' || (tool.type === undefined && tool.function)) return [{ ...tool, type: 'function' }];
    noteIgnored(`tools[${index}] ${tool.type ?? 'untyped'} dropped`);
    return [];
  });
  let toolChoice = body.tool_choice;
  if (typeof toolChoice === 'object' && toolChoice.type !== 'function') {
    noteIgnored(`tool_choice ${toolChoice.type ?? 'untyped'} treated as auto`);
    toolChoice = 'auto';
  }
  return { ...body, tools, tool_choice: toolChoice };
}
