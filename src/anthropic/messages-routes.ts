import { Elysia } from 'elysia';
import { resolveModel } from '../catalog/model-aliases';
import { buildConversationRequest, type ConversationRequest } from '../conversation/conversation-request';
import type { ConversationRunner } from '../conversation/conversation-runner';
import { asApiError, streamConversation } from '../conversation/stream-pipeline';
import { estimateUsage } from '../conversation/usage-estimate';
import { ApiError, invalidRequest } from '../http/errors';
import { routeGroup } from '../http/route-groups';
import { anthropicErrorResponse } from './errors';
import { MessageAnswer, messageId, messageObject } from './message-answer';
import { MessageThreads } from './message-threads';
import type { RecordStore } from '../storage/types';
import { CountTokensRequestSchema, MessagesRequestSchema, type CountTokensRequest } from './request-schema';
import { MessagesStreamEncoder } from './stream-encoder';
import { conversationInput, wantsThinking } from './to-conversation';
import { Type } from '@sinclair/typebox';
import {
  AnthropicErrorEnvelope,
  AnyObject,
  CLIENT_ERRORS,
  eventStream,
  json,
  responses,
  shape,
} from '../http/openapi-responses';

const MessageObject = shape({
  id: Type.String(),
  type: Type.Literal('message'),
  role: Type.Literal('assistant'),
  content: Type.Array(AnyObject),
  stop_reason: Type.Union([Type.String(), Type.Null()]),
  usage: AnyObject,
});

export interface MessagesDependencies {
  conversations: ConversationRunner;
  /** Where message threads are kept. */
  records: RecordStore;
}

/**
 * Anthropic's Messages API, a thin adapter onto the conversation core. The route group takes the
 * client API's keys (Anthropic clients send `x-api-key`) and answers errors in Anthropic's shape.
 */
export function messagesRoutes(deps: MessagesDependencies) {
  const config = () => deps.conversations.deps.config();
  const threads = new MessageThreads(deps.records);

  const prepare = (body: CountTokensRequest): ConversationRequest => {
    if (body.model.trim() === '') throw invalidRequest('model is required', 'model', 'missing_required_parameter');
    const model = resolveModel(body.model, config().models.aliases);
    if (!model)
      throw new ApiError({
        status: 404,
        message: `model: ${body.model} was not found`,
        param: 'model',
        code: 'model_not_found',
      });
    if (model.kind !== 'chat')
      throw invalidRequest(`The model '${body.model}' is not a chat model.`, 'model', 'model_not_supported');
    const request = buildConversationRequest(conversationInput(body), model, config(), 'messages');
    return { ...request, reasoning: wantsThinking(body) ? 'reasoning_content' : 'hidden' };
  };

  const routes = new Elysia({ name: 'anthropic-messages' })
    .post(
      '/v1/messages',
      async ({ body: sent, request }) => {
        const { body, threaded } = await threads.open(sent);
        const conversationRequest = prepare(body);
        const id = messageId();
        const answer = new MessageAnswer(conversationRequest.reasoning !== 'hidden', body.stop_sequences ?? []);
        const apiKey = request.headers.get('x-api-key');
        const conversation = await deps.conversations.start(conversationRequest, request.signal, {
          affinityKey: request.headers.get('x-grok2api-session') ?? anthropicUserId(body.metadata),
          authorization: apiKey ? `Bearer ${apiKey}` : request.headers.get('authorization'),
          modelLabel: body.model,
        });

        if (body.stream) {
          const promptUsage = estimateUsage({ prompt: conversationRequest.message, content: '' });
          return streamConversation({
            conversation,
            encoder: new MessagesStreamEncoder(id, body.model, answer, () => conversation.usage(), promptUsage),
            keepaliveMs: config().chat.keepalive_interval * 1000,
            clientSignal: request.signal,
            logger: deps.conversations.deps.logger,
            onCompleted: () => (threaded ? threads.save(id, body, answer.output.blocks) : undefined),
          });
        }

        try {
          for (let pieces = await conversation.next(); pieces !== null; pieces = await conversation.next()) {
            answer.add(pieces);
            if (answer.stopped) {
              conversation.stopEarly();
              break;
            }
          }
        } catch (error) {
          conversation.cancel();
          throw asApiError(error);
        }
        answer.finish();
        if (threaded) await threads.save(id, body, answer.output.blocks);
        return messageObject(id, body.model, answer, conversation.usage());
      },
      {
        body: MessagesRequestSchema,
        detail: {
          tags: ['anthropic'],
          summary: 'Create a message (Anthropic Messages API)',
          responses: responses(
            { ...json(MessageObject), ...eventStream('stream: true — message_start … message_stop events') },
            { errors: CLIENT_ERRORS, errorShape: AnthropicErrorEnvelope },
          ),
        },
      },
    )
    .post(
      '/v1/messages/count_tokens',
      ({ body }) => {
        const conversationRequest = prepare(body);
        return { input_tokens: estimateUsage({ prompt: conversationRequest.message, content: '' }).prompt_tokens };
      },
      {
        body: CountTokensRequestSchema,
        detail: {
          tags: ['anthropic'],
          summary: 'Estimate the input tokens of a message request',
          responses: responses(json(Type.Object({ input_tokens: Type.Integer() })), {
            errors: [400, 401, 413, 429],
            errorShape: AnthropicErrorEnvelope,
          }),
        },
      },
    );
  return routeGroup({ access: 'client', errorShape: anthropicErrorResponse }, routes);
}

/** Anthropic's `metadata.user_id` names the end user: a natural key for account affinity. */
function anthropicUserId(metadata: unknown): string | undefined {
  const userId = (metadata as { user_id?: unknown } | undefined)?.user_id;
  return typeof userId === 'string' && userId !== '' ? userId : undefined;
}
