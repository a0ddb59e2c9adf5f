import { invalidRequest } from '../../http/errors';
import type { ConversationFields, ToolDefinition } from '../message-model';

/**
 * Tool definition and tool_choice rules: the reference's (docs/python-compatibility.md
 * §1.2) plus the limits of the current upstream emulation (docs/upstream-protocol.md
 * §10.6): names the parser can match unambiguously, no duplicates, at most 128 tools.
 */

export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_TOOLS = 128;

const checkTool = (tool: ToolDefinition, index: number, seen: Set<string>): void => {
  const param = `tools.${index}`;
  if (tool.type !== 'function')
    throw invalidRequest("Each tool must have type='function'", `${param}.type`, 'invalid_tool_type');
  const name = tool.function?.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidRequest("Each tool function must have a 'name'", `${param}.function.name`, 'missing_function_name');
  }
  if (!TOOL_NAME_PATTERN.test(name)) {
    throw invalidRequest(
      `Tool name '${name}' is invalid: it must match ${TOOL_NAME_PATTERN.source}`,
      `${param}.function.name`,
      'invalid_function_name',
    );
  }
  if (seen.has(name))
    throw invalidRequest(`Duplicate tool name '${name}'`, `${param}.function.name`, 'duplicate_function_name');
  seen.add(name);
};

/** Returns the declared names so tool_choice can be checked against them. */
const checkTools = (tools: ToolDefinition[]): Set<string> => {
  if (tools.length > MAX_TOOLS) {
    throw invalidRequest(`At most ${MAX_TOOLS} tools are supported, got ${tools.length}`, 'tools', 'too_many_tools');
  }
  const names = new Set<string>();
  tools.forEach((tool, index) => checkTool(tool, index, names));
  return names;
};

const checkToolChoice = (toolChoice: NonNullable<ConversationFields['tool_choice']>, names: Set<string>): void => {
  if (typeof toolChoice === 'string') {
    if (!['auto', 'required', 'none'].includes(toolChoice)) {
      throw invalidRequest(
        "tool_choice must be 'auto', 'required', 'none', or a specific function object",
        'tool_choice',
        'invalid_tool_choice',
      );
    }
    if (toolChoice === 'required' && names.size === 0) {
      throw invalidRequest(
        "tool_choice 'required' needs at least one tool in 'tools'",
        'tool_choice',
        'invalid_tool_choice',
      );
    }
    return;
  }
  const name = toolChoice.function?.name;
  if (toolChoice.type !== 'function' || typeof name !== 'string' || name.trim() === '') {
    throw invalidRequest(
      "tool_choice object must have type='function' and function.name",
      'tool_choice',
      'invalid_tool_choice',
    );
  }
  if (!names.has(name)) {
    throw invalidRequest(
      `tool_choice names the function '${name}', which is not among the declared tools`,
      'tool_choice',
      'invalid_tool_choice',
    );
  }
};

export const validateTools = (request: Pick<ConversationFields, 'tools' | 'tool_choice'>): void => {
  const names = checkTools(request.tools ?? []);
  if (request.tool_choice !== undefined) checkToolChoice(request.tool_choice, names);
};
