import { Elysia } from 'elysia';
import { ApiError } from '../../http/errors';
import { apiErrorFromUpstream } from '../../http/upstream-failure';
import type { AccountStore } from '../../storage/types';
import { UpstreamError } from '../../upstream/errors';
import type { AccountIds } from '../accounts/account-ids';
import type { LocalAccounts } from '../accounts/account-query';
import type { AccountUpstream } from '../accounts/account-upstream';
import { Type } from '@sinclair/typebox';
import { ADMIN_ERRORS, json, responses, shape } from '../../http/openapi-responses';

/**
 * One account's files stored on grok.com (§11.3–11.4), for the media page: how many there are.
 * Clearing them is the `clear_assets` batch job, for one account or many.
 */

export interface OnlineAssetsRoutesDependencies {
  accounts: AccountStore;
  ids: AccountIds;
  /** This instance's pool index, so an id is resolved without reading every stored row. */
  local?: LocalAccounts;
  upstream?: AccountUpstream;
}

const detail = (summary: string) => ({
  tags: ['admin'],
  summary,
  responses: responses(json(shape({ id: Type.String(), count: Type.Integer() })), { errors: ADMIN_ERRORS }),
});

export function onlineAssetsRoutes(deps: OnlineAssetsRoutesDependencies) {
  return new Elysia({ name: 'admin-console-online-assets', prefix: '/v1/admin/console' }).get(
    '/accounts/:id/assets',
    async ({ params }) => {
      const [token] = await deps.ids.resolve(deps.accounts, [params.id], deps.local);
      if (token === undefined)
        throw new ApiError({
          status: 404,
          message: 'No account with this id',
          param: 'id',
          code: 'account_not_found',
        });
      if (!deps.upstream)
        throw new ApiError({
          status: 503,
          message: 'No upstream client on this instance',
          code: 'upstream_unavailable',
        });
      try {
        return { id: params.id, count: await deps.upstream.countAssets(token) };
      } catch (error) {
        throw error instanceof UpstreamError ? apiErrorFromUpstream(error) : error;
      }
    },
    { detail: detail("Count one account's online assets (files stored on grok.com)") },
  );
}
