import type { ConversationInput } from '../../conversation/conversation-request';
import { ApiError, invalidRequest } from '../../http/errors';
import { classifyMediaValue } from '../../conversation/media-value';
import type { ChatMessage, ContentPart, HistoryToolCall, ToolChoice } from '../chat/request-schema';
import { REASONING_EFFORTS } from '../chat/validate';
import { validateTools } from '../../conversation/tools/validate-tools';
import { noteIgnored } from '../../logging/request-context';
import { LOCAL_SHELL_NAME, namespacedName, type OfferedTools } from './offered-tools';
import type { InputContentPart, InputItem, ResponsesRequest } from './request-schema';

/**
 * Translates a Responses body into the conversation core's chat-style input. Every item the
 * upstream can carry is mapped (messages, earlier calls of every client-run tool kind, their
 * outputs, references to stored items); reasoning, compaction and hosted-tool items are dropped
 * (Grok cannot take them back) and noted in the `x-grok2api-ignored` header. Malformed items
 * (no type, a call without its id, an output without its call) are a 400 naming the field.
 */

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
    if (typeof part.text !== 'string')
      throw invalidRequest("Text content parts must have a 'text' field", `${param}.text`, 'missing_text');
    return { type: 'text', text: part.text };
  }
  if (role !== 'user')
    throw invalidRequest(
      `The '${role}' role only supports text content, got '${type}'`,
      `${param}.type`,
      'invalid_type',
    );
  if (type === 'input_image') {
    const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
    if (part.file_id)
      throw invalidRequest(
        'input_image.file_id is not supported; send image_url (a URL or data URI)',
        `${param}.file_id`,
        'unsupported_file_id',
      );
    if (!url) throw invalidRequest("input_image must have an 'image_url'", `${param}.image_url`, 'missing_url');
    return { type: 'image_url', image_url: { url: checkMedia(url, `${param}.image_url`) } };
  }
  if (type === 'input_file') {
    if (part.file_id)
      throw invalidRequest(
        'input_file.file_id is not supported; send file_data or file_url',
        `${param}.file_id`,
        'unsupported_file_id',
      );
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
    throw invalidRequest(
      "role must be one of 'user', 'assistant', 'system', 'developer'",
      `${param}.role`,
      'invalid_role',
    );
  }
  if (typeof item.content === 'string') return { role, content: item.content };
  if (!Array.isArray(item.content))
    throw invalidRequest("Message items must have 'content'", `${param}.content`, 'missing_content');
  const parts = item.content
    .map((part, index) => contentPart(part, role, `${param}.content.${index}`))
    .filter((part) => part !== null);
  return { role, content: parts };
};

const outputText = (output: InputItem['output']): string => {
  if (typeof output === 'string') return output;
  if (Array.isArray(output))
    return output
      .map((part) => part.text ?? '')
      .filter(Boolean)
      .join('\n');
  if (output && typeof output.content === 'string') return output.content;
  return output ? JSON.stringify(output) : '';
};

/** Appends an earlier call to the assistant turn it belongs to (a run of calls is one turn). */
const addCall = (messages: ChatMessage[], call: HistoryToolCall): void => {
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
};

/** An earlier call as the model was offered it: the flat tool name and JSON arguments. */
const offeredCall = (item: InputItem, type: string): { name: string; arguments: string } => {
  if (type === 'local_shell_call') {
    const { type: _exec, ...action } = item.action ?? {};
    return { name: LOCAL_SHELL_NAME, arguments: JSON.stringify(action) };
  }
  const name = item.namespace ? namespacedName(item.namespace, item.name!) : item.name!;
  if (type === 'custom_tool_call') return { name, arguments: JSON.stringify({ input: item.input ?? '' }) };
  return { name, arguments: item.arguments ?? '{}' };
};

/** Stored items by id, for `item_reference` inputs (looked up by the route before translation). */
export type ReferencedItems = ReadonlyMap<string, InputItem>;

/** Content blocks sent as items of their own (see `bareBlock`). */
const BARE_BLOCKS = new Set([
  'input_text',
  'text',
  'output_text',
  'input_image',
  'image',
  'image_url',
  'input_file',
  'file',
]);

class InputTranslator {
  readonly messages: ChatMessage[] = [];
  /** The last message was built from bare blocks, so the next bare block joins it. */
  private lastWasBare = false;
  private readonly calls: Set<string>;

  constructor(
    known: ReadonlySet<string>,
    private readonly referenced: ReferencedItems,
  ) {
    this.calls = new Set(known);
  }

  item(item: InputItem, param: string, viaReference = false): void {
    const type = item.type ?? (item.role ? 'message' : '');
    const count = this.messages.length;
    this.translate(item, type, param, viaReference);
    if (this.messages.length !== count && !BARE_BLOCKS.has(type)) this.lastWasBare = false;
  }

  private translate(item: InputItem, type: string, param: string, viaReference: boolean): void {
    switch (type) {
      case 'message':
        this.messages.push(messageFromItem(item, param));
        return;
      case 'function_call':
      case 'custom_tool_call':
      case 'local_shell_call':
        this.call(item, type, param);
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
      case 'local_shell_call_output':
      // Aliases the Python grok2api accepted (docs/python-compatibility.md §1.3).
      case 'tool_output':
      case 'tool_call_output':
      case 'input_tool_output':
        this.output(item, param);
        return;
      case 'item_reference':
        if (viaReference) {
          const message = 'An item_reference cannot point at another item_reference';
          throw invalidRequest(message, `${param}.id`, 'invalid_value');
        }
        this.reference(item, param);
        return;
      case '': {
        const message = "Each input item needs a 'type' (or a 'role' for a message)";
        throw invalidRequest(message, `${param}.type`, 'missing_type');
      }
      case 'input_text':
      case 'text':
      case 'output_text':
      case 'input_image':
      case 'image':
      case 'image_url':
      case 'input_file':
      case 'file':
        // A bare content block, as the Python grok2api accepted: part of a user message.
        this.bareBlock(item, type, param);
        return;
      case 'reasoning':
        // Our own summaries, or another model's opaque reasoning: Grok cannot take either back.
        return;
      default:
        // Compaction, hosted-tool items and item types newer than this gateway cannot be replayed to Grok.
        noteIgnored(`${param.replace(/^input\.(\d+)/, 'input[$1]')} ${type} dropped`);
    }
  }

  private bareBlock(item: InputItem, type: string, param: string): void {
    const partType = type === 'image' || type === 'image_url' ? 'input_image' : type === 'file' ? 'input_file' : type;
    const part = contentPart({ ...item, type: partType } as InputContentPart, 'user', param);
    if (!part) return;
    const last = this.messages.at(-1);
    if (last?.role === 'user' && Array.isArray(last.content) && this.lastWasBare) last.content.push(part);
    else this.messages.push({ role: 'user', content: [part] });
    this.lastWasBare = true;
  }

  private call(item: InputItem, type: string, param: string): void {
    const callId = item.call_id ?? (type === 'local_shell_call' ? item.id : undefined);
    if (!callId) throw invalidRequest(`${type} items need 'call_id'`, `${param}.call_id`, 'missing_field');
    if (type !== 'local_shell_call' && !item.name) {
      throw invalidRequest(`${type} items need 'name'`, `${param}.name`, 'missing_field');
    }
    this.calls.add(callId);
    addCall(this.messages, { id: callId, type: 'function', function: offeredCall(item, type) });
  }

  private output(item: InputItem, param: string): void {
    if (!item.call_id) throw invalidRequest(`${item.type} items need 'call_id'`, `${param}.call_id`, 'missing_field');
    if (!this.calls.has(item.call_id)) {
      throw invalidRequest(
        `No tool call found for function call output with call_id ${item.call_id}.`,
        `${param}.call_id`,
        'invalid_value',
      );
    }
    this.messages.push({ role: 'tool', tool_call_id: item.call_id, content: outputText(item.output) });
  }

  private reference(item: InputItem, param: string): void {
    const id = item.id ?? '';
    const stored = this.referenced.get(id);
    if (stored) {
      this.item(stored, param, true);
      return;
    }
    // Our reasoning items are summaries Grok cannot take back; a reference to one is skipped.
    if (id.startsWith('rs_')) return;
    throw invalidRequest(`Item with id '${id}' not found.`, `${param}.id`, 'item_not_found');
  }
}

/** Items → chat messages. `known` holds call ids of earlier turns (previous_response_id). */
export const messagesFromInput = (
  input: ResponsesRequest['input'],
  known: ReadonlySet<string>,
  referenced: ReferencedItems = new Map(),
): ChatMessage[] => {
  if (input === undefined)
    throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const translator = new InputTranslator(known, referenced);
  input.forEach((item, index) => translator.item(item, `input.${index}`));
  return translator.messages;
};

const toolChoice = (choice: ResponsesRequest['tool_choice'], offered: OfferedTools): ToolChoice | undefined => {
  if (choice === undefined || typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'function', function: { name: choice.name ?? choice.function?.name } };
  if (choice.type === 'custom' && choice.name) return { type: 'function', function: { name: choice.name } };
  // local_shell and the hosted tools offered as functions are offered under their type's name.
  if (offered.origins.has(choice.type)) return { type: 'function', function: { name: choice.type } };
  // Hosted-tool choices (web_search, file_search, …) and allowed_tools: let the model decide.
  noteIgnored(`tool_choice ${choice.type} treated as auto`);
  return 'auto';
};

/**
 * The chat validators name `tools.N.function.name` by offered index; point the error at the
 * Responses field that declared the tool instead (flat, or inside a namespace).
 */
const withRequestParams = (params: string[], check: () => void): void => {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ApiError) || !error.param) throw error;
    const declaredBy = (_: string, index: string) => `${params[Number(index)] ?? `tools.${index}`}.`;
    const param = error.param.replace(/^tools\.(\d+)\.function\./, declaredBy);
    throw invalidRequest(error.message, param, error.code ?? undefined);
  }
};

const checkRange = (value: number | null | undefined, field: string, maximum: number): void => {
  if (value === null || value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > maximum)
    throw invalidRequest(`${field} must be between 0 and ${maximum}`, field, `invalid_${field}`);
};

export function conversationInput(
  body: ResponsesRequest,
  history: ChatMessage[],
  offered: OfferedTools,
  referenced: ReferencedItems = new Map(),
): ConversationInput {
  const known = new Set(history.flatMap((message) => (message.tool_calls ?? []).map((call) => call.id ?? '')));
  const messages = [...history, ...messagesFromInput(body.input, known, referenced)];
  if (body.instructions) messages.unshift({ role: 'system', content: body.instructions });
  const tools = offered.definitions;
  const tool_choice = toolChoice(body.tool_choice, offered);
  withRequestParams(offered.params, () => validateTools({ tools, tool_choice }));
  const effort = body.reasoning?.effort ?? undefined;
  if (effort !== undefined && !(REASONING_EFFORTS as readonly string[]).includes(effort)) {
    throw invalidRequest(
      `reasoning.effort must be one of ${REASONING_EFFORTS.join(', ')}`,
      'reasoning.effort',
      'invalid_reasoning_effort',
    );
  }
  checkRange(body.temperature, 'temperature', 2);
  checkRange(body.top_p, 'top_p', 1);
  const format = (body.text?.format as { type?: string } | undefined)?.type;
  if (format && format !== 'text') noteIgnored(`text.format ${format} not enforced`);
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
