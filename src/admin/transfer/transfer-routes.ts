import { Elysia, t } from 'elysia';
import { createHash } from 'node:crypto';
import { maskSecret } from '../../logging/logger';
import { invalidRequest } from '../../http/errors';
import type { AccountPool } from '../../pool/account-pool';
import { ACCOUNT_STATUSES, BASIC_POOL, type Account, type AccountStatus, type Storage } from '../../storage/types';
import { exportAccounts } from './export-accounts';
import { importAccounts } from './import-accounts';
import { importStream } from './stream-import';
import { detectFormat, IMPORT_FORMATS, ImportFormatError, parseImport, type ImportFormat } from './parse-import';
import { Type } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, json, responses, shape, Success, text } from '../../http/openapi-responses';
import { routeGroup } from '../../http/route-groups';

/**
 * Bulk import and export of accounts, and a listing that never shows a whole token. The listing
 * names each account by `id` (a hash of the token) so an operator can tell accounts apart and
 * match them with an export without the secret appearing on screen or in a proxy log.
 */

export interface TransferRoutesDependencies {
  storage: Storage;
  pool: AccountPool;
}

/** Bodies are held in memory while parsed; 100k tokens of ~300 bytes as JSON fit comfortably. */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const LIST_LIMIT = 1_000;

const Format = t.Union(IMPORT_FORMATS.map((format) => t.Literal(format)));
const ImportBody = t.Object(
  {
    content: t.String({ maxLength: MAX_IMPORT_BYTES, description: 'The file content' }),
    format: t.Optional(Format),
    pool: t.Optional(
      t.String({ minLength: 1, maxLength: 64, description: 'Pool of entries that do not name one (default ssoBasic)' }),
    ),
  },
  { additionalProperties: false },
);

export const accountId = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);

function maskedAccount(account: Account) {
  const { token, ...rest } = account;
  return { id: accountId(token), token: maskSecret(token), ...rest };
}

const ImportSummary = Success({
  format: Type.String(),
  added: Type.Integer(),
  repeated: Type.Integer(),
  invalid: Type.Integer(),
});
const AccountPage = shape({
  total: Type.Integer(),
  accounts: Type.Array(AnyObject),
  next: Type.Union([Type.String(), Type.Null()]),
});

export function transferRoutes(deps: TransferRoutesDependencies) {
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-transfer', prefix: '/v1/admin' })
      .post(
        '/tokens/import',
        async ({ body }) => {
          const format: ImportFormat = body.format ?? detectFormat(body.content);
          let parsed: ReturnType<typeof parseImport>;
          try {
            parsed = parseImport(body.content, format, body.pool ?? BASIC_POOL);
          } catch (error) {
            if (error instanceof ImportFormatError) throw invalidRequest(error.message, 'content', 'invalid_import');
            throw error;
          }
          const summary = await importAccounts(parsed.accounts, deps);
          return {
            status: 'success',
            format,
            ...summary,
            repeated: parsed.repeated,
            invalid: parsed.invalid,
            rejected: parsed.rejected,
          };
        },
        {
          body: ImportBody,
          detail: {
            tags: ['admin'],
            summary: 'Import accounts (TXT, JSON, JSONL, token.json); repeats and existing tokens are merged',
            responses: responses(json(ImportSummary), { errors: ADMIN_ERRORS }),
          },
        },
      )
      .post(
        '/tokens/import/file',
        async ({ request, query }) => {
          const format = query.format as ImportFormat | undefined;
          if (format !== undefined && !IMPORT_FORMATS.includes(format))
            throw invalidRequest(`format must be one of ${IMPORT_FORMATS.join(', ')}`, 'format');
          if (!request.body) throw invalidRequest('Send the file as the request body', 'body');
          try {
            return {
              status: 'success',
              ...(await importStream(request.body, { format, pool: query.pool || BASIC_POOL }, deps.pool)),
            };
          } catch (error) {
            if (error instanceof ImportFormatError) throw invalidRequest(error.message, 'body', 'invalid_import');
            throw error;
          }
        },
        {
          parse: 'none',
          query: t.Object({
            format: t.Optional(
              t.String({
                description: `One of ${IMPORT_FORMATS.join(', ')}; default: JSON when the file opens with [ or {, else TXT`,
              }),
            ),
            pool: t.Optional(
              t.String({
                minLength: 1,
                maxLength: 64,
                description: 'Pool of entries that do not name one (default ssoBasic)',
              }),
            ),
          }),
          detail: {
            tags: ['admin'],
            summary:
              'Import an account file sent as the raw body, of any size: TXT and JSONL are read and written in batches as they arrive',
            requestBody: {
              content: text('application/octet-stream', 'The account file (TXT, JSONL, JSON or token.json)'),
            },
            responses: responses(
              json(
                Success({
                  added: Type.Integer(),
                  merged: Type.Integer(),
                  repeated: Type.Integer(),
                  invalid: Type.Integer(),
                }),
              ),
              { errors: ADMIN_ERRORS },
            ),
          },
        },
      )
      .get(
        '/tokens/export',
        async ({ query, set }) => {
          const format = (query.format ?? 'token.json') as ImportFormat;
          if (!IMPORT_FORMATS.includes(format))
            throw invalidRequest(`format must be one of ${IMPORT_FORMATS.join(', ')}`, 'format');
          const file = exportAccounts(await deps.storage.accounts.list(), format);
          set.headers['content-type'] = file.contentType;
          set.headers['content-disposition'] = `attachment; filename="${file.fileName}"`;
          set.headers['cache-control'] = 'no-store';
          return file.body;
        },
        {
          query: t.Object({ format: t.Optional(t.String()) }),
          detail: {
            tags: ['admin'],
            summary: 'Export every account with full tokens',
            responses: responses(
              {
                ...json(AnyObject),
                ...text('text/plain', 'txt: one token per line'),
                ...text('application/x-ndjson', 'jsonl: one account per line'),
              },
              { errors: [400, 401, 429] },
            ),
          },
        },
      )
      .get(
        '/accounts',
        async ({ query }) => {
          if (query.status !== undefined && !(ACCOUNT_STATUSES as readonly string[]).includes(query.status)) {
            throw invalidRequest(`status must be one of ${ACCOUNT_STATUSES.join(', ')}`, 'status');
          }
          const limit = query.limit === undefined ? 100 : Number(query.limit);
          if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT)
            throw invalidRequest(`limit must be an integer from 1 to ${LIST_LIMIT}`, 'limit');
          const all = await deps.storage.accounts.list({
            pool: query.pool,
            status: query.status as AccountStatus | undefined,
          });
          const start =
            query.after === undefined ? 0 : all.findIndex((account) => accountId(account.token) === query.after) + 1;
          const page = all.slice(start, start + limit);
          const next = start + limit < all.length ? accountId(page.at(-1)!.token) : null;
          return { total: all.length, accounts: page.map(maskedAccount), next };
        },
        {
          query: t.Object({
            pool: t.Optional(t.String()),
            status: t.Optional(t.String()),
            limit: t.Optional(t.String()),
            after: t.Optional(t.String()),
          }),
          detail: {
            tags: ['admin'],
            summary: 'Accounts with masked tokens, paged',
            responses: responses(json(AccountPage), { errors: [400, 401, 429] }),
          },
        },
      ),
  );
}
