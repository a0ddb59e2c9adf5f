import type { Config } from '../config/schema';

export type ReasoningOutput = 'reasoning_content' | 'think_tags' | 'hidden';

/**
 * How this request's reasoning reaches the client: `reasoning_effort: "none"` hides it; an omitted
 * effort follows app.thinking; otherwise chat.reasoning_output decides the form.
 */
export function reasoningOutputFor(reasoningEffort: string | undefined, config: Config): ReasoningOutput {
  if (reasoningEffort === 'none') return 'hidden';
  if (reasoningEffort === undefined && !config.app.thinking) return 'hidden';
  return config.chat.reasoning_output;
}
