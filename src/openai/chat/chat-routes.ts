import { Elysia } from 'elysia';
import { randomBytes } from 'node:crypto';
import { findModel } from '../../catalog/models';
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
import { mediaChatCompletion } from '../../media/media-chat';
import { Type } from '@sinclair/typebox';
import { AnyObject, CLIENT_ERRORS, eventStream, json, responses, shape } from '../../http/openapi-responses';

export interface ChatDependencies extends TurnDependencies {
  /** Throws an ApiError unless the request carries a valid API key. */
  guard: (request: Request) => void;
  /** Shared with the other client APIs so they share one concurrency cap; created when absent. */
  conversations?: ConversationRunner;
  /** Image and video models answered through chat (src/media); absent = they are refused. */
  media?: MediaServices;
}

const completionId = () => `chatcmpl-${randomBytes(12).toString('hex')}`;

export const ChatCompletionAnswer = shape({
  id: Type.String(),
  object: Type.Literal('chat.completion'),
  created: Type.Integer(),
  model: Type.String(),
  choices: Type.Array(shape({ index: Type.Integer(), message: shape({ role: Type.String(), content: Type.Union([Type.String(), Type.Null()]) }), finish_reason: Type.Union([Type.String(), Type.Null()]) })),
  usage: AnyObject,
});

/** Chat completions: a thin adapter from OpenAI's chat body onto the conversation core. */
export function chatRoutes(deps: ChatDependencies) {
  const conversations = deps.conversations ?? new ConversationRunner(deps);

  return new Elysia({ name: 'openai-chat' }).post(
    '/v1/chat/completions',
    async ({ body, request }) => {
      const startedAt = Date.now();
      deps.guard(request);
      validateChatRequest(body);
      const model = findModel(body.model);
      if (!model) throw modelNotFound(body.model);
      if (deps.media && model.kind !== 'chat') return mediaChatCompletion(body, model, request, deps.media);
      if (model.kind !== 'chat') {
        throw new ApiError({
          status: 400,
          message: `The model '${body.model}' generates media and is not served by /v1/chat/completions in this version.`,
          param: 'model',
          code: 'model_not_supported',
        });
      }
      const config = deps.config();
      const conversationRequest = buildConversationRequest(body, model, config);
      const identity = { id: completionId(), created: Math.floor(Date.now() / 1000), model: body.model };
      const conversation = await conversations.start(conversationRequest, request.signal, {
        affinityKey: request.headers.get('x-grok2api-session') ?? body.user ?? undefined,
        authorization: request.headers.get('authorization'),
        modelLabel: body.model,
      });

      if (body.stream ?? config.app.stream) {
        const chunks = new ChunkBuilder(identity.id, identity.created, identity.model, conversationRequest.reasoning, {
          get modelHash() {
            return conversation.answer.modelHash;
          },
        });
        return streamConversation({
          conversation,
          encoder: new ChatStreamEncoder(chunks, () => ({
            hasToolCalls: conversation.answer.toolCalls.length > 0,
            usage: body.stream_options?.include_usage === true ? conversation.usage() : null,
          })),
          keepaliveMs: config.chat.keepalive_interval * 1000,
          clientSignal: request.signal,
          logger: deps.logger,
        });
      }

      await collectConversation(conversation);
      return completionBody(identity, conversation.answer, conversationRequest.reasoning, conversation.usage());
    },
    {
      body: ChatCompletionRequestSchema,
      detail: {
        tags: ['openai'],
        summary: 'Create a chat completion (streaming or not)',
        responses: responses({ ...json(ChatCompletionAnswer), ...eventStream('stream: true — chat.completion.chunk events, then [DONE]') }, { errors: CLIENT_ERRORS }),
      },
    },
  );
}
