import { Elysia } from 'elysia';
import { randomBytes } from 'node:crypto';
import { resolveModel } from '../../catalog/model-aliases';
import { buildConversationRequest } from '../../conversation/conversation-request';
import { ConversationRunner } from '../../conversation/conversation-runner';
import type { TurnDependencies } from '../../conversation/open-upstream-turn';
import { collectConversation, streamConversation } from '../../conversation/stream-pipeline';
import { ApiError } from '../errors';
import { modelNotFound } from '../models-routes';
import { ChunkBuilder } from './chunk-builder';
import { completionBody } from './collect-response';
import { ChatCompletionRequestSchema } from './request-schema';
import { ChatStreamEncoder } from './stream-response';
import { validateChatRequest } from './validate';
import type { MediaServices } from '../../media/media-feature';
import { startMediaChatAnswer } from '../../media/media-chat';
import type { AnswerSource } from '../../conversation/answer-source';
import type { ReasoningOutput } from './reasoning-visibility';

export interface ChatDependencies extends TurnDependencies {
  /** Throws an ApiError unless the request carries a valid API key. */
  guard: (request: Request) => void;
  /** Shared with the other client APIs so they share one concurrency cap; created when absent. */
  conversations?: ConversationRunner;
  /** Image and video models answered through chat (src/media); absent = they are refused. */
  media?: MediaServices;
}

const completionId = () => `chatcmpl-${randomBytes(12).toString('hex')}`;

/** Chat completions: a thin adapter from OpenAI's chat body onto the conversation core. */
export function chatRoutes(deps: ChatDependencies) {
  const conversations = deps.conversations ?? new ConversationRunner(deps);

  return new Elysia({ name: 'openai-chat' }).post(
    '/v1/chat/completions',
    async ({ body, request }) => {
      deps.guard(request);
      validateChatRequest(body);
      const model = resolveModel(body.model, deps.config().models.aliases);
      if (!model) throw modelNotFound(body.model);
      const config = deps.config();
      const identity = { id: completionId(), created: Math.floor(Date.now() / 1000), model: body.model };
      let answer: AnswerSource;
      let reasoning: ReasoningOutput;
      if (model.kind === 'chat') {
        const conversationRequest = buildConversationRequest(body, model, config);
        reasoning = conversationRequest.reasoning;
        answer = await conversations.start(conversationRequest, request.signal, {
          affinityKey: request.headers.get('x-grok2api-session') ?? body.user ?? undefined,
          authorization: request.headers.get('authorization'),
          modelLabel: body.model,
        });
      } else if (deps.media) {
        // Media progress (video) is shown as reasoning while it streams.
        reasoning = 'reasoning_content';
        answer = await startMediaChatAnswer(body, model, request, deps.media);
      } else {
        throw new ApiError({
          status: 400,
          message: `The model '${body.model}' generates media and is not served by /v1/chat/completions in this version.`,
          param: 'model',
          code: 'model_not_supported',
        });
      }

      if (body.stream ?? config.app.stream) {
        const chunks = new ChunkBuilder(identity.id, identity.created, identity.model, reasoning, {
          get modelHash() {
            return answer.answer.modelHash;
          },
        });
        return streamConversation({
          conversation: answer,
          encoder: new ChatStreamEncoder(chunks, () => ({
            hasToolCalls: answer.answer.toolCalls.length > 0,
            usage: body.stream_options?.include_usage === true ? answer.usage() : null,
          })),
          keepaliveMs: config.chat.keepalive_interval * 1000,
          clientSignal: request.signal,
          logger: deps.logger,
        });
      }

      await collectConversation(answer);
      return completionBody(identity, answer.answer, reasoning, answer.usage());
    },
    {
      body: ChatCompletionRequestSchema,
      detail: { tags: ['openai'], summary: 'Create a chat completion (streaming or not)' },
    },
  );
}
