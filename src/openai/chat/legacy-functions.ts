import { noteIgnored } from '../../logging/request-context';
import type { ChatCompletionRequest, ChatMessage, HistoryToolCall, ToolChoice } from './request-schema';

/**
 * OpenAI's older function-calling shape: `functions` and `function_call` in the request,
 * `function_call` on assistant turns, `role: "function"` results. Translated to tools here so
 * the rest of the pipeline knows one shape; a request that used it is answered in it too
 * (`message.function_call`, finish_reason `function_call`), one call per answer.
 */

export const usesLegacyFunctions = (body: ChatCompletionRequest): boolean =>
  (body.functions?.length ?? 0) > 0 && (body.tools?.length ?? 0) === 0;

const legacyChoice = (choice: ChatCompletionRequest['function_call']): ToolChoice | undefined => {
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
};

/** Assistant `function_call`s become tool calls with made-up ids; each `function` result answers the latest one. */
const legacyMessages = (messages: ChatMessage[]): ChatMessage[] => {
  let pending: HistoryToolCall | null = null;
  let count = 0;
  return messages.map((message) => {
    if (message.role === 'assistant' && message.function_call && !message.tool_calls?.length) {
      const { function_call, ...rest } = message;
      pending = { id: `call_function_${++count}`, type: 'function', function: function_call };
      return { ...rest, tool_calls: [pending] };
    }
    if (message.role === 'function') {
      const { name, ...rest } = message;
      const id = pending && (!name || pending.function.name === name) ? pending.id : `call_function_${++count}`;
      pending = null;
      return { ...rest, role: 'tool', tool_call_id: id };
    }
    return message;
  });
};

/** The request in today's shape (unchanged when it does not use the legacy fields). */
export function fromLegacyFunctions(body: ChatCompletionRequest): ChatCompletionRequest {
  if (body.functions?.length && body.tools?.length) noteIgnored('functions dropped: tools given');
  const hasLegacyHistory = body.messages.some((message) => message.role === 'function' || message.function_call);
  if (!usesLegacyFunctions(body) && !hasLegacyHistory) return body;
  const translated: ChatCompletionRequest = { ...body, messages: legacyMessages(body.messages) };
  if (usesLegacyFunctions(body)) {
    translated.tools = body.functions!.map((definition) => ({ type: 'function', function: definition }));
    translated.tool_choice = legacyChoice(body.function_call) ?? body.tool_choice;
    translated.parallel_tool_calls = false;
  }
  return translated;
}
