import { Elysia } from 'elysia';
import { lstat } from 'node:fs/promises';
import { ApiError } from '../http/errors';
import { decideRange } from './byte-range';
import type { MediaCache } from './media-cache';
import { mediaTypeByName, sniffMediaType, type MediaKind } from '../attachments/media-type';
import { binary, responses } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/** A cached file as an HTTP answer with its sniffed type and Range support; a 404 ApiError when absent. */
export async function serveCachedFile(
  cache: MediaCache,
  kind: MediaKind,
  name: string,
  request: Request,
): Promise<Response> {
  const notFound = new ApiError({
    status: 404,
    message: kind === 'image' ? 'Image not found' : 'Video not found',
    code: 'file_not_found',
    type: 'not_found_error',
  });
  const path = cache.pathOf(kind, name);
  if (!path) throw notFound;
  // Only regular files the cache wrote: a symlink placed in the folder (by anyone who can write
  // there) must not turn /v1/files into a reader of the rest of the disk.
  const entry = await lstat(path).catch(() => null);
  if (!entry?.isFile()) throw notFound;
  const file = Bun.file(path);
  const size = file.size;
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const headers: Record<string, string> = {
    'content-type': sniffMediaType(head) ?? mediaTypeByName(path, kind),
    'cache-control': 'public, max-age=31536000, immutable',
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
  };
  const range = decideRange(request.headers.get('range'), size);
  if (range.kind === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  }
  if (range.kind === 'partial') {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return new Response(file.slice(range.start, range.end + 1), { status: 206, headers });
  }
  headers['content-length'] = String(size);
  return new Response(file, { status: 200, headers });
}

/**
 * GET /v1/files/image/{name} and /v1/files/video/{name}: cached generated media
 * (docs/python-compatibility.md §1.7). Public like the reference, because the links
 * end up in markdown that browsers load without a key; names are unguessable asset ids.
 */
const fileResponses = (type: string, description: string) => ({
  ...responses(binary(type, description), { errors: [404, 416] }),
  206: { description: 'A byte range (Range header)', content: binary(type, `Part of ${description.toLowerCase()}`) },
});

export function filesRoutes(cache: MediaCache) {
  const serve =
    (kind: MediaKind) =>
    ({ params, request }: { params: Record<string, string>; request: Request }) =>
      serveCachedFile(cache, kind, params['*'] ?? '', request);
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'media-files' })
      .get('/v1/files/image/*', serve('image'), {
        detail: {
          tags: ['media'],
          summary: 'A cached generated image',
          responses: fileResponses('image/png', 'The image (PNG, JPEG or WebP)'),
        },
      })
      .get('/v1/files/video/*', serve('video'), {
        detail: {
          tags: ['media'],
          summary: 'A cached generated video (Range supported)',
          responses: fileResponses('video/mp4', 'The video'),
        },
      }),
  );
}

/** Base URL for /v1/files links: `app.app_url`, else the origin the client used. */
export function publicBaseUrl(appUrl: string, request: Request): string {
  const configured = appUrl.trim().replace(/\/+$/, '');
  if (configured) return configured;
  return new URL(request.url).origin;
}

export function fileLink(base: string, kind: MediaKind, name: string): string {
  return `${base}/v1/files/${kind}/${encodeURIComponent(name)}`;
}
