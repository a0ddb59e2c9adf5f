/**
 * The simulator's own gRPC-web framing and the two request messages it expects
 * (docs/upstream-protocol.md §14.7–14.9), written independently of the gateway's encoder so a
 * mistake there shows as a refused call here rather than being mirrored.
 */

export const GRPC_WEB_CONTENT_TYPE = 'application/grpc-web+proto';
const TRAILER_FLAG = 0x80;

/** SetTosAcceptedVersion: field 2 (varint) = 1. */
export const TOS_ACCEPTED_MESSAGE = Uint8Array.of(0x10, 0x01);

/** UpdateUserFeatureControls for `always_show_nsfw_content`: field 1 = {field 2 = enabled}, field 2 = {field 1 = name}. */
export function nsfwFeatureMessage(enabled: boolean): Uint8Array {
  const name = new TextEncoder().encode('always_show_nsfw_content');
  return Uint8Array.of(0x0a, 0x02, 0x10, enabled ? 1 : 0, 0x12, name.length + 2, 0x0a, name.length, ...name);
}

function frame(flags: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(5 + payload.length);
  bytes[0] = flags;
  new DataView(bytes.buffer).setUint32(1, payload.length);
  bytes.set(payload, 5);
  return bytes;
}

/** An answer: one empty data frame on success, then the trailer with the status. */
export function grpcWebAnswerBody(status: number, message?: string): Uint8Array<ArrayBuffer> {
  const trailer = `grpc-status:${status}\r\n${message === undefined ? '' : `grpc-message:${encodeURIComponent(message)}\r\n`}`;
  const frames = [
    ...(status === 0 ? [frame(0, new Uint8Array(0))] : []),
    frame(TRAILER_FLAG, new TextEncoder().encode(trailer)),
  ];
  return Uint8Array.from(frames.flatMap((bytes) => [...bytes]));
}

/** The data frames of a binary request body, or why it is not a well-formed one. */
export function requestDataFrames(body: Uint8Array): Uint8Array[] | string {
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) return 'a frame header is cut short';
    const flags = body[offset]!;
    const length = new DataView(body.buffer, body.byteOffset + offset + 1, 4).getUint32(0);
    const start = offset + 5;
    if (start + length > body.length) return 'a frame is longer than the body';
    if (flags !== 0) return 'only uncompressed data frames are expected in a request';
    messages.push(body.subarray(start, start + length));
    offset = start + length;
  }
  return messages;
}
