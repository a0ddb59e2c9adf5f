import { egressProxy } from './egress/egress-proxy';
import type { HeaderList } from './grok/header-list';
import { UpstreamError } from './errors';

/**
 * The one place that calls `fetch` for upstream traffic. It owns the deadline for the response
 * head, links the caller's abort signal, and turns transport failures into `UpstreamError` so
 * callers never have to recognise Bun's error shapes themselves.
 */

export type FetchFunction = typeof fetch;

export interface HttpRequest {
  url: string;
  method: string;
  /** An ordered list: every upstream client keeps its order except Bun's own fetch (see browser-fetch.ts). */
  headers: HeaderList | Record<string, string>;
  body?: string | FormData | Uint8Array<ArrayBuffer>;
  /** Seconds until the response head must have arrived; 0 disables the deadline. */
  timeoutSeconds: number;
  /** The caller's cancellation; stays linked to the body after the head arrived. */
  signal?: AbortSignal;
  /** Proxy URL; empty means a direct connection. */
  proxyUrl?: string;
  /** `proxy.skip_proxy_ssl_verify`, for an https:// proxy. */
  skipProxyTlsVerify?: boolean;
  /** Short description for messages, e.g. "chat". Never include secrets. */
  purpose: string;
  fetch?: FetchFunction;
}

export interface HttpResponse {
  response: Response;
  /** Drops the connection (the body stream errors). Safe to call more than once. */
  abort(): void;
}

export async function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  const call = startCall(await withEgressProxy(request));
  try {
    return { response: await call.response, abort: call.abort };
  } finally {
    call.stopDeadline();
  }
}

export interface TextResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * For JSON calls: the deadline covers the body too, because a body that never finishes is as
 * useless as a head that never arrives. Reads at most `maxBytes`.
 */
export async function fetchBoundedText(request: HttpRequest, maxBytes: number): Promise<TextResponse> {
  const call = startCall(await withEgressProxy(request));
  try {
    const response = await call.response;
    const bytes = await readBoundedBytes(response, maxBytes).catch((error: unknown) => {
      throw call.translate(error);
    });
    return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes) };
  } finally {
    call.stopDeadline();
  }
}

/** SOCKS proxies become the loopback bridge's HTTP proxy URL. */
async function withEgressProxy(request: HttpRequest): Promise<HttpRequest> {
  if (!request.proxyUrl) return request;
  try {
    return {
      ...request,
      proxyUrl: await egressProxy(request.proxyUrl, { skipProxyTlsVerify: request.skipProxyTlsVerify }),
    };
  } catch (error) {
    throw error instanceof UpstreamError ? error : transportError(request.purpose, error);
  }
}

interface Call {
  response: Promise<Response>;
  abort(): void;
  stopDeadline(): void;
  translate(error: unknown): unknown;
}

function startCall(request: HttpRequest): Call {
  const fetchFunction = request.fetch ?? fetch;
  const ownController = new AbortController();
  // The caller's abort is forwarded to our own signal: lighter per call than AbortSignal.any.
  const callerSignal = request.signal;
  if (callerSignal?.aborted) ownController.abort(callerSignal.reason);
  else callerSignal?.addEventListener('abort', () => ownController.abort(callerSignal.reason), { once: true });
  const signal = ownController.signal;
  let timedOut = false;
  const timer =
    request.timeoutSeconds > 0
      ? setTimeout(() => {
          timedOut = true;
          ownController.abort();
        }, request.timeoutSeconds * 1000)
      : undefined;

  const translate = (error: unknown): unknown => {
    if (error instanceof UpstreamError) return error;
    if (request.signal?.aborted) return request.signal.reason;
    if (timedOut) {
      return new UpstreamError({
        code: 'timeout',
        message: `${request.purpose}: no response from upstream within ${request.timeoutSeconds}s`,
        retryable: true,
        accountEffect: 'none',
        cause: error,
      });
    }
    return transportError(request.purpose, error);
  };

  const init: BunFetchRequestInit = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal,
    redirect: 'manual',
  };
  if (request.proxyUrl) init.proxy = request.proxyUrl;
  let response: Promise<Response>;
  try {
    response = fetchFunction(request.url, init).catch((error: unknown) => {
      throw translate(error);
    });
  } catch (error) {
    // An injected fetch may throw synchronously; treat it like a rejected promise.
    response = Promise.reject(translate(error));
  }
  return { response, abort: () => ownController.abort(), stopDeadline: () => clearTimeout(timer), translate };
}

/** A connection-level failure (refused, reset, DNS, TLS, proxy) as an `UpstreamError`. */
export function transportError(purpose: string, error: unknown): UpstreamError {
  return new UpstreamError({
    code: 'network',
    message: `${purpose}: upstream connection failed (${describeTransportError(error)})`,
    retryable: true,
    accountEffect: 'none',
    cause: error,
  });
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * Reads at most `maxBytes` of an error body as text and releases the rest, so an error page of
 * any size costs a bounded amount of memory. A body that breaks off still leaves us the status,
 * so read failures give what was read so far.
 */
export async function readErrorBodyText(response: Response, maxBytes: number): Promise<string> {
  const bytes = await readBoundedBytes(response, maxBytes, { keepPartialOnError: true });
  return new TextDecoder().decode(bytes);
}

export async function readBoundedBytes(
  response: Response,
  maxBytes: number,
  options: { keepPartialOnError?: boolean } = {},
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - length;
      const piece = value.byteLength > room ? value.subarray(0, room) : value;
      chunks.push(piece);
      length += piece.byteLength;
    }
  } catch (error) {
    if (!options.keepPartialOnError) throw error;
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks, length);
}
