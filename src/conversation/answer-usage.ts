import type { AnswerAssembler } from './answer-assembler';
import { estimateUsage, type ChatUsage } from './usage-estimate';

/** Usage of one answer: what was sent upstream against what came back (shown or not). */
export function answerUsage(prompt: string, answer: AnswerAssembler): ChatUsage {
  return estimateUsage({
    prompt,
    content: answer.content,
    reasoning: answer.reasoning,
    toolCalls: answer.toolCalls.map((call) => ({
      id: call.id,
      type: 'function' as const,
      function: { name: call.name, arguments: call.arguments },
    })),
  });
}
