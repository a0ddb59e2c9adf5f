import { Elysia } from 'elysia';
import { randomBytes } from 'node:crypto';
import { resolveModel } from '../../catalog/model-aliases';
import { buildConversationRequest } from '../../conversation/conversation-request';
import { ConversationRunner } from '../../conversation/conversation-runner';
import type { TurnDependencies } from '../../conversation/open-upstream-turn';
import type { AnswerPiece } from '../../conversation/answer-assembler';
import {
  asApiError,
  collectConversation,
  streamConversation,
  type StreamConversationOptions,
} from '../../conversation/stream-pipeline';
import { ApiError } from '../../http/errors';
import { modelNotFound } from '../models-routes';
import { ChunkBuilder } from './chunk-builder';
import { AnswerLimits } from './answer-limits';
import { completionBody, limitedAnswer } from './collect-response';
import { fromLegacyFunctions, usesLegacyFunctions } from './legacy-functions';
import { withoutUnservedFields } from './served-fields';
import { ChatCompletionRequestSchema } from './request-schema';
import { ChatStreamEncoder } from './stream-response';
import { validateChatRequest } from './validate';
import type { MediaServices } from '../../media/media-feature';
import { startMediaChatAnswer } from '../../media/media-chat';
import type { AnswerSource } from '../../conversation/answer-source';
import type { ReasoningOutput } from '../../conversation/reasoning-visibility';
import { Type } from '@sinclair/typebox';
import { routeGroup } from '../../http/route-groups';
import { AnyObject, CLIENT_ERRORS, eventStream, json, responses, shape } from '../../http/openapi-responses';

export interface ChatDependencies extends TurnDependencies {
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
  choices: Type.Array(
    shape({
      index: Type.Integer(),
      message: shape({ role: Type.String(), content: Type.Union([Type.String(), Type.Null()]) }),
      finish_reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  usage: AnyObject,
});

/** Chat completions: a thin adapter from OpenAI's chat body onto the conversation core. */
export function chatRoutes(deps: ChatDependencies) {
  const conversations = deps.conversations ?? new ConversationRunner(deps);

  const routes = new Elysia({ name: 'openai-chat' }).post(
    '/v1/chat/completions',
    async ({ body: rawBody, request }) => {
      const legacyFunctions = usesLegacyFunctions(rawBody);
      const body = withoutUnservedFields(fromLegacyFunctions(rawBody));
      validateChatRequest(body);
      const model = resolveModel(body.model, deps.config().models.aliases);
      if (!model) throw modelNotFound(body.model);
      const config = deps.config();
      const identity = { id: completionId(), created: Math.floor(Date.now() / 1000), model: body.model };
      let conversation: AnswerSource;
      let reasoning: ReasoningOutput;
      if (model.kind === 'chat') {
        const conversationRequest = buildConversationRequest(body, model, config);
        reasoning = conversationRequest.reasoning;
        conversation = await conversations.start(conversationRequest, request.signal, {
          affinityKey: request.headers.get('x-grok2api-session') ?? body.user ?? undefined,
          authorization: request.headers.get('authorization'),
          modelLabel: body.model,
        });
      } else if (deps.media) {
        // Media progress (video) is shown as reasoning while it streams.
        reasoning = 'reasoning_content';
        conversation = await startMediaChatAnswer(body, model, request, deps.media);
      } else {
        throw new ApiError({
          status: 400,
          message: `The model '${body.model}' generates media and is not served by /v1/chat/completions in this version.`,
          param: 'model',
          code: 'model_not_supported',
        });
      }

      const limits = new AnswerLimits(body.stop, body.max_completion_tokens ?? body.max_tokens);

      if (body.stream ?? config.app.stream) {
        return streamedCompletion(conversation, identity, reasoning, limits, {
          legacyFunctions,
          includeUsage: body.stream_options?.include_usage === true,
          keepaliveMs: config.chat.keepalive_interval * 1000,
          clientSignal: request.signal,
          logger: deps.logger,
        });
      }

      if (!limits.active) {
        await collectConversation(conversation);
        const usage = conversation.usage();
        return completionBody(identity, conversation.answer, reasoning, usage, { legacyFunctions });
      }
      const passed: AnswerPiece[] = [];
      try {
        for (let pieces = await conversation.next(); pieces !== null; pieces = await conversation.next()) {
          passed.push(...limits.push(pieces));
          if (limits.ended) {
            conversation.stopEarly();
            break;
          }
        }
      } catch (error) {
        conversation.cancel();
        throw asApiError(error);
      }
      passed.push(...limits.finish());
      const answer = limitedAnswer(conversation.answer, passed);
      const finishReason = limits.finishReason === 'length' ? 'length' : undefined;
      const shape = { legacyFunctions, finishReason };
      return completionBody(identity, answer, reasoning, conversation.usage(), shape);
    },
    {
      body: ChatCompletionRequestSchema,
      detail: {
        tags: ['openai'],
        summary: 'Create a chat completion (streaming or not)',
        responses: responses(
          { ...json(ChatCompletionAnswer), ...eventStream('stream: true — chat.completion.chunk events, then [DONE]') },
          { errors: CLIENT_ERRORS },
        ),
      },
    },
  );
  return routeGroup({ access: 'client' }, routes);
}

/**
 * The SSE response of a streamed completion. Made outside the route's handler: the closures the
 * stream keeps for its whole life then hold the conversation, not the handler's scope (the request
 * body, raw and normalised, and everything else the handler used).
 */
function streamedCompletion(
  conversation: AnswerSource,
  identity: { id: string; created: number; model: string },
  reasoning: ReasoningOutput,
  limits: AnswerLimits,
  options: Pick<StreamConversationOptions, 'keepaliveMs' | 'clientSignal' | 'logger'> & {
    legacyFunctions: boolean;
    includeUsage: boolean;
  },
): Response {
  const { legacyFunctions, includeUsage } = options;
  const modelHash = {
    get modelHash() {
      return conversation.answer.modelHash;
    },
  };
  const chunks = new ChunkBuilder(identity.id, identity.created, identity.model, reasoning, modelHash, legacyFunctions);
  return streamConversation({
    conversation,
    encoder: new ChatStreamEncoder(
      chunks,
      () => ({ usage: includeUsage ? conversation.usage() : null }),
      limits,
      legacyFunctions,
    ),
    keepaliveMs: options.keepaliveMs,
    clientSignal: options.clientSignal,
    logger: options.logger,
  });
}
