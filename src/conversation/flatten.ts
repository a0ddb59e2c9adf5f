import { activeTools } from './tools/active-tools';
import { readContent, type Attachment } from './content-parts';
import type { ConversationFields, ChatMessage, HistoryToolCall } from './message-model';
import { fitTurns, type BudgetedTurn } from './prompt-budget';
import { buildToolPrompt, toolResultLine, type PromptForm } from './tools/tool-prompt';
import { invalidRequest } from '../http/errors';

export type { Attachment } from './content-parts';

/**
 * Grok web takes one user message per turn, so the OpenAI conversation is flattened into one text.
 * Two forms, chosen by `upstream.request_form`:
 * - current (docs/upstream-protocol.md §10.2): every message becomes a block `[<label>]\n<text>`,
 *   blocks are joined by a blank line, the last user message is not special, a tool result reads
 *   `Tool result (<name>, <tool_call_id>): <text>`, and the tool prompt is a leading `[system]` block;
 * - legacy P1 (§10.1): every message becomes `<label>: <text>`, the last user message is bare,
 *   and messages are joined by a blank line.
 *
 * Labels:
 * - `developer` is labelled `system`: OpenAI introduced it as the new name of the system role,
 *   and Grok reads "system:" as an instruction where "developer:" would be an unknown speaker.
 * - `tool` results are labelled `tool (<name>, <tool_call_id>)` (legacy) or `Tool result (…)`
 *   (current; tools/tool-prompt.ts `toolResultLine`), the name taken from the message or, as
 *   OpenAI clients usually omit it, from the assistant call with that id ("unknown" if neither
 *   has one). The label is kept even when the result is the last user turn, otherwise a
 *   bare result would read as the user speaking.
 *
 * When tool calling is on (active-tools.ts), earlier assistant calls are written in the exact
 * `<tool_call>` format the model is asked to produce, and tool results count as user turns, so
 * the latest result is the "current input". When it is off, calls are written as neutral
 * `[tool_call] <name> <arguments>` lines so the model is not taught tags nobody will parse.
 */

export interface FlattenedPrompt {
  message: string;
  /** Media of every message, in conversation order. */
  attachments: Attachment[];
}

type FlattenInput = Pick<ConversationFields, 'messages' | 'tools' | 'tool_choice' | 'parallel_tool_calls'>;

interface Turn {
  /** The turn as written when it is not the last user turn. */
  labelled: string;
  /** The turn as written when it is the last user turn. */
  bare: string;
  countsAsUser: boolean;
  /** System instructions survive the prompt budget. */
  isSystem: boolean;
}

export type { PromptForm } from './tools/tool-prompt';

/** Bounds of the flattened message (config `chat.prompt_budget_chars`, `chat.upstream_max_chars`). */
export interface FlattenLimits {
  /** Default current. */
  form?: PromptForm;
  budgetChars: number;
  maxChars: number;
  /** The request field named in the 400 (`messages`, `input`). */
  param: string;
}

export const ATTACHMENTS_ONLY_TEXT = 'Refer to the following content:';

/** Arguments as the client sent them when they are JSON, so the model sees valid examples. */
const argumentsJson = (value: HistoryToolCall['function']['arguments']): string => {
  if (value === null || value === undefined) return '{}';
  if (typeof value !== 'string') return JSON.stringify(value);
  const trimmed = value.trim();
  if (trimmed === '') return '{}';
  try {
    JSON.parse(trimmed);
    return trimmed;
  } catch {
    return JSON.stringify(value);
  }
};

const callLine = (call: HistoryToolCall, toolsOn: boolean): string => {
  const args = argumentsJson(call.function.arguments);
  return toolsOn
    ? `<tool_call>{"name":${JSON.stringify(call.function.name)},"arguments":${args}}</tool_call>`
    : `[tool_call] ${call.function.name} ${args}`;
};

const toolNamesById = (messages: ChatMessage[]): Map<string, string> => {
  const names = new Map<string, string>();
  for (const call of messages.flatMap((message) => message.tool_calls ?? [])) {
    if (call.id) names.set(call.id, call.function.name);
  }
  return names;
};

const toTurn = (
  message: ChatMessage,
  texts: string[],
  toolsOn: boolean,
  namesById: Map<string, string>,
  form: PromptForm,
): Turn | undefined => {
  const text = texts.join('\n');
  if (message.role === 'tool') {
    const id = message.tool_call_id ?? '';
    const name = message.name?.trim() || namesById.get(id) || 'unknown';
    const line = toolResultLine(form, name, id, text);
    const result = (form === 'current' ? `[tool]\n${line}` : line).trimEnd();
    return { labelled: result, bare: result, countsAsUser: toolsOn, isSystem: false };
  }
  const calls = message.role === 'assistant' ? (message.tool_calls ?? []) : [];
  const body = [text, ...calls.map((call) => callLine(call, toolsOn))].filter((line) => line !== '').join('\n');
  if (body === '') return undefined;
  const label = message.role === 'developer' ? 'system' : message.role;
  const isSystem = label === 'system';
  if (form === 'current') {
    const block = `[${label}]\n${body}`;
    return { labelled: block, bare: block, countsAsUser: message.role === 'user', isSystem };
  }
  return { labelled: `${label}: ${body}`, bare: body, countsAsUser: message.role === 'user', isSystem };
};

export const flattenMessages = (request: FlattenInput, limits?: FlattenLimits): FlattenedPrompt => {
  const form = limits?.form ?? 'current';
  const tools = activeTools(request);
  const toolsOn = tools.length > 0;
  const namesById = toolNamesById(request.messages);
  const attachments: Attachment[] = [];
  const turns: Turn[] = [];
  for (const message of request.messages) {
    const content = readContent(message.content);
    attachments.push(...content.attachments);
    const turn = toTurn(message, content.texts, toolsOn, namesById, form);
    if (turn) turns.push(turn);
  }

  const lastUser = turns.findLastIndex((turn) => turn.countsAsUser);
  const instructions = toolsOn
    ? buildToolPrompt(tools, request.tool_choice, request.parallel_tool_calls ?? true, form)
    : '';
  const toolPrompt = instructions && form === 'current' ? `[system]\n${instructions}` : instructions;
  // The latest input and what follows it are the question being asked: never dropped.
  const protectedFrom = lastUser === -1 ? turns.length - 1 : lastUser;
  const budgeted = turns.map((turn, index) => ({
    text: index === lastUser ? turn.bare : turn.labelled,
    droppable: !turn.isSystem && index < protectedFrom,
  }));
  let conversation = fitTurns(budgeted, toolPrompt.length, limits?.budgetChars ?? 0).join('\n\n');
  if (conversation === '' && attachments.length > 0) conversation = ATTACHMENTS_ONLY_TEXT;

  const message = [toolPrompt, conversation].filter((part) => part !== '').join('\n\n');
  if (limits && limits.maxChars > 0 && message.length > limits.maxChars)
    throw overLimit(message.length, budgeted, limits);
  return { message, attachments };
};

const overLimit = (length: number, turns: BudgetedTurn[], limits: FlattenLimits) => {
  const largest = Math.max(0, ...turns.filter((turn) => !turn.droppable).map((turn) => turn.text.length));
  return invalidRequest(
    `The conversation is ${length} characters once flattened, over the upstream limit of ${limits.maxChars} (chat.upstream_max_chars); ` +
      `its system instructions and latest input alone cannot be shortened (the largest is ${largest} characters). Send a shorter input.`,
    limits.param,
    'context_length_exceeded',
  );
};
