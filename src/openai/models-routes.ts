import { Elysia, t } from 'elysia';
import { resolveModel } from '../catalog/model-aliases';
import { modelEntries } from '../catalog/model-listing';
import { SERVED_KINDS, type CatalogModel } from '../catalog/models';
import { ApiError } from '../http/errors';
import { routeGroup } from '../http/route-groups';

/** Unix seconds of the first release; clients only display it. */
const CREATED = 1_767_225_600;
const CREATED_AT = new Date(CREATED * 1000).toISOString();

/**
 * One object that reads right to both OpenAI clients (`object`, `created`, `owned_by`) and
 * Anthropic clients (`type`, `display_name`, `created_at`), so `client.models.list()` works in
 * either SDK without guessing who asks.
 */
const ModelObject = t.Object({
  id: t.String(),
  object: t.Literal('model'),
  created: t.Integer(),
  owned_by: t.String(),
  type: t.Literal('model'),
  display_name: t.String(),
  created_at: t.String(),
  /** Aliases only: the model the id stands for. */
  alias_for: t.Optional(t.String()),
});

const modelObject = (id: string, aliasFor?: string) => ({
  id,
  object: 'model' as const,
  created: CREATED,
  owned_by: 'grok2api',
  type: 'model' as const,
  display_name: aliasFor === undefined ? id : `${id} (${aliasFor})`,
  created_at: CREATED_AT,
  ...(aliasFor === undefined ? {} : { alias_for: aliasFor }),
});

export const modelNotFound = (id: string, param: string | null = 'model') =>
  new ApiError({
    status: 404,
    message: `The model '${id}' does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param,
    code: 'model_not_found',
  });

export interface ModelsDependencies {
  /** config `models.aliases`. */
  aliases: () => readonly string[];
  /** Which models some enabled account can serve now (AccountPool.servingCheck). */
  servingCheck: () => (model: CatalogModel) => boolean;
}

/**
 * `GET /v1/models` lists what this gateway can serve now: the models some enabled account can
 * serve, and the aliases pointing at them (`alias_for`). `GET /v1/admin/models` lists everything.
 */
export function modelsRoutes(deps: ModelsDependencies) {
  return routeGroup(
    { access: 'client' },
    new Elysia({ name: 'openai-models', prefix: '/v1/models' })
      .get(
        '/',
        () => {
          const canServe = deps.servingCheck();
          const data = modelEntries(deps.aliases())
            .filter((entry) => canServe(entry.model))
            .map((entry) => modelObject(entry.id, entry.aliasFor));
          // `has_more`, `first_id`, `last_id`: Anthropic's page fields (one page holds everything).
          const page = { has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
          return { object: 'list' as const, data, ...page };
        },
        {
          response: t.Object({
            object: t.Literal('list'),
            data: t.Array(ModelObject),
            has_more: t.Boolean(),
            first_id: t.Union([t.String(), t.Null()]),
            last_id: t.Union([t.String(), t.Null()]),
          }),
          detail: { tags: ['openai'], summary: 'List the models some enabled account can serve, and their aliases' },
        },
      )
      .get(
        '/:id',
        ({ params }) => {
          // Known models answer even while no account can serve them: the id is valid, the pool is empty.
          const model = resolveModel(params.id, deps.aliases());
          if (!model || !SERVED_KINDS.has(model.kind)) throw modelNotFound(params.id, null);
          return modelObject(params.id, model.id === params.id ? undefined : model.id);
        },
        {
          params: t.Object({ id: t.String() }),
          response: ModelObject,
          detail: { tags: ['openai'], summary: 'Retrieve a model' },
        },
      ),
  );
}
