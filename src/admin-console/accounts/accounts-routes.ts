import { Elysia, t } from 'elysia';
import { StorageUnavailableError } from '../../storage/storage-unavailable';
import { ApiError, invalidRequest } from '../../http/errors';
import type { AccountPool } from '../../pool/account-pool';
import { ACCOUNT_SORT_KEYS, type AccountSortKey, type AccountStatus, type Storage } from '../../storage/types';
import { exportAccounts } from '../../admin/transfer/export-accounts';
import { IMPORT_FORMATS, type ImportFormat } from '../../admin/transfer/parse-import';
import type { AccountIds } from './account-ids';
import { localAccountsOf, matchingTokens, queryAccounts } from './account-query';
import { toConsoleAccount } from './console-account';
import { JobFilter } from '../jobs/batch-job';
import { Type, type TSchema } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, json, responses, shape } from '../../http/openapi-responses';

/**
 * The console's accounts API: one page of a filtered, sorted table with per-status counts, and
 * per-account actions addressed by id. Tokens stay masked; revealing or exporting one is its own
 * explicit call.
 */

export interface AccountsRoutesDependencies {
  storage: Storage;
  pool: AccountPool;
  ids: AccountIds;
}

const MAX_PAGE = 500;
const detail = (summary: string, description?: string, answer: TSchema = AnyObject, content = json(answer)) => ({
  tags: ['admin'],
  summary,
  description,
  responses: responses(content, { errors: ADMIN_ERRORS }),
});
const _Status = t.Union([t.Literal('active'), t.Literal('cooling'), t.Literal('expired'), t.Literal('disabled')]);

const PageQuery = t.Object({
  offset: t.Optional(t.String({ description: 'Rows to skip (default 0)' })),
  limit: t.Optional(t.String({ description: `Rows per page, 1–${MAX_PAGE} (default 50)` })),
  sort: t.Optional(t.String({ description: `One of ${ACCOUNT_SORT_KEYS.join(', ')} (default created)` })),
  order: t.Optional(t.String({ description: 'asc or desc (default desc)' })),
  status: t.Optional(t.String({ description: 'active, cooling (rate-limited), expired or disabled' })),
  pool: t.Optional(t.String()),
  nsfw: t.Optional(t.String({ description: 'true or false' })),
  search: t.Optional(t.String({ maxLength: 200, description: 'Substring of the token, note, tags or status reason' })),
});

const integer = (value: string | undefined, fallback: number, name: string, minimum: number, maximum: number) => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum || parsed > maximum)
    throw invalidRequest(`${name} must be an integer from ${minimum} to ${maximum}`, name);
  return parsed;
};

const notFound = () =>
  new ApiError({ status: 404, message: 'No account with this id', param: 'id', code: 'account_not_found' });

export function accountsRoutes(deps: AccountsRoutesDependencies) {
  const local = localAccountsOf(deps.pool);
  const tokenOf = async (id: string) => {
    const [token] = await deps.ids.resolve(deps.storage.accounts, [id], local);
    if (token === undefined) throw notFound();
    return token;
  };

  return new Elysia({ name: 'admin-console-accounts', prefix: '/v1/admin/console' })
    .get(
      '/accounts',
      async ({ query }) => {
        const sort = (query.sort ?? 'created') as AccountSortKey;
        if (!ACCOUNT_SORT_KEYS.includes(sort))
          throw invalidRequest(`sort must be one of ${ACCOUNT_SORT_KEYS.join(', ')}`, 'sort');
        if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc')
          throw invalidRequest('order must be asc or desc', 'order');
        if (
          query.status !== undefined &&
          query.status !== '' &&
          !['active', 'cooling', 'expired', 'disabled'].includes(query.status)
        ) {
          throw invalidRequest('status must be active, cooling, expired or disabled', 'status');
        }
        if (query.nsfw !== undefined && query.nsfw !== '' && query.nsfw !== 'true' && query.nsfw !== 'false')
          throw invalidRequest('nsfw must be true or false', 'nsfw');
        const offset = integer(query.offset, 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
        const limit = integer(query.limit, 50, 'limit', 1, MAX_PAGE);
        const page = await queryAccounts(
          deps.storage.accounts,
          {
            status: query.status ? (query.status as AccountStatus) : undefined,
            pool: query.pool || undefined,
            nsfw: query.nsfw ? query.nsfw === 'true' : undefined,
            search: query.search?.trim() || undefined,
            sort,
            descending: query.order !== 'asc',
            offset,
            limit,
          },
          local,
        );
        return {
          total: page.total,
          counts: page.counts,
          offset,
          limit,
          accounts: page.accounts.map((account) => toConsoleAccount(account, deps.ids.idOf(account.token))),
        };
      },
      {
        query: PageQuery,
        detail: detail(
          'Accounts table page',
          'Filtered, sorted, paged; masked tokens; counts per status for the same search/pool/NSFW filter. Answered by the database on SQL stores and from the pool index on Redis; a search is answered from the pool index on every store.',
        ),
      },
    )
    .get(
      '/accounts/:id/token',
      async ({ params, set }) => {
        set.headers['cache-control'] = 'no-store';
        return { token: await tokenOf(params.id) };
      },
      { detail: detail('Reveal one full token (copy button)', undefined, Type.Object({ token: Type.String() })) },
    )
    .patch(
      '/accounts/:id',
      async ({ params, body }) => {
        const token = await tokenOf(params.id);
        const account = await deps.pool.update(token, body);
        if (!account) throw notFound();
        return toConsoleAccount(account, params.id);
      },
      {
        body: t.Object(
          {
            pool: t.Optional(t.String({ minLength: 1, maxLength: 64 })),
            status: t.Optional(t.Union([t.Literal('active'), t.Literal('disabled')])),
            quota: t.Optional(t.Integer({ minimum: 0 })),
            note: t.Optional(t.String({ maxLength: 1000 })),
            tags: t.Optional(t.Array(t.String({ maxLength: 64 }), { maxItems: 32 })),
          },
          { additionalProperties: false },
        ),
        detail: detail('Edit one account (pool, enable/disable, quota, note, tags)'),
      },
    )
    .post(
      '/accounts/:id/refresh',
      async ({ params }) => {
        const token = await tokenOf(params.id);
        try {
          const account = await deps.pool.sync(token);
          if (!account) throw notFound();
          return toConsoleAccount(account, params.id);
        } catch (error) {
          if (error instanceof ApiError || error instanceof StorageUnavailableError) throw error;
          const account = await deps.storage.accounts.get(token);
          throw new ApiError({
            status: 502,
            message: `Quota refresh failed${account?.lastFailReason ? `: ${account.lastFailReason}` : ''}`,
            code: 'refresh_failed',
          });
        }
      },
      { detail: detail('Refresh one account’s quota now') },
    )
    .delete(
      '/accounts/:id',
      async ({ params }) => {
        const token = await tokenOf(params.id);
        return { removed: await deps.pool.remove([token]) };
      },
      { detail: detail('Delete one account', undefined, shape({ removed: Type.Integer() })) },
    )
    .post(
      '/accounts/export',
      async ({ body, set }) => {
        const format = (body.format ?? 'token.json') as ImportFormat;
        if (!IMPORT_FORMATS.includes(format))
          throw invalidRequest(`format must be one of ${IMPORT_FORMATS.join(', ')}`, 'format');
        if (!body.ids && !body.filter) throw invalidRequest('Give ids or a filter', 'ids');
        const tokens = body.ids
          ? await deps.ids.resolve(deps.storage.accounts, body.ids, local)
          : await matchingTokens(deps.storage.accounts, body.filter!, local);
        // Full rows from the pool index (no store-wide read), the store only for one it has not heard of.
        const accounts = [];
        for (const token of new Set(tokens)) {
          const account = deps.pool.find(token) ?? (await deps.storage.accounts.get(token));
          if (account) accounts.push(account);
        }
        const file = exportAccounts(accounts, format);
        set.headers['content-type'] = file.contentType;
        set.headers['content-disposition'] = `attachment; filename="${file.fileName}"`;
        set.headers['cache-control'] = 'no-store';
        return file.body;
      },
      {
        body: t.Object(
          {
            ids: t.Optional(t.Array(t.String(), { maxItems: 100_000 })),
            filter: t.Optional(JobFilter),
            format: t.Optional(t.String()),
          },
          { additionalProperties: false },
        ),
        detail: detail('Export the selected or filtered accounts with full tokens'),
      },
    );
}
