import type { FunctionTool } from './active-tools';
import type { ToolChoice } from '../message-model';

/**
 * The instruction block that teaches the model our tool-call format (Variant A of
 * docs/upstream-protocol.md §10.6: a JSON object inside `<tool_call>` tags), written
 * for this project. Grok web has no function-calling API, so this text is the whole contract;
 * `tool-call-parser.ts` reads the format back.
 */

/** How the conversation is flattened (docs/upstream-protocol.md §10.1 legacy, §10.2 current). */
export type PromptForm = 'current' | 'legacy';

/**
 * The line a tool result is written as. One function for the flattening and the tool prompt, so
 * the prompt describes results in exactly the form they arrive in. The reference writes
 * `Tool result (<id>)` in the current form; the name stays because our call lines carry no id.
 */
export const toolResultLine = (form: PromptForm, name: string, callId: string, result: string): string =>
  form === 'current' ? `Tool result (${name}, ${callId}): ${result}` : `tool (${name}, ${callId}): ${result}`;

const EMPTY_PARAMETERS = { type: 'object', properties: {} };

const FORMAT_EXAMPLE = [
  '<tool_call>',
  '{"name": "function_name", "arguments": {"param": "value"}}',
  '</tool_call>',
].join('\n');

const describeTool = (tool: FunctionTool): string => {
  const lines = [`### ${tool.function.name}`];
  const description = tool.function.description?.trim();
  if (description) lines.push(description);
  lines.push(`Parameters: ${JSON.stringify(tool.function.parameters ?? EMPTY_PARAMETERS)}`);
  return lines.join('\n');
};

const parallelRule = (parallelToolCalls: boolean): string =>
  parallelToolCalls
    ? 'If several independent calls are needed, write one <tool_call> block per call, one after another, in the same reply.'
    : 'Call at most one tool per reply: write a single <tool_call> block.';

const choiceRule = (toolChoice: ToolChoice | undefined): string => {
  if (typeof toolChoice === 'object' && toolChoice.function?.name) {
    return `You MUST call the tool "${toolChoice.function.name}" in this reply.`;
  }
  if (toolChoice === 'required')
    return 'You MUST call at least one tool in this reply; a reply without a <tool_call> block is not acceptable.';
  return 'Decide whether a tool is needed. If it is, call it; if not, answer in plain text without any <tool_call> block.';
};

export const buildToolPrompt = (
  tools: FunctionTool[],
  toolChoice: ToolChoice | undefined,
  parallelToolCalls = true,
  form: PromptForm = 'current',
): string =>
  [
    '# Available Tools',
    'You can use the tools listed below. To call one, reply with a <tool_call> block holding a single JSON object: "name" is the tool name and "arguments" is an object matching the tool\'s parameters. Use exactly this format:',
    FORMAT_EXAMPLE,
    `Write plain JSON inside the block, without Markdown code fences or comments. Text before the block is allowed. After your tool calls, stop: the results will arrive in the next message, written as "${toolResultLine(form, '<name>', '<call id>', '<result>')}".`,
    parallelRule(parallelToolCalls),
    '## Tool Definitions',
    tools.map(describeTool).join('\n\n'),
    '## When to Call a Tool',
    choiceRule(toolChoice),
  ].join('\n\n');
