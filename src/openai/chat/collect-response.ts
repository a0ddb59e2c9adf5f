import type { AnswerPiece, AssembledToolCall } from '../../conversation/answer-assembler';
import type { AssembledAnswer } from '../../conversation/answer-source';
import type { ReasoningOutput } from '../../conversation/reasoning-visibility';

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

/** What a non-streamed completion is built from: the whole answer, or what the limits let through. */
export type CollectedAnswer = AssembledAnswer;

export interface CompletionShape {
  /** The request used `functions`: the (single) call is `message.function_call`. */
  legacyFunctions?: boolean;
  /** Set when a limit cut the answer (`length`) or a stop sequence ended it. */
  finishReason?: string;
}

/** The answer as the client may see it after stop sequences and the token budget (answer-limits.ts). */
export function limitedAnswer(assembler: CollectedAnswer, pieces: AnswerPiece[]): CollectedAnswer {
  const calls = new Map<number, AssembledToolCall>();
  let content = '';
  for (const piece of pieces) {
    if (piece.type === 'content') content += piece.text;
    else if (piece.type === 'tool_call_start') {
      calls.set(piece.index, { id: piece.id, name: piece.name, arguments: '' });
    } else if (piece.type === 'tool_call_arguments') calls.get(piece.index)!.arguments += piece.delta;
  }
  const toolCalls = [...calls.values()];
  return { content: content.trim(), reasoning: assembler.reasoning, toolCalls, modelHash: assembler.modelHash };
}

/** The `chat.completion` object for a collected answer. */
export function completionBody(
  identity: CompletionIdentity,
  answer: CollectedAnswer,
  reasoning: ReasoningOutput,
  usage: object,
  shape: CompletionShape = {},
) {
  const hasToolCalls = answer.toolCalls.length > 0;
  let content: string | null = answer.content;
  if (reasoning === 'think_tags' && answer.reasoning) content = `<think>\n${answer.reasoning}\n</think>\n${content}`;
  if (hasToolCalls && !content) content = null;
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null, annotations: [] };
  if (reasoning === 'reasoning_content' && answer.reasoning) message.reasoning_content = answer.reasoning;
  if (hasToolCalls && shape.legacyFunctions) {
    const [call] = answer.toolCalls;
    message.function_call = { name: call!.name, arguments: call!.arguments };
  } else if (hasToolCalls) {
    message.tool_calls = answer.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  const callsFinish = shape.legacyFunctions ? 'function_call' : 'tool_calls';
  const finishReason = shape.finishReason ?? (hasToolCalls ? callsFinish : 'stop');
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    system_fingerprint: answer.modelHash,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage,
  };
}
