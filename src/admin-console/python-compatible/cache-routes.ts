import { Elysia, t } from 'elysia';
import type { MediaCache } from '../../media/media-cache';
import type { MediaKind } from '../../attachments/media-type';
import { invalidRequest } from '../../http/errors';
import { runBounded } from '../../pool/run-bounded';
import { redactText } from '../../logging/logger';
import { cacheStats, megabytes } from './cache-stats';
import { taskResult } from './task-events';
import { resultContextFor, startTask, taskStarted, type PythonTaskRoutesDependencies } from './task-routes';
import { resolveTokenReferences, tokenEntries } from './token-references';
import { PythonBody, pythonRouteDetail } from './route-detail';

/**
 * The Python project's cache routes (docs/python-compatibility.md §4.1 `/cache*`) over our media
 * cache and our online-assets batch actions: local files are listed and deleted through
 * MediaCache, online assets are counted and cleared by the same jobs the console starts.
 */

export interface PythonCacheRoutesDependencies extends PythonTaskRoutesDependencies {
  cache: MediaCache;
}

const AnyObject = PythonBody();

function kindOf(raw: unknown, param: string): MediaKind {
  const kind = raw === undefined || raw === null || raw === '' ? 'image' : raw;
  if (kind !== 'image' && kind !== 'video')
    throw invalidRequest("type must be 'image' or 'video'", param, 'invalid_type');
  return kind;
}

function positiveInteger(raw: string | undefined, fallback: number, param: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw invalidRequest(`${param} must be a positive integer`, param);
  return value;
}

/** One account's entry in a clear task's `results`. */
type ClearOutcome = { status: string; result?: unknown; error?: string };

const objectBody = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};

/** GET /cache's body from counts already made. */
export async function cacheStatsFor(
  deps: PythonCacheRoutesDependencies,
  counts: Map<string, number | string>,
  scope: 'all' | 'selected' | 'token' | 'none',
) {
  return cacheStats({ cache: deps.cache, accounts: await deps.storage.accounts.list(), counts, scope });
}

export function pythonCacheRoutes(deps: PythonCacheRoutesDependencies) {
  const statsWith = (counts: Map<string, number | string>, scope: 'all' | 'selected' | 'token' | 'none') =>
    cacheStatsFor(deps, counts, scope);

  /** Counts now (GET /cache), with the list concurrency the jobs use; a failure is the account's error text. */
  const countNow = async (tokens: string[]) => {
    const upstream = deps.batch.upstream;
    const outcomes = await runBounded(tokens, deps.config().asset.list_concurrent, async (token) => {
      if (!upstream) throw new Error('no upstream client on this instance');
      return upstream.countAssets(token);
    });
    const reason = (error: unknown) => `error: ${redactText(error instanceof Error ? error.message : String(error))}`;
    return new Map(
      tokens.map((token, index) => [
        token,
        outcomes[index]!.status === 'fulfilled'
          ? (outcomes[index] as PromiseFulfilledResult<number>).value
          : reason((outcomes[index] as PromiseRejectedResult).reason),
      ]),
    );
  };

  return new Elysia({ name: 'admin-python-cache', prefix: '/v1/admin' })
    .get(
      '/cache',
      async ({ query }) => {
        const stored = await deps.storage.accounts.list();
        const listed = (query.tokens ?? '')
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean);
        if (listed.length > 0)
          return statsWith(await countNow(resolveTokenReferences(listed, stored).tokens), 'selected');
        if (query.scope === 'all') return statsWith(await countNow(stored.map((account) => account.token)), 'all');
        if (query.token)
          return statsWith(await countNow(resolveTokenReferences([query.token], stored).tokens), 'token');
        return statsWith(new Map(), 'none');
      },
      {
        query: t.Object({
          scope: t.Optional(t.String()),
          token: t.Optional(t.String()),
          tokens: t.Optional(t.String()),
        }),
        detail: pythonRouteDetail(
          'admin',
          'Local cache sizes, the accounts, and online asset counts (?scope=all, ?token= or ?tokens=a,b)',
        ),
      },
    )
    .get(
      '/cache/list',
      async ({ query }) => {
        const kind = kindOf(query.type ?? query.cache_type, query.type === undefined ? 'cache_type' : 'type');
        const page = positiveInteger(query.page, 1, 'page');
        const pageSize = positiveInteger(query.page_size, 1000, 'page_size');
        const files = (await deps.cache.list(kind)).sort(
          (left, right) => right.modified - left.modified || left.name.localeCompare(right.name),
        );
        const items = files.slice((page - 1) * pageSize, page * pageSize).map((file) => ({
          name: file.name,
          size_bytes: file.size,
          mtime_ms: Math.floor(file.modified),
          view_url: `/v1/files/${kind}/${encodeURIComponent(file.name)}`,
        }));
        return { status: 'success', total: files.length, page, page_size: pageSize, items };
      },
      {
        query: t.Object({
          type: t.Optional(t.String()),
          cache_type: t.Optional(t.String()),
          page: t.Optional(t.String()),
          page_size: t.Optional(t.String()),
        }),
        detail: pythonRouteDetail('admin', 'Cached files of one type, newest first, a page at a time'),
      },
    )
    .post(
      '/cache/clear',
      async ({ body }) => {
        const kind = kindOf(objectBody(body).type, 'type');
        let count = 0;
        let bytes = 0;
        for (const file of await deps.cache.list(kind)) {
          if (await deps.cache.remove(kind, file.name)) {
            count += 1;
            bytes += file.size;
          }
        }
        return {
          status: 'success',
          result: { count, size_mb: megabytes(bytes) },
        };
      },
      { body: t.Optional(AnyObject), detail: pythonRouteDetail('admin', 'Delete every cached file of one type') },
    )
    .post(
      '/cache/item/delete',
      async ({ body }) => {
        const fields = objectBody(body);
        const kind = kindOf(fields.type, 'type');
        if (typeof fields.name !== 'string' || fields.name.trim() === '')
          throw invalidRequest('Missing file name', 'name', 'missing_name');
        const deleted = await deps.cache.remove(kind, fields.name.trim());
        if (deleted === null) throw invalidRequest('Not a cache file name', 'name', 'invalid_name');
        return { status: 'success', result: { deleted } };
      },
      { body: t.Optional(AnyObject), detail: pythonRouteDetail('admin', 'Delete one cached file') },
    )
    .post(
      '/cache/online/clear',
      async ({ body }) => {
        const fields = objectBody(body);
        const stored = await deps.storage.accounts.list();
        if (Array.isArray(fields.tokens)) {
          const entries = tokenEntries({ tokens: fields.tokens });
          if (entries.length === 0) throw invalidRequest('No tokens provided', 'tokens', 'missing_tokens');
          const { tokens } = resolveTokenReferences(entries, stored);
          const finished = await (await startTask(deps, 'clear_assets', tokens)).done;
          const result = await taskResult(finished, await resultContextFor(deps));
          return { status: 'success', results: result.results ?? {} };
        }
        // One account: the named one, else any active account (the Python project took one from the pool).
        const named = typeof fields.token === 'string' ? fields.token.trim() : '';
        const token =
          named !== ''
            ? resolveTokenReferences([named], stored).tokens[0]
            : stored.find((account) => account.status === 'active')?.token;
        if (token === undefined && named !== '')
          throw invalidRequest('token is not in the pool', 'token', 'unknown_token');
        if (token === undefined)
          throw invalidRequest('No available token to perform cleanup', 'token', 'missing_tokens');
        const finished = await (await startTask(deps, 'clear_assets', [token])).done;
        const results = (await taskResult(finished, await resultContextFor(deps))).results as Record<
          string,
          ClearOutcome
        >;
        const outcome = results[token];
        if (outcome?.status === 'success') return { status: 'success', result: outcome.result };
        return { status: 'error', error: outcome?.error ?? finished.errors.at(-1)?.reason ?? 'cleanup failed' };
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail('admin', "Delete the accounts' files stored on grok.com and wait"),
      },
    )
    .post(
      '/cache/online/clear/async',
      async ({ body }) => {
        const entries = tokenEntries({ tokens: objectBody(body).tokens });
        if (entries.length === 0) throw invalidRequest('No tokens provided', 'tokens', 'missing_tokens');
        const { tokens, unknown } = resolveTokenReferences(entries, await deps.storage.accounts.list());
        return taskStarted((await startTask(deps, 'clear_assets', tokens)).job, unknown);
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail('admin', "Delete the accounts' files on grok.com as a background task"),
      },
    )
    .post(
      '/cache/online/load/async',
      async ({ body }) => {
        const fields = objectBody(body);
        const entries = tokenEntries({ tokens: fields.tokens });
        const stored = await deps.storage.accounts.list();
        if (entries.length > 0) {
          const { tokens, unknown } = resolveTokenReferences(entries, stored);
          return taskStarted((await startTask(deps, 'count_assets', tokens)).job, unknown);
        }
        if (fields.scope !== 'all') throw invalidRequest('No tokens provided', 'tokens', 'missing_tokens');
        const { job } = await startTask(deps, 'count_assets', 'all');
        return { ...taskStarted(job, []), total: stored.length };
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail(
          'admin',
          "Count the accounts' files on grok.com as a background task ({tokens} or {scope:'all'})",
        ),
      },
    );
}
