/**
 * Every console call goes through the documented admin API (/docs) with the session cookie; a
 * change carries the session's CSRF token. A 401 (the session ended) sends the page to sign-in.
 */

/** The API's error envelope: `{ error: { message, param, code } }`. */
export interface ApiErrorBody {
  error?: { message?: string; param?: string | null; code?: string | null };
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | string | null,
  ) {
    super((typeof body === 'object' && body?.error?.message) || `HTTP ${status}`);
  }

  /** The request field the server named as wrong, if any. */
  get param(): string | undefined {
    return (typeof this.body === 'object' && this.body?.error?.param) || undefined;
  }
}

export const statusOf = (error: unknown): number | undefined =>
  error instanceof ApiFailure ? error.status : undefined;

let csrf: string | null = null;
let onUnauthorized: () => void = () => {};

export const setCsrf = (token: string | null) => {
  csrf = token;
};
export const csrfToken = () => csrf;
/** What a 401 from any call but the session check does (session.ts shows the sign-in form). */
export const whenUnauthorized = (handler: () => void) => {
  onUnauthorized = handler;
};

export interface ApiOptions {
  method?: string;
  /** A plain object goes as JSON; a string or Blob as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (typeof options.body === 'string' || options.body instanceof Blob) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (options.method && options.method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const response = await fetch(path, { method: options.method, body, headers, credentials: 'same-origin' });
  const type = response.headers.get('content-type') || '';
  const answer = type.includes('application/json') ? await response.json() : await response.text();
  if (response.status === 401 && path !== '/v1/admin/session') onUnauthorized();
  if (!response.ok) throw new ApiFailure(response.status, answer);
  return answer as T;
}
