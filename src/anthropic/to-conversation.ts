import type { ConversationInput } from '../conversation/conversation-request';
import { ApiError, invalidRequest } from '../openai/errors';
import { classifyMediaValue } from '../openai/chat/media-value';
import type { ChatMessage, ContentPart, HistoryToolCall, ToolChoice, ToolDefinition } from '../openai/chat/request-schema';
import { validateTools } from '../openai/chat/validate-tools';
import type { AnthropicTool, ContentBlock, CountTokensRequest, MessagesRequest } from './request-schema';

/**
 * Translates an Anthropic Messages body into the conversation core's chat-style input: `system`
 * becomes a system message, `tool_use` blocks earlier assistant calls, `tool_result` blocks tool
 * messages (each must answer a `tool_use` seen before), images and documents attachments.
 * Thinking blocks sent back as history are dropped: Grok cannot take them back.
 */

/** Anthropic's server-side web search is served by Grok's own search, so it is accepted and not emulated. */
const SERVER_SEARCH = /^web_search_\d+$/;

type Source = NonNullable<ContentBlock['source']>;

const sourceValue = (source: Source | undefined, param: string): string => {
  if (source?.type === 'base64') {
    if (!source.media_type || !source.data) throw invalidRequest('base64 sources need media_type and data', `${param}.source`, 'invalid_media');
    return `data:${source.media_type};base64,${source.data}`;
  }
  if (source?.type === 'url') {
    if (!source.url || classifyMediaValue(source.url) !== 'url') throw invalidRequest('url sources need an http(s) url', `${param}.source.url`, 'invalid_media');
    return source.url;
  }
  throw invalidRequest("source.type must be 'base64' or 'url'", `${param}.source.type`, 'invalid_media');
};

const documentPart = (block: ContentBlock, param: string): ContentPart => {
  if (block.source?.type === 'text') return { type: 'text', text: block.source.data ?? '' };
  const file_data = sourceValue(block.source, param);
  return { type: 'file', file: block.title ? { file_data, filename: block.title } : { file_data } };
};

const toolResultText = (block: ContentBlock, param: string): { text: string; media: ContentPart[] } => {
  const content = block.content ?? '';
  if (typeof content === 'string') return { text: content, media: [] };
  const texts: string[] = [];
  const media: ContentPart[] = [];
  content.forEach((inner, index) => {
    if (inner.type === 'text') texts.push(inner.text ?? '');
    else if (inner.type === 'image') media.push({ type: 'image_url', image_url: { url: sourceValue(inner.source, `${param}.content.${index}`) } });
    else throw invalidRequest(`Invalid tool_result content type: '${inner.type}'`, `${param}.content.${index}.type`, 'invalid_type');
  });
  return { text: texts.join('\n'), media };
};

const userBlocks = (blocks: ContentBlock[], param: string, calls: Set<string>, messages: ChatMessage[]): void => {
  const parts: ContentPart[] = [];
  blocks.forEach((block, index) => {
    const at = `${param}.${index}`;
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') throw invalidRequest("text blocks need 'text'", `${at}.text`, 'missing_text');
        parts.push({ type: 'text', text: block.text });
        return;
      case 'image':
        parts.push({ type: 'image_url', image_url: { url: sourceValue(block.source, at) } });
        return;
      case 'document':
        parts.push(documentPart(block, at));
        return;
      case 'tool_result': {
        const id = block.tool_use_id ?? '';
        if (!calls.has(id)) {
          throw invalidRequest(`tool_result block(s) provided without a matching tool_use block: '${id}'`, `${at}.tool_use_id`, 'invalid_value');
        }
        const { text, media } = toolResultText(block, at);
        messages.push({ role: 'tool', tool_call_id: id, content: block.is_error ? `[error] ${text}` : text });
        parts.push(...media);
        return;
      }
      default:
        throw invalidRequest(`Invalid content block type for a user message: '${block.type}'`, `${at}.type`, 'invalid_type');
    }
  });
  if (parts.length > 0) messages.push({ role: 'user', content: parts });
};

const assistantBlocks = (blocks: ContentBlock[], param: string, calls: Set<string>, messages: ChatMessage[]): void => {
  const texts: string[] = [];
  const toolCalls: HistoryToolCall[] = [];
  blocks.forEach((block, index) => {
    const at = `${param}.${index}`;
    switch (block.type) {
      case 'text':
        texts.push(block.text ?? '');
        return;
      case 'tool_use': {
        if (!block.id || !block.name) throw invalidRequest("tool_use blocks need 'id' and 'name'", at, 'missing_field');
        calls.add(block.id);
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        return;
      }
      case 'thinking':
      case 'redacted_thinking':
        return;
      default:
        throw invalidRequest(`Invalid content block type for an assistant message: '${block.type}'`, `${at}.type`, 'invalid_type');
    }
  });
  const text = texts.join('\n').trim();
  if (text === '' && toolCalls.length === 0) return;
  messages.push(toolCalls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: toolCalls } : { role: 'assistant', content: text });
};

const systemText = (system: CountTokensRequest['system']): string | undefined => {
  if (system === undefined) return undefined;
  if (typeof system === 'string') return system;
  return system.map((block, index) => {
    if (block.type !== 'text') throw invalidRequest(`system blocks must be text, got '${block.type}'`, `system.${index}.type`, 'invalid_type');
    return block.text ?? '';
  }).join('\n');
};

export const messagesFromBody = (body: CountTokensRequest): ChatMessage[] => {
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system?.trim()) messages.push({ role: 'system', content: system });
  if (body.messages.length === 0) throw invalidRequest('messages: at least one message is required', 'messages', 'empty_messages');
  const calls = new Set<string>();
  body.messages.forEach((message, index) => {
    const param = `messages.${index}`;
    if (message.role !== 'user' && message.role !== 'assistant') throw invalidRequest("role must be 'user' or 'assistant'", `${param}.role`, 'invalid_role');
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      return;
    }
    if (message.role === 'user') userBlocks(message.content, `${param}.content`, calls, messages);
    else assistantBlocks(message.content, `${param}.content`, calls, messages);
  });
  return messages;
};

const toolDefinition = (tool: AnthropicTool, index: number): ToolDefinition | null => {
  if (tool.type && SERVER_SEARCH.test(tool.type)) return null;
  if (tool.type && tool.type !== 'custom') {
    throw invalidRequest(`Tool type '${tool.type}' is not supported; declare custom tools with input_schema`, `tools.${index}.type`, 'invalid_tool_type');
  }
  if (tool.input_schema !== undefined && tool.input_schema.type !== 'object') {
    throw invalidRequest("input_schema must be a JSON schema with type 'object'", `tools.${index}.input_schema.type`, 'invalid_schema');
  }
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.input_schema } };
};

const toolChoice = (choice: CountTokensRequest['tool_choice']): ToolChoice | undefined => {
  if (!choice) return undefined;
  if (choice.type === 'auto' || choice.type === 'none') return choice.type;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.name } };
  throw invalidRequest("tool_choice.type must be 'auto', 'any', 'tool' or 'none'", 'tool_choice.type', 'invalid_tool_choice');
};

/** The chat validators name `tools.N.function.name`; Anthropic tools are flat. */
const withFlatParams = (check: () => void): void => {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ApiError) || !error.param) throw error;
    throw invalidRequest(error.message, error.param.replace('.function.', '.'), error.code ?? undefined);
  }
};

const checkRange = (value: number | undefined, field: string, maximum: number): void => {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > maximum) throw invalidRequest(`${field} must be between 0 and ${maximum}`, field, `invalid_${field}`);
};

/** Whether the request asked for thinking blocks. */
export const wantsThinking = (body: CountTokensRequest): boolean => body.thinking !== undefined && body.thinking.type !== 'disabled';

export function conversationInput(body: MessagesRequest | CountTokensRequest): ConversationInput {
  const messages = messagesFromBody(body);
  const tools = (body.tools ?? []).map(toolDefinition).filter((tool) => tool !== null);
  const tool_choice = toolChoice(body.tool_choice);
  withFlatParams(() => validateTools({ tools, tool_choice }));
  if (body.thinking && !['enabled', 'disabled', 'adaptive'].includes(body.thinking.type)) {
    throw invalidRequest("thinking.type must be 'enabled', 'disabled' or 'adaptive'", 'thinking.type', 'invalid_value');
  }
  const full = body as Partial<MessagesRequest>;
  checkRange(full.temperature, 'temperature', 1);
  checkRange(full.top_p, 'top_p', 1);
  return {
    messages,
    tools,
    tool_choice,
    parallel_tool_calls: body.tool_choice?.disable_parallel_tool_use !== true,
    temperature: full.temperature,
    top_p: full.top_p,
  };
}
