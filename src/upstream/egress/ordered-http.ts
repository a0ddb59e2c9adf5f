import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * A fetch for `upstream.http_client = "bun"` that writes request headers in the order and casing
 * it is given. Bun's own fetch sorts them by name whatever it receives (an array of pairs
 * included); its node:http client writes a raw header array as it is, so direct REST calls go
 * through node:http here: `Host`, `Connection` and `Content-Length` first, as Chrome writes them
 * on HTTP/1.1, then ours. Bodies are decoded here (node:http does not), and the caller's abort
 * signal ends both the request and the body.
 */

const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

export async function orderedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(String(input instanceof Request ? input.url : input));
  const body = await bodyBytes(init?.body);
  const raw = ['Host', url.host, 'Connection', 'keep-alive'];
  if (body) raw.push('Content-Length', String(body.length));
  for (const [name, value] of headerPairs(init?.headers))
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) raw.push(name, value);
  const signal = init?.signal ?? undefined;
  signal?.throwIfAborted();
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    let incoming: http.IncomingMessage | undefined;
    const onAbort = () => {
      const reason = signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
      request.destroy(reason instanceof Error ? reason : undefined);
      incoming?.destroy(reason instanceof Error ? reason : undefined);
      reject(reason);
    };
    const request = client.request(
      {
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: (init?.method ?? 'GET').toUpperCase(),
        // A flat [name, value, …] array is written as given (node:http's raw form).
        headers: raw as unknown as http.OutgoingHttpHeaders,
        // Offer HTTP/1.1 as Bun's fetch does (node:https would offer no ALPN at all).
        ...(url.protocol === 'https:' ? { ALPNProtocols: ['http/1.1'] } : {}),
      },
      (response) => {
        incoming = response;
        resolve(toResponse(response, (init?.method ?? 'GET').toUpperCase() === 'HEAD'));
      },
    );
    request.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    request.on('close', () => {
      if (incoming?.complete) signal?.removeEventListener('abort', onAbort);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end(body);
  });
}

function toResponse(response: http.IncomingMessage, head: boolean): Response {
  const headers = new Headers();
  for (let index = 0; index + 1 < response.rawHeaders.length; index += 2)
    headers.append(response.rawHeaders[index]!, response.rawHeaders[index + 1]!);
  const status = response.statusCode ?? 502;
  if (head || status === 204 || status === 304) {
    response.resume();
    return new Response(null, { status, statusText: response.statusMessage, headers });
  }
  const decoder = decoderFor(headers.get('content-encoding'));
  let stream: Readable = response;
  if (decoder) {
    stream = response.pipe(decoder);
    response.on('error', (error) => decoder.destroy(error));
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return new Response(Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, {
    status,
    statusText: response.statusMessage,
    headers,
  });
}

function decoderFor(
  encoding: string | null,
): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | zlib.ZstdDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return zlib.createZstdDecompress();
    default:
      return undefined;
  }
}

function headerPairs(headers: HeadersInit | undefined): [string, string][] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([name, value]) => [String(name), String(value)]);
  if (headers instanceof Headers) return [...headers.entries()];
  return Object.entries(headers as Record<string, string>);
}

async function bodyBytes(body: BodyInit | null | undefined): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}
