import { Elysia } from 'elysia';
import { VERSION } from '../version';
import { AnyObject, json, responses, text } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/**
 * `/`: a browser is sent to the console; other clients get a small JSON map of where things are,
 * and `HEAD /` answers 200 (clients such as Claude Code probe the base URL to check it is up).
 */
export function rootRoutes() {
  const map = () => ({
    name: 'grok2api',
    version: VERSION,
    console: '/admin',
    docs: '/docs',
    api: '/v1',
    health: '/health',
  });
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'root' })
      .get(
        '/',
        ({ request }) => {
          if (request.headers.get('accept')?.includes('text/html')) {
            return new Response(null, { status: 302, headers: { location: '/admin' } });
          }
          return map();
        },
        {
          detail: {
            tags: ['operations'],
            summary: 'Where the console, docs and API are; browsers go to the console',
            responses: {
              ...responses(json(AnyObject), { errors: [] }),
              302: { description: 'A browser: to /admin', content: text('text/plain', 'empty; Location: /admin') },
            },
          },
        },
      )
      .route('HEAD', '/', () => new Response(null, { status: 200 }), {
        detail: {
          tags: ['operations'],
          summary: 'Reachability probe',
          responses: { 200: { description: 'Up', content: text('text/plain', 'empty') } },
        },
      }),
  );
}
