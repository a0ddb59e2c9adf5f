import type { Config } from '../config/schema';
import { ApiError } from '../http/errors';

/**
 * What browsers are told on every response: CORS for the API routes (configurable; `/v1` allows
 * any origin without credentials by default, the admin API none) and the standard security
 * headers. Applied around the whole app in server.ts, so errors, streams, files and Bun's own
 * answers to unknown routes get them alike. Console pages set their own CSP (issue 6); this never
 * overrides a header a route already set.
 */

type CorsSection = Config['cors'];

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const DEFAULT_ALLOWED_HEADERS =
  'authorization, content-type, x-api-key, anthropic-version, anthropic-beta, x-grok2api-session, x-request-id';
const EXPOSED_HEADERS = 'x-request-id, retry-after, x-grok2api-ignored';

const SECURITY_HEADERS: [string, string][] = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['x-permitted-cross-domain-policies', 'none'],
];

/** Responses that are data, never a page: nothing in them may run or be framed. */
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

function pathnameOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/** The origins allowed on a path: admin routes and API routes are configured apart; other paths get none. */
export function allowedOriginsFor(pathname: string, cors: CorsSection): readonly string[] {
  if (pathname === '/v1/admin' || pathname.startsWith('/v1/admin/')) return cors.admin_origins;
  if (pathname.startsWith('/v1/')) return cors.api_origins;
  return [];
}

/** The Access-Control-Allow-Origin value for this origin, or null when it is not allowed. */
export function allowOriginValue(origin: string, allowed: readonly string[]): string | null {
  if (allowed.includes('*')) return '*';
  return allowed.includes(origin) ? origin : null;
}

function setIfAbsent(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value);
}

/** A preflight answer, or null when the request is not a CORS preflight. */
export function preflightResponse(request: Request, cors: CorsSection): Response | null {
  if (request.method !== 'OPTIONS') return null;
  const origin = request.headers.get('origin');
  const method = request.headers.get('access-control-request-method');
  if (!origin || !method) return null;
  const allowOrigin = allowOriginValue(origin, allowedOriginsFor(pathnameOf(request.url), cors));
  if (!allowOrigin) {
    return new ApiError({
      status: 403,
      message: `Cross-origin requests from ${origin.slice(0, 200)} are not allowed on this route.`,
      code: 'cors_origin_not_allowed',
    }).toJsonResponse();
  }
  const headers = new Headers({
    'access-control-allow-origin': allowOrigin,
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-allow-headers': request.headers.get('access-control-request-headers') || DEFAULT_ALLOWED_HEADERS,
    'access-control-max-age': String(cors.max_age),
  });
  if (allowOrigin !== '*') headers.set('vary', 'Origin');
  return new Response(null, { status: 204, headers });
}

/** Adds CORS and security headers; copies the response when its headers are immutable (e.g. a proxied fetch). */
export function withWebHeaders(request: Request, response: Response, cors: CorsSection): Response {
  let target = response;
  try {
    decorate(request, target.headers, cors);
  } catch {
    target = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    decorate(request, target.headers, cors);
  }
  return target;
}

function decorate(request: Request, headers: Headers, cors: CorsSection): void {
  for (const [name, value] of SECURITY_HEADERS) setIfAbsent(headers, name, value);
  const type = headers.get('content-type') ?? '';
  if (!type.startsWith('text/html')) setIfAbsent(headers, 'content-security-policy', DATA_CSP);
  const origin = request.headers.get('origin');
  if (!origin) return;
  const allowOrigin = allowOriginValue(origin, allowedOriginsFor(pathnameOf(request.url), cors));
  if (!allowOrigin) return;
  headers.set('access-control-allow-origin', allowOrigin);
  headers.set('access-control-expose-headers', EXPOSED_HEADERS);
  if (allowOrigin !== '*') headers.append('vary', 'Origin');
}

/** Wraps an app's fetch handler with the preflight answer and the headers above. */
export function webPolicy(handle: (request: Request) => Response | Promise<Response>, config: () => Config) {
  return async (request: Request): Promise<Response> => {
    const cors = config().cors;
    const preflight = preflightResponse(request, cors);
    if (preflight) return withWebHeaders(request, preflight, cors);
    return withWebHeaders(request, await handle(request), cors);
  };
}
