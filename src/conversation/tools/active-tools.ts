import type { ConversationFields, ToolDefinition } from '../message-model';

/**
 * Tool calling is emulated only when function tools are declared and `tool_choice` is not
 * `none` (docs/upstream-protocol.md §10.6). One predicate decides the prompt block,
 * the history format and output parsing, so the three never disagree.
 */

type ToolFields = Pick<ConversationFields, 'tools' | 'tool_choice'>;

export type FunctionTool = ToolDefinition & { function: NonNullable<ToolDefinition['function']> & { name: string } };

const isFunctionTool = (tool: ToolDefinition): tool is FunctionTool =>
  tool.type === 'function' && typeof tool.function?.name === 'string' && tool.function.name !== '';

/** The function tools the model is told about, or none when tool calling is off. */
export const activeTools = (request: ToolFields): FunctionTool[] =>
  request.tool_choice === 'none' ? [] : (request.tools ?? []).filter(isFunctionTool);

/** Names the output parser accepts; empty means "do not parse tool calls". */
export const activeToolNames = (request: ToolFields): string[] =>
  activeTools(request).map((tool) => tool.function.name);
