import { Elysia } from 'elysia';
import { bearerToken } from '../auth/bearer';
import { secretsEqual } from '../auth/constant-time';
import type { Config } from '../config/schema';
import { ApiError } from '../openai/errors';
import { functionManifest } from './function-manifest';

/**
 * The playground's API (../shared/spec/reference-behaviour.md §2 and §5): `/v1/function/*`,
 * authorised by `app.function_key` and only while `app.function_enabled`. Each call is handed to
 * the gateway's own /v1 route of the same name — one implementation, the same validation and
 * usage records — as a request the client guard trusts, so the function key never becomes a
 * general API key.
 *
 * Unlike the reference, an empty function_key does not open the playground to everyone unless
 * the operator turned `function_enabled` on; with a key set, the key is required.
 */

export interface FunctionRoutesDependencies {
  config: () => Config;
  /** Runs a request through the whole app (app.handle). */
  handle: (request: Request) => Promise<Response>;
  /** Marks a request built here as already authorised for the client routes. */
  trust: (request: Request) => Request;
}

export function requireFunctionAccess(config: Config, request: Request): void {
  if (!config.app.function_enabled) throw new ApiError({ status: 401, message: 'Function access is disabled', type: 'authentication_error', code: 'function_disabled' });
  const key = config.app.function_key;
  if (key === '') return;
  const presented = bearerToken(request.headers.get('authorization'));
  if (presented === null) throw new ApiError({ status: 401, message: 'Missing authentication token', type: 'authentication_error', code: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer' } });
  if (!secretsEqual(presented, key)) throw new ApiError({ status: 401, message: 'Invalid authentication token', type: 'authentication_error', code: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer' } });
}

export function functionRoutes(deps: FunctionRoutesDependencies) {
  const forward = (path: string) => async ({ request }: { request: Request }) => {
    requireFunctionAccess(deps.config(), request);
    const headers = new Headers(request.headers);
    for (const name of ['authorization', 'x-api-key', 'cookie']) headers.delete(name);
    const target = new URL(`/v1${path}`, request.url);
    const inner = new Request(target, { method: request.method, headers, body: request.method === 'GET' ? undefined : await request.arrayBuffer(), signal: request.signal });
    return deps.handle(deps.trust(inner));
  };
  const summary = (method: string, path: string) => ({ parse: 'none' as const, detail: { tags: ['function'], summary: `Playground: ${method} /v1${path} with the function key` } });
  return new Elysia({ name: 'function-routes', prefix: '/v1/function' })
    .get(
      '/manifest',
      () => {
        // Public like the pages themselves (they read it before sign-in), but only while the playground is on.
        if (!deps.config().app.function_enabled) throw new ApiError({ status: 401, message: 'Function access is disabled', type: 'authentication_error', code: 'function_disabled' });
        const ready = 'backend-forward-ready' as const;
        const voice = deps.config().voice.livekit_url === '' ? {} : { voice: ready };
        return functionManifest('server', { chat: ready, imagine: ready, video: ready, ...voice });
      },
      { detail: { tags: ['function'], summary: 'Which playground pages exist and how each reaches a backend' } },
    )
    .get(
      '/verify',
      ({ request }) => {
        requireFunctionAccess(deps.config(), request);
        return { status: 'success' };
      },
      { detail: { tags: ['function'], summary: 'Check the function (playground) key' } },
    )
    .get('/models', forward('/models'), summary('GET', '/models'))
    .post('/chat/completions', forward('/chat/completions'), summary('POST', '/chat/completions'))
    .post('/images/generations', forward('/images/generations'), summary('POST', '/images/generations'));
}
