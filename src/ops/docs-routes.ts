import { Elysia } from 'elysia';
import docsHtml from '../../public/docs/index.html' with { type: 'file' };
import docsCss from '../../public/docs/docs.css' with { type: 'file' };
// Swagger UI (Apache-2.0), embedded so /docs needs no CDN and works offline. With { type: 'file' }
// the import is the file's path, which `bun build --compile` embeds in the binary. The bundle has
// no declaration file, hence the relative path and the expect-error.
// @ts-expect-error TS7016: no declaration file for the UMD bundle
import swaggerUiJs from '../../node_modules/swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' };
import swaggerUiCss from '../../node_modules/swagger-ui-dist/swagger-ui.css' with { type: 'file' };
import { assetBody, type EmbeddedAsset } from '../http/embedded-asset';
import { routeGroup } from '../http/route-groups';

/**
 * GET /docs: the API reference, drawn by Swagger UI from /docs/json. Every file is served from
 * the gateway itself under a Content-Security-Policy that allows nothing from elsewhere and no
 * inline script; the console's origin never runs a script fetched from a CDN.
 */

/** Each file: a path (embedded with { type: 'file' }) or content made at bundle time, loaded on first use. */
const ASSETS: Record<string, { body: EmbeddedAsset; type: string }> = {
  'swagger-ui-bundle.js': { body: swaggerUiJs as string, type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { body: swaggerUiCss, type: 'text/css; charset=utf-8' },
  'docs.js': {
    body: () => import('./docs-script').then((script) => script.default),
    type: 'text/javascript; charset=utf-8',
  },
  'docs.css': { body: docsCss, type: 'text/css; charset=utf-8' },
};

// Swagger UI sets style attributes and draws its icons as data: SVGs; nothing else is allowed.
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const respond = async (asset: EmbeddedAsset, type: string) =>
  new Response(await assetBody(asset), {
    headers: {
      'content-type': type,
      'cache-control': 'no-cache',
      'content-security-policy': DOCS_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });

export function docsRoutes() {
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'api-docs' })
      .get('/docs', () => respond(docsHtml as unknown as string, 'text/html; charset=utf-8'), {
        detail: { hide: true },
      })
      .get(
        '/docs/assets/:name',
        ({ params }) => {
          const asset = Object.hasOwn(ASSETS, params.name) ? ASSETS[params.name] : undefined;
          return asset ? respond(asset.body, asset.type) : new Response('Not found', { status: 404 });
        },
        { detail: { hide: true } },
      ),
  );
}
