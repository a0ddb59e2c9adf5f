import { Elysia, t } from 'elysia';
import { secretsEqual } from '../../auth/constant-time';
import type { Config } from '../../config/schema';
import { ApiError } from '../../http/errors';
import { readCookie, SESSION_COOKIE, type AdminAuth } from './admin-auth';
import type { FailureThrottle } from '../../security/failure-throttle';
import type { SessionStore } from './session-store';
import { Type, type TSchema } from '@sinclair/typebox';
import { json, responses, shape } from '../../http/openapi-responses';
import { routeGroup } from '../../http/route-groups';

/** The password every fresh install has; it signs in until changed, and the console nags until then. */
export const DEFAULT_APP_KEY = 'grok2api';

export interface SessionRoutesDependencies {
  config: () => Config;
  sessions: SessionStore;
  auth: AdminAuth;
  throttle: FailureThrottle;
  /** The client address (src/http/client-address.ts): the throttle counts per address. */
  clientAddress: (request: Request) => string;
}

const detail = (summary: string, answer: TSchema, description?: string, errors = [401, 403, 429]) => ({
  tags: ['admin'],
  summary,
  description,
  responses: responses(json(answer), { errors }),
});
const SignedIn = shape({
  csrf_token: Type.String(),
  expires_at: Type.Integer(),
  default_password: Type.Boolean(),
  playground_open: Type.Boolean(),
});
const CurrentSignIn = shape({
  via: Type.String(),
  default_password: Type.Boolean(),
  playground_open: Type.Boolean(),
  csrf_token: Type.Optional(Type.String()),
});

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

const isHttps = (request: Request) =>
  new URL(request.url).protocol === 'https:' ||
  request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

/** The playground without a function key asks for a sign-in or an API key; the console says it is on. */
const playgroundOpenIn = (config: Config) => config.app.function_enabled && config.app.function_key === '';

/** Sign-in needs no credential, so it is the one public admin route. */
export function signInRoute(deps: SessionRoutesDependencies) {
  const usesDefaultPassword = () => deps.config().app.app_key === DEFAULT_APP_KEY;
  const playgroundOpen = () => playgroundOpenIn(deps.config());
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'admin-sign-in', prefix: '/v1/admin' }).post(
      '/session',
      async ({ body, request, set }) => {
        // Recorded by the listener from the socket; X-Forwarded-For only from app.trusted_proxies.
        const client = deps.clientAddress(request);
        const wait = await deps.throttle.retryAfter(client);
        if (wait > 0) {
          throw new ApiError({
            status: 429,
            message: 'Too many failed sign-in attempts. Try again later.',
            code: 'login_throttled',
            retryAfterSeconds: wait / 1000,
          });
        }
        const appKey = deps.config().app.app_key;
        if (appKey.trim() === '' || !secretsEqual(body.password, appKey)) {
          await deps.throttle.recordFailure(client);
          throw new ApiError({
            status: 401,
            message: 'Wrong password.',
            type: 'authentication_error',
            code: 'invalid_password',
            param: 'password',
          });
        }
        await deps.throttle.recordSuccess(client);
        const lifetimeMs = Math.round(deps.config().app.admin_session_hours * 3_600_000);
        const { cookieValue, session } = await deps.sessions.open(appKey, lifetimeMs);
        set.headers['set-cookie'] = sessionCookie(cookieValue, Math.floor(lifetimeMs / 1000), isHttps(request));
        set.headers['cache-control'] = 'no-store';
        return {
          csrf_token: session.csrfToken,
          expires_at: session.expiresAt,
          default_password: usesDefaultPassword(),
          playground_open: playgroundOpen(),
        };
      },
      {
        body: t.Object({ password: t.String({ maxLength: 4096 }) }, { additionalProperties: false }),
        detail: detail(
          'Sign in to the console',
          SignedIn,
          'Opens a session cookie (HttpOnly, SameSite=Strict). Needs no credential; wrong passwords are throttled per client address.',
          [400, 401, 413, 429],
        ),
      },
    ),
  );
}

/** The current sign-in and sign-out, behind the admin access policy. */
export function sessionRoutes(deps: Pick<SessionRoutesDependencies, 'config' | 'sessions' | 'auth'>) {
  const usesDefaultPassword = () => deps.config().app.app_key === DEFAULT_APP_KEY;
  const playgroundOpen = () => playgroundOpenIn(deps.config());
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-session', prefix: '/v1/admin' })
      .get(
        '/session',
        async ({ request, set }) => {
          const via = deps.auth.credentialOf(request);
          set.headers['cache-control'] = 'no-store';
          const playground_open = playgroundOpen();
          if (via === 'bearer') return { via, default_password: usesDefaultPassword(), playground_open };
          const session = await deps.sessions.find(
            readCookie(request.headers.get('cookie'), SESSION_COOKIE) ?? '',
            deps.config().app.app_key,
          );
          return {
            via,
            csrf_token: session?.csrfToken,
            expires_at: session?.expiresAt,
            default_password: usesDefaultPassword(),
            playground_open,
          };
        },
        {
          detail: detail(
            'The current sign-in',
            CurrentSignIn,
            'Returns the CSRF token a signed-in console sends in x-csrf-token, and whether the default password is still in use.',
          ),
        },
      )
      .delete(
        '/session',
        async ({ request, set }) => {
          const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
          if (cookie) await deps.sessions.close(cookie);
          set.headers['set-cookie'] = sessionCookie('', 0, isHttps(request));
          return { status: 'signed_out' };
        },
        {
          detail: detail('Sign out (ends the session in storage)', Type.Object({ status: Type.Literal('signed_out') })),
        },
      ),
  );
}
