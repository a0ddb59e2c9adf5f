import { Elysia, t } from 'elysia';
import { randomBytes } from 'node:crypto';
import { resolveModel } from '../../catalog/model-aliases';
import { buildConversationRequest } from '../../conversation/conversation-request';
import type { ConversationRunner } from '../../conversation/conversation-runner';
import { asApiError, streamConversation } from '../../conversation/stream-pipeline';
import type { RecordStore } from '../../storage/types';
import { ApiError, invalidRequest } from '../../http/errors';
import { modelNotFound } from '../models-routes';
import type { ChatMessage } from '../chat/request-schema';
import { inputItemsOf, inputItemsPage } from './input-items';
import { offeredTools } from './offered-tools';
import { ResponsesRequestSchema, type InputItem, type ResponsesRequest } from './request-schema';
import { responseObject, type ResponseIdentity, type ResponseState } from './response-object';
import { ResponseOutput } from './response-output';
import { assistantTurn, ResponseStore } from './response-store';
import { ResponsesStreamEncoder } from './stream-encoder';
import { conversationInput, type ReferencedItems } from './to-conversation';
import { Type } from '@sinclair/typebox';
import { CLIENT_ERRORS, eventStream, json, responses, shape } from '../../http/openapi-responses';
import { routeGroup } from '../../http/route-groups';

const ResponseAnswer = shape({
  id: Type.String(),
  object: Type.Literal('response'),
  status: Type.String(),
  output: Type.Array(Type.Object({}, { additionalProperties: true })),
});

export interface ResponsesDependencies {
  conversations: ConversationRunner;
  records: RecordStore;
}

const responseId = () => `resp_${randomBytes(24).toString('hex')}`;
const seconds = () => Math.floor(Date.now() / 1000);

const notFound = (id: string) =>
  new ApiError({
    status: 404,
    message: `Response with id '${id}' not found.`,
    param: 'response_id',
    code: 'response_not_found',
  });

async function history(store: ResponseStore, body: ResponsesRequest): Promise<ChatMessage[]> {
  if (!body.previous_response_id) return [];
  const stored = await store.get(body.previous_response_id);
  if (!stored)
    throw invalidRequest(
      `Previous response with id '${body.previous_response_id}' not found.`,
      'previous_response_id',
      'previous_response_not_found',
    );
  return stored.conversation;
}

/** The stored items that `item_reference` inputs point at, fetched before the body is translated. */
async function referencedItems(store: ResponseStore, body: ResponsesRequest): Promise<ReferencedItems> {
  const input = Array.isArray(body.input) ? body.input : [];
  const ids = input.flatMap((item) => (item.type === 'item_reference' && item.id ? [item.id] : []));
  const found = await Promise.all([...new Set(ids)].map(async (id) => [id, await store.item(id)] as const));
  return new Map(found.flatMap(([id, item]) => (item ? [[id, item as InputItem]] : [])));
}

/** `POST /v1/responses` and the stored-response routes, a thin adapter onto the conversation core. */
export function responsesRoutes(deps: ResponsesDependencies) {
  const store = new ResponseStore(deps.records);
  const config = () => deps.conversations.deps.config();

  return routeGroup(
    { access: 'client' },
    new Elysia({ name: 'openai-responses' })
      .post(
        '/v1/responses',
        async ({ body, request }) => {
          if (body.model.trim() === '')
            throw invalidRequest('model is required', 'model', 'missing_required_parameter');
          const model = resolveModel(body.model, config().models.aliases);
          if (!model) throw modelNotFound(body.model);
          if (model.kind !== 'chat')
            throw invalidRequest(
              `The model '${body.model}' is not a chat model and is not served by /v1/responses.`,
              'model',
              'model_not_supported',
            );
          const earlier = await history(store, body);
          const referenced = await referencedItems(store, body);
          const offered = offeredTools(body.tools);
          const input = conversationInput(body, earlier, offered, referenced);
          const conversationRequest = buildConversationRequest(input, model, config(), 'input');
          const identity: ResponseIdentity = { id: responseId(), createdAt: seconds(), model: body.model };
          const output = new ResponseOutput(conversationRequest.reasoning !== 'hidden', offered.origins);
          const listed = inputItemsOf(body.input, referenced);
          const snapshot = (state: ResponseState) => responseObject(identity, body, state);
          const conversation = await deps.conversations.start(conversationRequest, request.signal, {
            affinityKey: request.headers.get('x-grok2api-session') ?? body.user ?? undefined,
            authorization: request.headers.get('authorization'),
            modelLabel: body.model,
          });

          const turnMessages = input.messages.filter(
            (message, index) => !(index === 0 && body.instructions && message.role === 'system'),
          );
          const save = async (response: ReturnType<typeof snapshot>) => {
            if (body.store === false) return;
            await store.save({ response, conversation: [...turnMessages, assistantTurn(output.items)], ...listed });
          };

          if (body.stream) {
            let completed: ReturnType<typeof snapshot> | null = null;
            const encoder = new ResponsesStreamEncoder(
              output,
              (state) => (state.status === 'completed' ? (completed = snapshot(state)) : snapshot(state)),
              () => conversation.usage(),
              seconds,
            );
            return streamConversation({
              conversation,
              encoder,
              keepaliveMs: config().chat.keepalive_interval * 1000,
              clientSignal: request.signal,
              logger: deps.conversations.deps.logger,
              onCompleted: () => (completed ? save(completed) : undefined),
            });
          }

          try {
            for (let pieces = await conversation.next(); pieces !== null; pieces = await conversation.next())
              output.add(pieces);
          } catch (error) {
            conversation.cancel();
            throw asApiError(error);
          }
          output.finish();
          const response = snapshot({
            status: 'completed',
            output: output.items,
            usage: conversation.usage(),
            error: null,
            completedAt: seconds(),
          });
          await save(response);
          return response;
        },
        {
          body: ResponsesRequestSchema,
          detail: {
            tags: ['openai'],
            summary: 'Create a model response (streaming or not)',
            responses: responses(
              { ...json(ResponseAnswer), ...eventStream('stream: true — response.* events') },
              { errors: CLIENT_ERRORS },
            ),
          },
        },
      )
      .get(
        '/v1/responses/:id',
        async ({ params }) => {
          const stored = await store.get(params.id);
          if (!stored) throw notFound(params.id);
          return stored.response;
        },
        {
          params: t.Object({ id: t.String() }),
          detail: {
            tags: ['openai'],
            summary: 'Retrieve a stored response',
            responses: responses(json(ResponseAnswer), { errors: [401, 404, 429] }),
          },
        },
      )
      .get(
        '/v1/responses/:id/input_items',
        async ({ params, query }) => {
          const stored = await store.get(params.id);
          if (!stored) throw notFound(params.id);
          return inputItemsPage(stored.inputItems ?? [], query);
        },
        {
          params: t.Object({ id: t.String() }),
          query: t.Object({
            limit: t.Optional(t.String()),
            order: t.Optional(t.String()),
            after: t.Optional(t.String()),
            before: t.Optional(t.String()),
          }),
          detail: {
            tags: ['openai'],
            summary: 'List the input items of a stored response',
            responses: responses(
              json(
                shape({
                  object: Type.Literal('list'),
                  data: Type.Array(Type.Object({}, { additionalProperties: true })),
                }),
              ),
              {
                errors: [400, 401, 404, 429],
              },
            ),
          },
        },
      )
      .delete(
        '/v1/responses/:id',
        async ({ params }) => {
          if (!(await store.delete(params.id))) throw notFound(params.id);
          return { id: params.id, object: 'response', deleted: true };
        },
        {
          params: t.Object({ id: t.String() }),
          detail: {
            tags: ['openai'],
            summary: 'Delete a stored response',
            responses: responses(
              json(shape({ id: Type.String(), object: Type.Literal('response'), deleted: Type.Boolean() })),
              { errors: [401, 404, 429] },
            ),
          },
        },
      ),
  );
}
