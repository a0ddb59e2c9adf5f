import { ApiError, type ApiErrorOptions } from '../http/errors';

/**
 * Anthropic's error envelope `{"type":"error","error":{"type","message"}}`, rendered from the
 * gateway's one error type on the Anthropic routes (their route group declares it), so Anthropic
 * SDKs see the statuses and types they know. The failing field is named at the start of the
 * message, as Anthropic does.
 */

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export const anthropicErrorType = (status: number): AnthropicErrorType => {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
};

/** An error whose Anthropic body carries `error.details` (`{"error_code":"thread_not_found"}`: the SDK reads it). */
export class AnthropicDetailedError extends ApiError {
  constructor(
    options: ApiErrorOptions,
    readonly details: Record<string, unknown>,
  ) {
    super(options);
  }
}

export const anthropicErrorBody = (error: ApiError) => ({
  type: 'error' as const,
  error: {
    type: anthropicErrorType(error.status),
    message: error.param && !error.message.includes(error.param) ? `${error.param}: ${error.message}` : error.message,
    ...(error instanceof AnthropicDetailedError ? { details: error.details } : {}),
  },
});

export function anthropicErrorResponse(error: ApiError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...error.headers };
  if (error.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  return new Response(JSON.stringify(anthropicErrorBody(error)), { status: error.status, headers });
}
