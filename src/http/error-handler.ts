import { Elysia } from 'elysia';
import { ApiError } from './errors';
import type { Logger } from '../logging/logger';
import { noteError } from '../logging/request-context';
import { StorageUnavailableError } from '../storage/storage-unavailable';
import { routePattern, type ErrorShape } from './route-groups';

/** A storage outage as clients see it, on every route and mid-stream alike: retry shortly. */
export function storageUnavailable(error: StorageUnavailableError): ApiError {
  return new ApiError({
    status: 503,
    message: 'Storage is unavailable right now; the request was not completed. Retry shortly.',
    type: 'server_error',
    code: 'storage_unavailable',
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

/**
 * Renders every failure in the error shape of the request's route group (OpenAI's envelope unless
 * the group declared another): our ApiError, Elysia's validation and parse errors, unknown routes
 * (404) and known routes called with the wrong method (405).
 */

interface ValueErrorLike {
  type?: number;
  path?: string;
  message?: string;
  summary?: string;
}

/** nginx's status for a request the client abandoned; never seen by the client itself. */
export const CLIENT_CLOSED_REQUEST = 499;

/** TypeBox's ValueErrorType.ObjectRequiredProperty. */
const REQUIRED_PROPERTY = 45;

function valueAt(root: unknown, segments: string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function validationError(error: unknown): ApiError {
  const {
    valueError: details,
    type: on,
    value: received,
  } = error as { valueError?: ValueErrorLike; type?: string; value?: unknown };
  const segments = (details?.path ?? '').split('/').filter(Boolean);
  const param = segments.join('.') || null;
  // TypeBox may report a missing property as "expected string" first; the value tells the truth.
  const missing =
    details?.type === REQUIRED_PROPERTY || (segments.length > 0 && valueAt(received, segments) === undefined);
  const where = on && on !== 'body' ? ` in ${on}` : '';
  const message = missing
    ? `Missing required parameter: '${param}'${where}.`
    : `Invalid value for '${param ?? on ?? 'body'}'${where}: ${details?.message ?? 'does not match the schema'}.`;
  return new ApiError({ status: 400, message, param, code: missing ? 'missing_required_parameter' : 'invalid_value' });
}

export interface ErrorHandlerOptions {
  logger: Logger;
  routes: () => { method: string; path: string }[];
  /** The error shape the request's route group declared (src/http/route-groups.ts); OpenAI's when none. */
  errorShapeOf?: (request: Request) => ErrorShape | undefined;
}

const OUTAGE_LOG_EVERY_MS = 10_000;

export function errorHandler(options: ErrorHandlerOptions) {
  let lastOutageLog = 0;
  let matchers: { method: string; pattern: RegExp }[] | null = null;
  const allowedMethods = (pathname: string) => {
    matchers ??= options.routes().map((route) => ({ method: route.method, pattern: routePattern(route.path) }));
    return [...new Set(matchers.filter((route) => route.pattern.test(pathname)).map((route) => route.method))];
  };

  const render = (error: ApiError, request: Request): Response => {
    noteError(error.code, error.param);
    const shape = options.errorShapeOf?.(request);
    return shape ? shape(error) : error.toJsonResponse();
  };

  return new Elysia({ name: 'error-handler' }).onError({ as: 'global' }, ({ code, error, request }) => {
    if (error instanceof ApiError) return render(error, request);
    if (error instanceof StorageUnavailableError) {
      // One line per outage burst, not one per refused request.
      const now = Date.now();
      if (now - lastOutageLog >= OUTAGE_LOG_EVERY_MS) {
        lastOutageLog = now;
        const path = new URL(request.url).pathname;
        options.logger.warn('storage unavailable: answering 503', { error: error.message, path });
      }
      return render(storageUnavailable(error), request);
    }
    if (code === 'VALIDATION') return render(validationError(error), request);
    // The client went away before the answer: its doing, not ours. Labelled 499 (as nginx does), so
    // logs and metrics do not count it as a server error; nobody is left to read the body.
    if (code !== 'NOT_FOUND' && request.signal.aborted) {
      const message = 'The client closed the request before the answer.';
      return render(new ApiError({ status: CLIENT_CLOSED_REQUEST, message, code: 'client_closed_request' }), request);
    }
    // A body that failed while read (over its limit mid-stream) carries its own ApiError.
    const cause = (error as Error).cause;
    if (code === 'PARSE' && cause instanceof ApiError) return render(cause, request);
    if (code === 'PARSE') {
      const invalidJson = new ApiError({
        status: 400,
        message: 'Invalid JSON in request body. Check for trailing commas or other syntax errors.',
        param: 'body',
        code: 'json_invalid',
      });
      return render(invalidJson, request);
    }
    if (code === 'NOT_FOUND') {
      const pathname = new URL(request.url).pathname;
      const methods = allowedMethods(pathname).filter((method) => method !== request.method);
      if (methods.length > 0) {
        const notAllowed = new ApiError({
          status: 405,
          message: `Method ${request.method} is not allowed on ${pathname}. Allowed: ${methods.join(', ')}.`,
          type: 'invalid_request_error',
          code: 'method_not_allowed',
          headers: { allow: methods.join(', ') },
        });
        return render(notAllowed, request);
      }
      return render(
        new ApiError({ status: 404, message: `Unknown route: ${request.method} ${pathname}`, code: 'not_found' }),
        request,
      );
    }
    options.logger.error('unhandled error', { error, path: new URL(request.url).pathname });
    return render(
      new ApiError({ status: 500, message: 'Internal server error', type: 'server_error', code: 'internal_error' }),
      request,
    );
  });
}
