import type { AssembledAnswer } from '../../conversation/answer-source';
import type { ReasoningOutput } from './reasoning-visibility';

export interface CompletionIdentity { id: string; created: number; model: string }

/** The `chat.completion` object for a collected answer. */
export function completionBody(identity: CompletionIdentity, assembler: AssembledAnswer, reasoning: ReasoningOutput, usage: object) {
  const hasToolCalls = assembler.toolCalls.length > 0;
  let content: string | null = assembler.content;
  if (reasoning === 'think_tags' && assembler.reasoning) content = `<think>\n${assembler.reasoning}\n</think>\n${content}`;
  if (hasToolCalls && !content) content = null;
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null, annotations: [] };
  if (reasoning === 'reasoning_content' && assembler.reasoning) message.reasoning_content = assembler.reasoning;
  if (hasToolCalls) {
    message.tool_calls = assembler.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    system_fingerprint: assembler.modelHash,
    choices: [{ index: 0, message, logprobs: null, finish_reason: hasToolCalls ? 'tool_calls' : 'stop' }],
    usage,
  };
}
