import type { ConversationInput } from '../conversation/conversation-request';
import { noteIgnored } from '../logging/request-context';
import { ApiError, invalidRequest } from '../http/errors';
import type { ChatMessage, ContentPart, HistoryToolCall, ToolChoice } from '../conversation/message-model';
import { validateTools } from '../conversation/tools/validate-tools';
import { documentParts, imagePart, searchResultText, serverToolText, toolResultContent } from './history-blocks';
import type { ContentBlock, CountTokensRequest, MessagesRequest } from './request-schema';
import { applicableChoice, keptTools, noteMcpServers } from './tool-definitions';

/**
 * Translates an Anthropic Messages body into the conversation core's chat-style input: `system`
 * (and `role: "system"` items inside `messages`, which Claude Code sends for models it does not
 * know, kept at their position) become system messages, `tool_use` blocks earlier assistant calls,
 * `tool_result` blocks tool messages (each must answer a `tool_use` seen before), images and
 * documents attachments, search results and server-side tool blocks plain text.
 * Thinking blocks sent back as history are dropped, whatever their signature: Grok cannot take
 * them back. A block type we do not know is dropped and noted, not refused.
 */

type Block = ContentBlock & Record<string, unknown>;

const dropUnknown = (block: ContentBlock, at: string): void => {
  if (typeof block.type !== 'string' || block.type === '') {
    throw invalidRequest('content blocks need a type', `${at}.type`, 'invalid_type');
  }
  noteIgnored(`${at} ${block.type} dropped`);
};

const userBlocks = (blocks: ContentBlock[], param: string, calls: Set<string>, messages: ChatMessage[]): void => {
  const parts: ContentPart[] = [];
  blocks.forEach((block, index) => {
    const at = `${param}.${index}`;
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string')
          throw invalidRequest("text blocks need 'text'", `${at}.text`, 'missing_text');
        parts.push({ type: 'text', text: block.text });
        return;
      case 'image':
        parts.push(...imagePart(block as Block, at));
        return;
      case 'document':
        parts.push(...documentParts(block as Block, at));
        return;
      case 'search_result':
        parts.push({ type: 'text', text: searchResultText(block as Block, at) });
        return;
      case 'tool_result': {
        const id = block.tool_use_id ?? '';
        if (!calls.has(id)) {
          throw invalidRequest(
            `tool_result block(s) provided without a matching tool_use block: '${id}'`,
            `${at}.tool_use_id`,
            'invalid_value',
          );
        }
        const { text, media } = toolResultContent(block, at);
        messages.push({ role: 'tool', tool_call_id: id, content: block.is_error ? `[error] ${text}` : text });
        parts.push(...media);
        return;
      }
      case 'thinking':
      case 'redacted_thinking':
        return;
      default: {
        const server = serverToolText(block);
        if (server !== null) parts.push({ type: 'text', text: server });
        else dropUnknown(block, at);
      }
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
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        return;
      }
      case 'thinking':
      case 'redacted_thinking':
        return;
      default: {
        const server = serverToolText(block);
        if (server !== null) texts.push(server);
        else dropUnknown(block, at);
      }
    }
  });
  const text = texts.join('\n').trim();
  if (text === '' && toolCalls.length === 0) return;
  messages.push(
    toolCalls.length > 0
      ? { role: 'assistant', content: text || null, tool_calls: toolCalls }
      : { role: 'assistant', content: text },
  );
};

/** System text from `system` or a system message's content: text blocks only. */
const systemText = (system: string | ContentBlock[], param: string): string => {
  if (typeof system === 'string') return system;
  return system
    .map((block, index) => {
      if (block.type !== 'text') {
        const at = `${param}.${index}.type`;
        throw invalidRequest(`system blocks must be text, got '${block.type}'`, at, 'invalid_type');
      }
      return block.text ?? '';
    })
    .join('\n');
};

export const messagesFromBody = (body: CountTokensRequest): ChatMessage[] => {
  const messages: ChatMessage[] = [];
  const system = body.system === undefined ? undefined : systemText(body.system, 'system');
  if (system?.trim()) messages.push({ role: 'system', content: system });
  if (body.messages.length === 0)
    throw invalidRequest('messages: at least one message is required', 'messages', 'empty_messages');
  const calls = new Set<string>();
  body.messages.forEach((message, index) => {
    const param = `messages.${index}`;
    if (message.role === 'system') {
      const text = systemText(message.content, `${param}.content`);
      if (text.trim()) messages.push({ role: 'system', content: text });
      return;
    }
    if (message.role !== 'user' && message.role !== 'assistant') {
      throw invalidRequest("role must be 'user', 'assistant' or 'system'", `${param}.role`, 'invalid_role');
    }
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      return;
    }
    if (message.role === 'user') userBlocks(message.content, `${param}.content`, calls, messages);
    else assistantBlocks(message.content, `${param}.content`, calls, messages);
  });
  if (!messages.some((message) => message.role !== 'system')) {
    throw invalidRequest('messages: at least one user or assistant message is required', 'messages', 'empty_messages');
  }
  return messages;
};

const toolChoice = (choice: CountTokensRequest['tool_choice']): ToolChoice | undefined => {
  if (!choice) return undefined;
  if (choice.type === 'auto' || choice.type === 'none') return choice.type;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.name } };
  throw invalidRequest(
    "tool_choice.type must be 'auto', 'any', 'tool' or 'none'",
    'tool_choice.type',
    'invalid_tool_choice',
  );
};

/**
 * The chat validators name `tools.N.function.name` over the tools we kept; Anthropic tools are
 * flat, and N must count the request's own list (`positions`: kept index → request index).
 */
const withFlatParams = (check: () => void, positions: number[]): void => {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ApiError) || !error.param) throw error;
    const param = error.param
      .replace('.function.', '.')
      .replace(/^tools\.(\d+)/, (_, kept: string) => `tools.${positions[Number(kept)] ?? kept}`);
    throw invalidRequest(error.message, param, error.code ?? undefined);
  }
};

const checkRange = (value: number | undefined, field: string, maximum: number): void => {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > maximum)
    throw invalidRequest(`${field} must be between 0 and ${maximum}`, field, `invalid_${field}`);
};

/** Request fields that would change Anthropic's answer and that Grok web cannot honour. */
const noteUnservedFields = (body: CountTokensRequest): void => {
  if (body.context_management) noteIgnored('context_management ignored (no server-side context editing)');
  if (body.container) noteIgnored('container ignored (no code execution container)');
  const outputConfig = body.output_config as { format?: unknown } | undefined;
  if (body.output_format || outputConfig?.format) noteIgnored('output format ignored (no enforced structured output)');
};

/** Whether the request asked for thinking blocks. */
export const wantsThinking = (body: CountTokensRequest): boolean =>
  body.thinking !== undefined && body.thinking.type !== 'disabled' && body.thinking.display !== 'omitted';

export function conversationInput(body: MessagesRequest | CountTokensRequest): ConversationInput {
  const messages = messagesFromBody(body);
  const { tools, positions, served } = keptTools(body);
  noteMcpServers(body.mcp_servers);
  noteUnservedFields(body);
  const tool_choice = applicableChoice(toolChoice(body.tool_choice), tools, served);
  withFlatParams(() => validateTools({ tools, tool_choice }), positions);
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
