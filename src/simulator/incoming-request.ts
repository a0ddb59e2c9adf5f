import { parseCookies, ssoToken } from './cookies';
import type { RecordedRequest } from './types';

/** A request whose body has been read once, so both the recorder and a handler can use it. */
export interface IncomingRequest {
  request: Request;
  method: string;
  path: string;
  cookies: Record<string, string>;
  token: string | undefined;
  bodyBytes: Uint8Array<ArrayBuffer>;
  recorded: RecordedRequest;
}

export async function readIncomingRequest(request: Request, now: number): Promise<IncomingRequest> {
  const url = new URL(request.url);
  const bodyBytes = new Uint8Array(await request.arrayBuffer());
  const cookies = parseCookies(request.headers.get('cookie'));
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const rawBody = new TextDecoder().decode(bodyBytes);
  const recorded: RecordedRequest = {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    cookies,
    body: await describeBody(bodyBytes, rawBody, headers['content-type'] ?? ''),
    rawBody,
    at: now,
  };
  return {
    request,
    method: request.method,
    path: url.pathname,
    cookies,
    token: ssoToken(cookies),
    bodyBytes,
    recorded,
  };
}

export function parseJsonBody(incoming: IncomingRequest): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(incoming.bodyBytes)) };
  } catch {
    return { ok: false };
  }
}

/** The body as a JSON object, or undefined when it is not one (arrays and null included). */
export function parseJsonObjectBody(incoming: IncomingRequest): Record<string, unknown> | undefined {
  const body = parseJsonBody(incoming);
  if (!body.ok || typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) return undefined;
  return body.value as Record<string, unknown>;
}

export async function parseMultipartBody(incoming: IncomingRequest): Promise<FormData | undefined> {
  const contentType = incoming.request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return undefined;
  try {
    return await new Response(incoming.bodyBytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
}

// Tests assert what the gateway sent: JSON becomes a value, multipart a field summary (files
// by name, type and size), anything else stays text.
async function describeBody(bytes: Uint8Array<ArrayBuffer>, text: string, contentType: string): Promise<unknown> {
  if (bytes.length === 0) return null;
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    try {
      const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
      const fields: Record<string, unknown> = {};
      form.forEach((value, name) => {
        fields[name] = typeof value === 'string' ? value : { fileName: value.name, type: value.type, size: value.size };
      });
      return fields;
    } catch {
      return text;
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
