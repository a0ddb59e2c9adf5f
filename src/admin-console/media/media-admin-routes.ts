import { Elysia, t } from 'elysia';
import type { CachedFile, MediaCache } from '../../media/media-cache';
import type { MediaKind } from '../../attachments/media-type';
import { invalidRequest } from '../../http/errors';
import { Type } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, json, responses, shape } from '../../http/openapi-responses';

const removedResponses = responses(json(Type.Object({ removed: Type.Integer() })), { errors: ADMIN_ERRORS });

/**
 * The console's media page: the local cache of generated images and videos (DATA_DIR/tmp) with
 * counts and sizes, a page of files newest first (previews load from the public /v1/files
 * links), and deleting one, several or all. Names go through MediaCache.pathOf, which refuses
 * anything that would leave the cache folder.
 */

const KINDS: readonly MediaKind[] = ['image', 'video'];
const Kind = t.Union([t.Literal('image'), t.Literal('video')]);

export function mediaAdminRoutes(deps: { cache: MediaCache }) {
  const remove = async (kind: MediaKind, name: string) => {
    const removed = await deps.cache.remove(kind, name);
    if (removed === null) throw invalidRequest('Not a cache file name', 'name');
    return removed;
  };

  return new Elysia({ name: 'admin-console-media', prefix: '/v1/admin/console' })
    .get(
      '/media',
      async ({ query }) => {
        const kind = (query.kind ?? 'image') as MediaKind;
        if (!KINDS.includes(kind)) throw invalidRequest('kind must be image or video', 'kind');
        const offset = query.offset === undefined ? 0 : Number(query.offset);
        const limit = query.limit === undefined ? 24 : Number(query.limit);
        if (!Number.isInteger(offset) || offset < 0)
          throw invalidRequest('offset must be a non-negative integer', 'offset');
        if (!Number.isInteger(limit) || limit < 1 || limit > 200)
          throw invalidRequest('limit must be an integer from 1 to 200', 'limit');
        const listed = await Promise.all(KINDS.map(async (each) => [each, await deps.cache.list(each)] as const));
        const all = Object.fromEntries(listed) as Record<MediaKind, CachedFile[]>;
        const counts = Object.fromEntries(
          KINDS.map((each) => [
            each,
            { count: all[each].length, bytes: all[each].reduce((sum, file) => sum + file.size, 0) },
          ]),
        );
        const files = all[kind].sort(
          (left, right) => right.modified - left.modified || left.name.localeCompare(right.name),
        );
        return {
          counts,
          kind,
          total: files.length,
          offset,
          limit,
          items: files
            .slice(offset, offset + limit)
            .map((file) => ({ ...file, url: `/v1/files/${file.kind}/${encodeURIComponent(file.name)}` })),
        };
      },
      {
        query: t.Object({
          kind: t.Optional(t.String()),
          offset: t.Optional(t.String()),
          limit: t.Optional(t.String()),
        }),
        detail: {
          tags: ['admin'],
          summary: 'Cached media: counts and sizes, a page of files newest first',
          responses: responses(json(shape({ items: Type.Array(AnyObject) })), { errors: [400, 401, 429] }),
        },
      },
    )
    .post(
      '/media/delete',
      async ({ body }) => {
        let removed = 0;
        for (const name of body.names) if (await remove(body.kind, name)) removed += 1;
        return { removed };
      },
      {
        body: t.Object(
          { kind: Kind, names: t.Array(t.String({ maxLength: 256 }), { minItems: 1, maxItems: 1000 }) },
          { additionalProperties: false },
        ),
        detail: { tags: ['admin'], summary: 'Delete cached files by name', responses: removedResponses },
      },
    )
    .post(
      '/media/clear',
      async ({ body }) => {
        const kinds = body.kind ? [body.kind] : KINDS;
        let removed = 0;
        for (const kind of kinds) {
          for (const file of await deps.cache.list(kind)) if (await remove(kind, file.name)) removed += 1;
        }
        return { removed };
      },
      {
        body: t.Object({ kind: t.Optional(Kind) }, { additionalProperties: false }),
        detail: {
          tags: ['admin'],
          summary: 'Delete every cached file (of one kind, or both)',
          responses: removedResponses,
        },
      },
    );
}
