/**
 * gRPC-web framing (docs/upstream-protocol.md §14.7): every message is a 5-byte
 * header (flags, big-endian length) and its payload; the trailer frame (flag 0x80) carries
 * `grpc-status` and `grpc-message` as text lines. Pure functions, shared by the Grok client
 * and the simulator so both sides agree on the bytes.
 */

export const GRPC_WEB_CONTENT_TYPE = 'application/grpc-web+proto';
const DATA_FLAG = 0x00;
const COMPRESSED_FLAG = 0x01;
const TRAILER_FLAG = 0x80;

export function encodeFrame(payload: Uint8Array, flags = DATA_FLAG): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(5 + payload.length);
  frame[0] = flags;
  new DataView(frame.buffer).setUint32(1, payload.length, false);
  frame.set(payload, 5);
  return frame;
}

/** An answer body: its data frames, then a trailer frame with the status. */
export function encodeResponse(messages: Uint8Array[], status: number, message?: string): Uint8Array<ArrayBuffer> {
  const trailer = `grpc-status:${status}\r\n${message === undefined ? '' : `grpc-message:${encodeURIComponent(message)}\r\n`}`;
  const frames = [
    ...messages.map((payload) => encodeFrame(payload)),
    encodeFrame(new TextEncoder().encode(trailer), TRAILER_FLAG),
  ];
  const body = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    body.set(frame, offset);
    offset += frame.length;
  }
  return body;
}

export interface GrpcWebAnswer {
  messages: Uint8Array[];
  /** Null when neither trailers nor headers carried one (the reference treats that as success). */
  status: number | null;
  message: string;
}

export type GrpcWebParse = { ok: true; answer: GrpcWebAnswer } | { ok: false; reason: string };

/** Reads a response body; `headers` supply `grpc-status`/`grpc-message` when no trailer frame does. */
export function parseResponse(rawBody: Uint8Array, headers: Headers): GrpcWebParse {
  const body = isBase64Text(rawBody, headers) ? decodeBase64(rawBody) : rawBody;
  if (body === null) return { ok: false, reason: 'the grpc-web-text body is not base64' };
  const messages: Uint8Array[] = [];
  let trailers: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) return { ok: false, reason: 'a frame header is cut short' };
    const flags = body[offset]!;
    const length = new DataView(body.buffer, body.byteOffset + offset + 1, 4).getUint32(0, false);
    const start = offset + 5;
    if (start + length > body.length) return { ok: false, reason: 'a frame is longer than the body' };
    const payload = body.subarray(start, start + length);
    if (flags & TRAILER_FLAG) trailers = { ...trailers, ...parseTrailerText(new TextDecoder().decode(payload)) };
    else if (flags & COMPRESSED_FLAG) return { ok: false, reason: 'compressed frames are not supported' };
    else messages.push(payload);
    offset = start + length;
  }
  const statusText = trailers['grpc-status'] ?? headers.get('grpc-status') ?? undefined;
  const status = statusText === undefined || statusText.trim() === '' ? null : Number.parseInt(statusText, 10);
  if (status !== null && !Number.isInteger(status)) return { ok: false, reason: 'grpc-status is not a number' };
  const message = trailers['grpc-message'] ?? headers.get('grpc-message') ?? '';
  return { ok: true, answer: { messages, status, message: percentDecode(message) } };
}

function parseTrailerText(text: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const separator = line.indexOf(':');
    if (separator <= 0) continue;
    trailers[line.slice(0, separator).trim().toLowerCase()] = line.slice(separator + 1).trim();
  }
  return trailers;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;

function isBase64Text(body: Uint8Array, headers: Headers): boolean {
  if ((headers.get('content-type') ?? '').includes('grpc-web-text')) return true;
  // A binary answer starts with a flags byte (0x00 or 0x80), never with a base64 character.
  return body.length > 0 && body.length % 4 === 0 && BASE64_TEXT.test(new TextDecoder().decode(body));
}

function decodeBase64(body: Uint8Array): Uint8Array | null {
  try {
    return Uint8Array.from(atob(new TextDecoder().decode(body).replace(/\s+/g, '')), (character) =>
      character.charCodeAt(0),
    );
  } catch {
    return null;
  }
}
