import type { ConversationInput } from '../../conversation/conversation-request';
import { ApiError, invalidRequest } from '../errors';
import { classifyMediaValue } from '../chat/media-value';
import type { ChatMessage, ContentPart, HistoryToolCall, ToolChoice, ToolDefinition } from '../chat/request-schema';
import { REASONING_EFFORTS } from '../chat/validate';
import { validateTools } from '../chat/validate-tools';
import type { InputContentPart, InputItem, ResponsesRequest, ResponsesTool } from './request-schema';

/**
 * Translates a Responses body into the conversation core's chat-style input. Every item the
 * upstream can carry is mapped (messages, earlier `function_call`s, their outputs); reasoning
 * items are dropped (Grok cannot take them back); anything else is a 400 naming the item.
 */

/** Built-in search tools are served by Grok's own web search, so they are accepted and not emulated. */
const BUILT_IN_SEARCH = new Set(['web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11']);
const MESSAGE_ROLES = new Set(['user', 'system', 'developer', 'assistant']);
const TEXT_PARTS = new Set(['input_text', 'output_text', 'text', 'refusal']);

const checkMedia = (value: string, param: string): string => {
  const kind = classifyMediaValue(value);
  if (kind === 'url' || kind === 'data_uri') return value.trim();
  throw invalidRequest('Expected an http(s) URL or a base64 data URI (data:<mime>;base64,...)', param, 'invalid_media');
};

const contentPart = (part: InputContentPart, role: string, param: string): ContentPart | null => {
  const type = part.type ?? '';
  if (TEXT_PARTS.has(type)) {
    if (typeof part.text !== 'string') throw invalidRequest("Text content parts must have a 'text' field", `${param}.text`, 'missing_text');
    return { type: 'text', text: part.text };
  }
  if (role !== 'user') throw invalidRequest(`The '${role}' role only supports text content, got '${type}'`, `${param}.type`, 'invalid_type');
  if (type === 'input_image') {
    const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
    if (part.file_id) throw invalidRequest('input_image.file_id is not supported; send image_url (a URL or data URI)', `${param}.file_id`, 'unsupported_file_id');
    if (!url) throw invalidRequest("input_image must have an 'image_url'", `${param}.image_url`, 'missing_url');
    return { type: 'image_url', image_url: { url: checkMedia(url, `${param}.image_url`) } };
  }
  if (type === 'input_file') {
    if (part.file_id) throw invalidRequest('input_file.file_id is not supported; send file_data or file_url', `${param}.file_id`, 'unsupported_file_id');
    const source = part.file_data ?? part.file_url;
    if (!source) throw invalidRequest("input_file must have 'file_data' or 'file_url'", param, 'missing_file');
    const file_data = checkMedia(source, `${param}.${part.file_data ? 'file_data' : 'file_url'}`);
    return { type: 'file', file: part.filename ? { file_data, filename: part.filename } : { file_data } };
  }
  throw invalidRequest(`Invalid content part type: '${type}'`, `${param}.type`, 'invalid_type');
};

const messageFromItem = (item: InputItem, param: string): ChatMessage => {
  const role = item.role ?? '';
  if (!MESSAGE_ROLES.has(role)) {
    throw invalidRequest("role must be one of 'user', 'assistant', 'system', 'developer'", `${param}.role`, 'invalid_role');
  }
  if (typeof item.content === 'string') return { role, content: item.content };
  if (!Array.isArray(item.content)) throw invalidRequest("Message items must have 'content'", `${param}.content`, 'missing_content');
  const parts = item.content.map((part, index) => contentPart(part, role, `${param}.content.${index}`)).filter((part) => part !== null);
  return { role, content: parts };
};

const outputText = (output: InputItem['output']): string =>
  typeof output === 'string' ? output : (output ?? []).map((part) => part.text ?? '').filter(Boolean).join('\n');

/** Appends an earlier call to the assistant turn it belongs to (a run of calls is one turn). */
const addCall = (messages: ChatMessage[], call: HistoryToolCall): void => {
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
};

/** Items → chat messages. `known` holds call ids of earlier turns (previous_response_id). */
export const messagesFromInput = (input: ResponsesRequest['input'], known: ReadonlySet<string>): ChatMessage[] => {
  if (input === undefined) throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  const calls = new Set(known);
  input.forEach((item, index) => {
    const param = `input.${index}`;
    const type = item.type ?? (item.role ? 'message' : '');
    switch (type) {
      case 'message':
        messages.push(messageFromItem(item, param));
        return;
      case 'function_call': {
        if (!item.call_id || !item.name) throw invalidRequest("function_call items need 'call_id' and 'name'", param, 'missing_field');
        calls.add(item.call_id);
        addCall(messages, { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments ?? '{}' } });
        return;
      }
      case 'function_call_output': {
        if (!item.call_id) throw invalidRequest("function_call_output items need 'call_id'", `${param}.call_id`, 'missing_field');
        if (!calls.has(item.call_id)) {
          throw invalidRequest(`No tool call found for function call output with call_id ${item.call_id}.`, `${param}.call_id`, 'invalid_value');
        }
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: outputText(item.output) });
        return;
      }
      case 'reasoning':
        return;
      default:
        throw invalidRequest(`Invalid input item type: '${type}'`, `${param}.type`, 'invalid_type');
    }
  });
  return messages;
};

const toolDefinition = (tool: ResponsesTool, index: number): ToolDefinition | null => {
  if (BUILT_IN_SEARCH.has(tool.type)) return null;
  if (tool.type !== 'function') {
    throw invalidRequest(`Tool type '${tool.type}' is not supported; use function tools or web_search`, `tools.${index}.type`, 'invalid_tool_type');
  }
  if (tool.parameters && tool.parameters.type !== undefined && tool.parameters.type !== 'object') {
    throw invalidRequest("parameters must be a JSON schema with type 'object'", `tools.${index}.parameters.type`, 'invalid_schema');
  }
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
};

const toolChoice = (choice: ResponsesRequest['tool_choice']): ToolChoice | undefined => {
  if (choice === undefined || typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'function', function: { name: choice.name } };
  if (BUILT_IN_SEARCH.has(choice.type)) return 'auto';
  throw invalidRequest(`tool_choice type '${choice.type}' is not supported`, 'tool_choice.type', 'invalid_tool_choice');
};

/** The chat validators name `tools.N.function.name`; Responses tools are flat. */
const withFlatParams = (check: () => void): void => {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ApiError) || !error.param) throw error;
    throw invalidRequest(error.message, error.param.replace('.function.', '.'), error.code ?? undefined);
  }
};

const checkRange = (value: number | null | undefined, field: string, maximum: number): void => {
  if (value === null || value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > maximum) throw invalidRequest(`${field} must be between 0 and ${maximum}`, field, `invalid_${field}`);
};

export function conversationInput(body: ResponsesRequest, history: ChatMessage[]): ConversationInput {
  const known = new Set(history.flatMap((message) => (message.tool_calls ?? []).map((call) => call.id ?? '')));
  const messages = [...history, ...messagesFromInput(body.input, known)];
  if (body.instructions) messages.unshift({ role: 'system', content: body.instructions });
  const tools = (body.tools ?? []).map(toolDefinition).filter((tool) => tool !== null);
  const tool_choice = toolChoice(body.tool_choice);
  withFlatParams(() => validateTools({ tools, tool_choice }));
  const effort = body.reasoning?.effort ?? undefined;
  if (effort !== undefined && !(REASONING_EFFORTS as readonly string[]).includes(effort)) {
    throw invalidRequest(`reasoning.effort must be one of ${REASONING_EFFORTS.join(', ')}`, 'reasoning.effort', 'invalid_reasoning_effort');
  }
  checkRange(body.temperature, 'temperature', 2);
  checkRange(body.top_p, 'top_p', 1);
  if (!messages.some((message) => message.role !== 'system' && message.role !== 'developer')) {
    throw invalidRequest('input must contain at least one message or function call output', 'input', 'empty_input');
  }
  return {
    messages,
    tools,
    tool_choice,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    temperature: body.temperature ?? undefined,
    top_p: body.top_p ?? undefined,
    reasoning_effort: effort,
  };
}
