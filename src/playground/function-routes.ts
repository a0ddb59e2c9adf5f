import { Elysia } from 'elysia';
import { requireKey, unauthorized } from '../auth/bearer';
import type { Config } from '../config/schema';
import { ApiError } from '../http/errors';
import { functionManifest } from './function-manifest';
import { carryClientAddress } from '../http/client-address';
import { Type, type TSchema } from '@sinclair/typebox';
import { AnyObject, CLIENT_ERRORS, eventStream, json, responses, shape, Success } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/**
 * The playground's API (docs/python-compatibility.md §2 and §5): `/v1/function/*`,
 * authorised by `app.function_key` and only while `app.function_enabled`. Each call is handed to
 * the gateway's own /v1 route of the same name — one implementation, the same validation and
 * usage records — as a request the client guard trusts, so the function key never becomes a
 * general API key.
 *
 * Unlike the reference, the playground never widens access: with `function_key` set, that key is
 * required; with it empty, the caller needs what the client API itself would ask for — a console
 * session or an `app.api_key` — unless the client API is open anyway (no keys at all).
 * Authentication runs before the body is read (src/http/route-groups.ts): `requireFunctionAccess`.
 */

export interface FunctionRoutesDependencies {
  config: () => Config;
  /** Runs a request through the whole app (app.handle). */
  handle: (request: Request) => Promise<Response>;
  /** Marks a request built here as already authorised for the client routes. */
  trust: (request: Request) => Request;
  /** The /v1 routes' own schemas, for /docs: the same bodies and answers as the routes forwarded to. */
  docs: { chatBody: TSchema; chatAnswer: TSchema; imageBody: TSchema };
}

/** How a caller without a function key may still use the playground (only when function_key is empty). */
export interface KeylessFunctionAccess {
  /** A console session cookie that is still valid. */
  signedIn: (request: Request) => Promise<boolean>;
  /** A Bearer (or x-api-key) that the client API accepts. */
  hasApiKey: (request: Request) => Promise<boolean>;
  /** True when the client API needs no key at all: then the playground opens nothing new. */
  apiIsOpen: () => Promise<boolean>;
}

const disabled = () =>
  new ApiError({
    status: 401,
    message: 'Function access is disabled',
    type: 'authentication_error',
    code: 'function_disabled',
  });

export async function requireFunctionAccess(
  config: Config,
  request: Request,
  keyless: KeylessFunctionAccess,
): Promise<void> {
  if (!config.app.function_enabled) throw disabled();
  const key = config.app.function_key;
  if (key === '') {
    if ((await keyless.apiIsOpen()) || (await keyless.hasApiKey(request)) || (await keyless.signedIn(request))) return;
    throw unauthorized('The playground has no function key: sign in to the console or send an API key.');
  }
  requireKey(request.headers.get('authorization'), key);
}

/** The manifest is public like the pages themselves (they read it before sign-in), while the playground is on. */
export function functionManifestRoute(config: () => Config) {
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'function-manifest' }).get(
      '/v1/function/manifest',
      () => {
        if (!config().app.function_enabled) throw disabled();
        const ready = 'backend-forward-ready' as const;
        const voice = config().voice.livekit_url === '' ? {} : { voice: ready };
        return functionManifest('server', { chat: ready, imagine: ready, video: ready, ...voice });
      },
      {
        detail: {
          tags: ['function'],
          summary: 'Which playground pages exist and how each reaches a backend',
          responses: responses(
            json(
              shape({ served_by: Type.String(), pages: Type.Array(shape({ id: Type.String(), mode: Type.String() })) }),
            ),
            { errors: [401] },
          ),
        },
      },
    ),
  );
}

export function functionRoutes(deps: FunctionRoutesDependencies) {
  const forward =
    (path: string) =>
    async ({ request }: { request: Request }) => {
      const headers = new Headers(request.headers);
      for (const name of ['authorization', 'x-api-key', 'cookie']) headers.delete(name);
      const target = new URL(`/v1${path}`, request.url);
      const inner = new Request(target, {
        method: request.method,
        headers,
        body: request.method === 'GET' ? undefined : await request.arrayBuffer(),
        signal: request.signal,
      });
      return deps.handle(deps.trust(carryClientAddress(request, inner)));
    };
  // The same bodies and answers as the /v1 route each call is handed to.
  const summary = (
    method: string,
    path: string,
    body: TSchema | null,
    answer: Record<string, { schema: TSchema }>,
  ) => ({
    parse: 'none' as const,
    detail: {
      tags: ['function'],
      summary: `Playground: ${method} /v1${path} with the function key`,
      ...(body ? { requestBody: { required: true, content: json(body) } } : {}),
      responses: responses(answer, { errors: CLIENT_ERRORS }),
    },
  });
  return routeGroup(
    { access: 'playground' },
    new Elysia({ name: 'function-routes', prefix: '/v1/function' })
      .get(
        '/verify',
        // The route group's access policy has checked the key before the route runs.
        () => ({ status: 'success' }),
        {
          detail: {
            tags: ['function'],
            summary: 'Check the function (playground) key',
            responses: responses(json(Success()), { errors: [401, 429] }),
          },
        },
      )
      .get(
        '/models',
        forward('/models'),
        summary(
          'GET',
          '/models',
          null,
          json(shape({ object: Type.Literal('list'), data: Type.Array(shape({ id: Type.String() })) })),
        ),
      )
      .post(
        '/chat/completions',
        forward('/chat/completions'),
        summary('POST', '/chat/completions', deps.docs.chatBody, {
          ...json(deps.docs.chatAnswer),
          ...eventStream('stream: true'),
        }),
      )
      .post(
        '/images/generations',
        forward('/images/generations'),
        summary(
          'POST',
          '/images/generations',
          deps.docs.imageBody,
          json(shape({ created: Type.Integer(), data: Type.Array(AnyObject) })),
        ),
      ),
  );
}
