/**
 * The one error type the HTTP layer renders: OpenAI's envelope
 * `{"error":{"message","type","param","code"}}`. Handlers throw it; they never build error JSON.
 */

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'api_error';

export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

export interface ApiErrorOptions {
  status: number;
  message: string;
  type?: ApiErrorType;
  param?: string | null;
  code?: string | null;
  /** Seconds after which the client may retry; rendered as the Retry-After header. */
  retryAfterSeconds?: number;
  headers?: Record<string, string>;
}

const defaultTypeByStatus = (status: number): ApiErrorType => {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
};

export class ApiError extends Error {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly retryAfterSeconds?: number;
  readonly headers: Record<string, string>;

  constructor(options: ApiErrorOptions) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.type = options.type ?? defaultTypeByStatus(options.status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
  }

  toBody(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /**
   * The OpenAI-shaped answer. Not named `toResponse`: Elysia would call that itself for an error
   * thrown before routing and skip the error handler, which picks the route's own shape.
   */
  toJsonResponse(): Response {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.headers };
    if (this.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(Math.max(0, Math.ceil(this.retryAfterSeconds)));
    return new Response(JSON.stringify(this.toBody()), { status: this.status, headers });
  }
}

/** A 400 about one request field. */
export const invalidRequest = (message: string, param: string | null, code = 'invalid_value') =>
  new ApiError({ status: 400, message, param, code, type: 'invalid_request_error' });
