import { Elysia } from 'elysia';
import { modelEntries } from '../catalog/model-listing';
import type { CatalogModel } from '../catalog/models';
import { Type } from '@sinclair/typebox';
import { AnyObject, json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

export interface AdminModelsDependencies {
  aliases: () => readonly string[];
  servingCheck: () => (model: CatalogModel) => boolean;
}

/**
 * `GET /v1/admin/models`: every model and alias, servable now or not, with what it needs (tier,
 * upstream mode) and whether some enabled account can serve it. `/v1/models` shows clients only
 * the available ones; this is where an operator sees why one is missing.
 */
export function adminModelsRoutes(deps: AdminModelsDependencies) {
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-models' }).get(
      '/v1/admin/models',
      ({ request }) => {
        const canServe = deps.servingCheck();
        const data = modelEntries(deps.aliases()).map(({ id, model, aliasFor }) => ({
          id,
          ...(aliasFor === undefined ? {} : { alias_for: aliasFor }),
          kind: model.kind,
          tier: model.tier,
          mode: model.mode,
          cost: model.cost,
          description: model.description,
          available: canServe(model),
        }));
        return { object: 'list' as const, data };
      },
      {
        detail: {
          tags: ['admin'],
          summary: 'Every model and alias, with whether an enabled account can serve it now',
          responses: responses(json(shape({ object: Type.Literal('list'), data: Type.Array(AnyObject) })), {
            errors: [401, 429],
          }),
        },
      },
    ),
  );
}
