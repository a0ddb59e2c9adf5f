import { Elysia } from 'elysia';
import { CONSOLE_ASSETS } from './console-assets';
import { assetBody, type EmbeddedAsset } from '../../http/embedded-asset';
import { routeGroup } from '../../http/route-groups';

/**
 * Serves the console's static files. They are imported `with { type: 'file' }` (console-assets.ts),
 * so `bun build --compile` embeds them in the binary and `Bun.file` reads them from there. The
 * pages themselves hold no data: everything they show comes from the authenticated admin API.
 */

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * One embedded asset as a response with the console's security headers; 404 for a name not in
 * `assets`.
 */
export async function serveAsset(assets: Record<string, EmbeddedAsset>, name: string): Promise<Response> {
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) return new Response('Not found', { status: 404 });
  const extension = name.slice(name.lastIndexOf('.') + 1);
  return new Response(await assetBody(asset), {
    headers: {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    },
  });
}

const serve = (name: string) => serveAsset(CONSOLE_ASSETS, name);

export function consolePages() {
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'admin-console-pages' })
      .get('/admin', () => serve('index.html'), { detail: { hide: true } })
      .get('/admin/', () => serve('index.html'), { detail: { hide: true } })
      .get('/admin/assets/:name', ({ params }) => serve(params.name), { detail: { hide: true } })
      // One icon for every page, and for browsers that ask for /favicon.ico on their own.
      .get('/favicon.svg', () => serve('favicon.svg'), { detail: { hide: true } })
      .get('/favicon.ico', () => serve('favicon.svg'), { detail: { hide: true } }),
  );
}
