import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The documented answers of a route, for its `detail.responses` in /docs/json. Documentation only:
 * Elysia does not validate these (a `response` schema would be checked on every answer, which a
 * streaming chat route cannot afford), so they stay loose where a body is open-ended — the fields
 * named are always there, others may be added.
 */

const nullableString = Type.Union([Type.String(), Type.Null()]);

/** `{"error":{"message","type","param","code"}}`: every error of the OpenAI and admin routes. */
export const ErrorEnvelope = Type.Object(
  { error: Type.Object({ message: Type.String(), type: Type.String(), param: nullableString, code: nullableString }) },
  { description: 'OpenAI-style error envelope' },
);

/** `{"type":"error","error":{"type","message"}}`: every error of the Anthropic routes. */
export const AnthropicErrorEnvelope = Type.Object(
  { type: Type.Literal('error'), error: Type.Object({ type: Type.String(), message: Type.String() }) },
  { description: 'Anthropic error envelope' },
);

/** An object with at least these fields. */
export const shape = (properties: Record<string, TSchema>, description?: string) =>
  Type.Object(properties, { additionalProperties: true, ...(description ? { description } : {}) });

/** `{"status":"success", …}`, the admin API's usual answer. */
export const Success = (extra: Record<string, TSchema> = {}) => shape({ status: Type.Literal('success'), ...extra });

export const AnyObject = Type.Object({}, { additionalProperties: true });

type Content = Record<string, { schema: TSchema }>;

export const json = (schema: TSchema): Content => ({ 'application/json': { schema } });
/** A server-sent event stream (`stream: true`). */
export const eventStream = (description: string): Content => ({
  'text/event-stream': { schema: Type.String({ description }) },
});
export const binary = (contentType: string, description: string): Content => ({
  [contentType]: { schema: Type.String({ format: 'binary', description }) },
});
export const text = (contentType: string, description: string): Content => ({
  [contentType]: { schema: Type.String({ description }) },
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (the field is named in param)',
  401: 'Missing or wrong credential',
  403: 'Not allowed (CSRF token, model allowlist)',
  404: 'Not found',
  409: 'Conflict (confirmation needed, key set by the environment)',
  413: 'Request body over the route limit',
  429: 'Rate limited, or too many failed credentials from this address (Retry-After)',
  502: 'Upstream failure',
  503: 'No account available, or storage unavailable (Retry-After)',
};

export interface ResponseOptions {
  description?: string;
  /** Error statuses the route answers; default 400 and 401 (with 413 and 429 where a body or key is taken). */
  errors?: number[];
  /** The error body (Anthropic routes answer in their own shape). */
  errorShape?: TSchema;
  /** The success status (default 200). */
  status?: number;
}

export interface DocumentedResponse {
  description: string;
  content?: Content;
}

/** `detail.responses` for one route: its success content and its error statuses. */
export function responses(content: Content | null, options: ResponseOptions = {}): Record<string, DocumentedResponse> {
  const success = { description: options.description ?? 'OK', ...(content ? { content } : {}) };
  const result: Record<string, DocumentedResponse> = { [String(options.status ?? 200)]: success };
  for (const status of options.errors ?? [400, 401]) {
    const description = ERROR_DESCRIPTIONS[status] ?? 'Error';
    result[String(status)] = { description, content: json(options.errorShape ?? ErrorEnvelope) };
  }
  return result;
}

/** Usual error statuses by kind of route. */
export const CLIENT_ERRORS = [400, 401, 403, 404, 413, 429, 502, 503];
export const ADMIN_ERRORS = [400, 401, 403, 413, 429];
export const ADMIN_READ_ERRORS = [401, 429];
