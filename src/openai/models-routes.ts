import { Elysia, t } from 'elysia';
import { findModel, listModelIds, SERVED_KINDS } from '../catalog/models';
import { ApiError } from './errors';

/** Unix seconds of the first release; OpenAI clients only display it. */
const CREATED = 1_767_225_600;

const ModelObject = t.Object({ id: t.String(), object: t.Literal('model'), created: t.Integer(), owned_by: t.String() });

const modelObject = (id: string) => ({ id, object: 'model' as const, created: CREATED, owned_by: 'grok2api' });

export const modelNotFound = (id: string, param: string | null = 'model') =>
  new ApiError({
    status: 404,
    message: `The model '${id}' does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param,
    code: 'model_not_found',
  });

export function modelsRoutes(guard: (request: Request) => void) {
  return new Elysia({ name: 'openai-models', prefix: '/v1/models' })
    .onBeforeHandle(({ request }) => guard(request))
    .get('/', () => ({ object: 'list' as const, data: listModelIds().map(({ id }) => modelObject(id)) }), {
      response: t.Object({ object: t.Literal('list'), data: t.Array(ModelObject) }),
      detail: { tags: ['openai'], summary: 'List models' },
    })
    .get(
      '/:id',
      ({ params }) => {
        const model = findModel(params.id);
        if (!model || !SERVED_KINDS.has(model.kind)) throw modelNotFound(params.id, null);
        return modelObject(params.id);
      },
      { params: t.Object({ id: t.String() }), response: ModelObject, detail: { tags: ['openai'], summary: 'Retrieve a model' } },
    );
}
