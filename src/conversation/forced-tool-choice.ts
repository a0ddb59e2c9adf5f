import type { ToolChoice } from './message-model';

/**
 * `tool_choice` "required" or a named function obliges the model to call a tool. Grok web cannot
 * be forced, so an answer without the call is retried once with a firmer instruction, before any
 * answer byte reached the client.
 */

/** The tool the model must call ("" for any), or null when calling is optional. */
export const forcedToolName = (toolChoice: ToolChoice | undefined): string | null => {
  if (toolChoice === 'required') return '';
  if (typeof toolChoice === 'object' && toolChoice.function?.name) return toolChoice.function.name;
  return null;
};

export const firmerInstruction = (forced: string): string =>
  [
    '# Reminder',
    forced
      ? `Your reply MUST consist of a <tool_call> block calling the tool "${forced}" with arguments that match its parameters (every required field present).`
      : 'Your reply MUST contain at least one <tool_call> block calling one of the available tools, with arguments that match its parameters (every required field present).',
    'A reply in plain text without a <tool_call> block is not accepted.',
  ].join('\n');

/** Does the answer satisfy the obligation? */
export const satisfiesForcedChoice = (forced: string, calledNames: string[]): boolean =>
  forced === '' ? calledNames.length > 0 : calledNames.includes(forced);
