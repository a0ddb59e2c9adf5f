import { describe, expect, test } from 'bun:test';
import { encodeFrame, encodeResponse, parseResponse } from '../../src/upstream/grok/account-settings/grpc-web';
import {
  featureControlMessage,
  NSFW_FEATURE,
  tosAcceptedMessage,
} from '../../src/upstream/grok/account-settings/protobuf';

/** docs/upstream-protocol.md §14.7–14.9: the exact bytes and the tolerant reading of answers. */

describe('gRPC-web framing', () => {
  test('the request bodies are the documented bytes', () => {
    expect([...encodeFrame(tosAcceptedMessage())]).toEqual([0, 0, 0, 0, 2, 0x10, 0x01]);
    const body = encodeFrame(featureControlMessage(NSFW_FEATURE, true));
    expect(body.length).toBe(37);
    expect([...body.subarray(0, 11)]).toEqual([0, 0, 0, 0, 0x20, 0x0a, 0x02, 0x10, 0x01, 0x12, 0x1a]);
    expect(new TextDecoder().decode(body.subarray(13))).toBe('always_show_nsfw_content');
  });

  test('trailers give status and percent-decoded message; headers are the fallback; absent means success', () => {
    const refused = parseResponse(encodeResponse([], 7, 'age verification: required'), new Headers());
    expect(refused).toEqual({ ok: true, answer: { messages: [], status: 7, message: 'age verification: required' } });
    const fromHeaders = parseResponse(
      new Uint8Array(0),
      new Headers({ 'grpc-status': '16', 'grpc-message': 'bad%20credentials' }),
    );
    expect(fromHeaders).toMatchObject({ ok: true, answer: { status: 16, message: 'bad credentials' } });
    expect(parseResponse(encodeFrame(new Uint8Array(0)), new Headers())).toMatchObject({
      ok: true,
      answer: { status: null },
    });
  });

  test('grpc-web-text bodies are base64-decoded; broken frames are refused', () => {
    const bytes = encodeResponse([new Uint8Array(0)], 0);
    const text = new TextEncoder().encode(btoa(String.fromCharCode(...bytes)));
    expect(parseResponse(text, new Headers({ 'content-type': 'application/grpc-web-text' }))).toMatchObject({
      ok: true,
      answer: { status: 0 },
    });
    expect(parseResponse(Uint8Array.from([0, 0, 0, 0, 9, 1]), new Headers())).toEqual({
      ok: false,
      reason: 'a frame is longer than the body',
    });
    expect(parseResponse(Uint8Array.from([1, 0, 0, 0, 0]), new Headers())).toEqual({
      ok: false,
      reason: 'compressed frames are not supported',
    });
  });
});
