import { Elysia } from 'elysia';
import type { Config } from '../config/schema';
import { ApiError } from '../http/errors';
import { findOversizedValue, type StructureLimits } from './structure-limits';
import { carryClientAddress } from '../http/client-address';
import { noteEarlyAnswer } from '../http/early-answer';
import { pathnameOf } from '../http/route-groups';

/**
 * Request size and shape limits, checked before a body is validated or handled, so one client
 * cannot make the gateway parse, validate or forward an unbounded body. A refusal is an ApiError,
 * which the error handler renders in the error shape of the route's group (OpenAI, or Anthropic on /v1/messages).
 * A body without Content-Length (chunked) is counted as it is read (limitUndeclaredBodies).
 */

type LimitsSection = Config['limits'];

/** Multipart routes that carry files: they get the upload limit. */
const UPLOAD_ROUTES = [/^\/v1\/images\/edits\/?$/, /^\/v1\/videos(\/|$)/];

const MEGABYTE = 1024 * 1024;

/** The sign-in route needs no credential, so its body (a password) is all an anonymous caller may send. */
const SIGN_IN_ROUTE = /^\/v1\/admin\/session\/?$/;
const SIGN_IN_BODY_BYTES = 16 * 1024;

/** The body limit in bytes of a path. */
export function bodyLimitFor(pathname: string, limits: LimitsSection): number {
  if (SIGN_IN_ROUTE.test(pathname)) return SIGN_IN_BODY_BYTES;
  if (UPLOAD_ROUTES.some((pattern) => pattern.test(pathname))) return limits.max_upload_body_mb * MEGABYTE;
  if (pathname.startsWith('/v1/admin')) return limits.max_admin_body_mb * MEGABYTE;
  return limits.max_body_mb * MEGABYTE;
}

export function structureLimitsOf(limits: LimitsSection, pathname = ''): StructureLimits {
  // An admin body is one operator's paste (an import of 50k tokens is ~7 MB in one string): its
  // strings are bounded by the admin body limit, not the API's max_string_chars.
  const admin = pathname.startsWith('/v1/admin');
  return {
    maxMessages: limits.max_messages,
    maxContentParts: limits.max_content_parts,
    maxTools: limits.max_tools,
    maxArrayItems: limits.max_array_items,
    maxStringChars: admin ? limits.max_admin_body_mb * MEGABYTE : limits.max_string_chars,
    maxDepth: limits.max_json_depth,
  };
}

export interface RequestLimitsOptions {
  config: () => Config;
}

/** A refusal is thrown: the error handler renders it in the route's API shape. */
export function requestLimits({ config }: RequestLimitsOptions) {
  return new Elysia({ name: 'request-limits' })
    .onRequest(({ request }) => {
      const declared = request.headers.get('content-length');
      if (declared === null) return;
      const limit = bodyLimitFor(pathnameOf(request.url), config().limits);
      if (Number(declared) > limit) {
        noteEarlyAnswer(request, 413);
        throw new ApiError({
          status: 413,
          message: `The request body is ${declared} bytes; this route accepts at most ${limit} bytes.`,
          param: 'body',
          code: 'request_too_large',
        });
      }
    })
    .onTransform({ as: 'global' }, ({ body, request }) => {
      if (body === null || typeof body !== 'object') return;
      const problem = findOversizedValue(body, structureLimitsOf(config().limits, pathnameOf(request.url)));
      if (problem)
        throw new ApiError({
          status: 400,
          message: problem.message,
          param: problem.param || null,
          code: 'limit_exceeded',
        });
    });
}

/**
 * A body sent without Content-Length (chunked) is counted while it is read, and reading it fails
 * with the route's 413 once it passes the limit. It is not read here: the route groups' gate refuses an
 * unauthenticated request before anyone reads its body. The request keeps its client address.
 */
export function limitUndeclaredBodies(
  handle: (request: Request) => Response | Promise<Response>,
  options: RequestLimitsOptions,
) {
  return (request: Request): Response | Promise<Response> => {
    if (!request.body || request.headers.has('content-length')) return handle(request);
    const limit = bodyLimitFor(pathnameOf(request.url), options.config().limits);
    let total = 0;
    const counted = request.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total <= limit) return controller.enqueue(chunk);
          const message = `The request body is over ${limit} bytes, the most this route accepts.`;
          controller.error(new ApiError({ status: 413, message, param: 'body', code: 'request_too_large' }));
        },
      }),
    );
    const init = {
      method: request.method,
      headers: request.headers,
      body: counted,
      signal: request.signal,
      duplex: 'half',
    };
    const limited = new Request(request.url, init as RequestInit);
    return handle(carryClientAddress(request, limited));
  };
}
