import type { CatalogModel } from '../catalog/models';
import type { Config } from '../config/schema';
import { activeTools, type FunctionTool } from './tools/active-tools';
import { flattenMessages, type Attachment } from './flatten';
import { reasoningOutputFor, type ReasoningOutput } from './reasoning-visibility';
import type { ChatMessage, ToolChoice, ToolDefinition } from './message-model';

/**
 * The one internal request every client API maps onto. Chat completions, Responses and Anthropic
 * Messages each translate their body into chat-style messages and function tools, and from there
 * on share flattening, tool emulation, the upstream turn and the answer pieces, so a fix in one
 * path fixes all three.
 */
export interface ConversationRequest {
  model: CatalogModel;
  /** The flattened upstream message, tool prompt included. */
  message: string;
  attachments: Attachment[];
  /** Function tools the model was told about; empty means tool calls are not parsed. */
  tools: FunctionTool[];
  toolChoice: ToolChoice | undefined;
  /** false: at most one call per answer. */
  parallelToolCalls: boolean;
  reasoning: ReasoningOutput;
  temperature?: number;
  topP?: number;
  reasoningEffort?: string;
  /** The request field attachments came from, for the 400 when one cannot be loaded. */
  attachmentParam?: string;
}

/** What an API adapter hands over after translating its own body. */
export interface ConversationInput {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  temperature?: number;
  top_p?: number;
  reasoning_effort?: string;
}

export function buildConversationRequest(
  input: ConversationInput,
  model: CatalogModel,
  config: Config,
  attachmentParam?: string,
): ConversationRequest {
  const { message, attachments } = flattenMessages(input, {
    form: config.upstream.request_form,
    budgetChars: config.chat.prompt_budget_chars,
    maxChars: config.chat.upstream_max_chars,
    param: attachmentParam ?? 'messages',
  });
  return {
    model,
    message,
    attachments,
    tools: activeTools(input),
    toolChoice: input.tool_choice,
    parallelToolCalls: input.parallel_tool_calls ?? true,
    reasoning: reasoningOutputFor(input.reasoning_effort, config),
    temperature: input.temperature,
    topP: input.top_p,
    reasoningEffort: input.reasoning_effort,
    attachmentParam,
  };
}

export const toolNamesOf = (request: ConversationRequest): string[] => request.tools.map((tool) => tool.function.name);
