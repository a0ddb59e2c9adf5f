import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { imageDimensions } from '../../src/attachments/image-dimensions';
import { findOversizedValue } from '../../src/security/structure-limits';
import { API_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/** A PNG header (signature + IHDR) declaring width × height; no pixel data is needed to read it. */
function pngHeader(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

describe('image dimensions from headers', () => {
  test('PNG, GIF, JPEG and WebP headers', () => {
    expect(imageDimensions(pngHeader(640, 480))).toEqual({ width: 640, height: 480 });
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x20, 0x03, 0x58, 0x02]);
    expect(imageDimensions(gif)).toEqual({ width: 800, height: 600 });
    // SOI, an APP0 segment, then SOF0 with height 300 and width 400.
    const jpeg = new Uint8Array([
      0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0x2c, 0x01, 0x90, 3, 0, 0, 0,
    ]);
    expect(imageDimensions(jpeg)).toEqual({ width: 400, height: 300 });
    const webp = new Uint8Array(30);
    webp.set(
      [...'RIFF'].map((c) => c.charCodeAt(0)),
      0,
    );
    webp.set(
      [...'WEBPVP8X'].map((c) => c.charCodeAt(0)),
      8,
    );
    webp.set([0x7f, 0x3e, 0x00, 0xff, 0x3e, 0x00], 24); // 16000 × 16128
    expect(imageDimensions(webp)).toEqual({ width: 16000, height: 16128 });
    expect(imageDimensions(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});

describe('structure limits', () => {
  const limits = { maxMessages: 3, maxContentParts: 2, maxTools: 1, maxArrayItems: 5, maxStringChars: 10, maxDepth: 6 };
  test('names the failing field', () => {
    expect(findOversizedValue({ messages: [{}, {}, {}, {}] }, limits)?.param).toBe('messages');
    expect(findOversizedValue({ messages: [{ content: [{}, {}, {}] }] }, limits)?.param).toBe('messages[0].content');
    expect(findOversizedValue({ tools: [{}, {}] }, limits)?.param).toBe('tools');
    expect(findOversizedValue({ messages: [{ content: 'x'.repeat(11) }] }, limits)?.param).toBe('messages[0].content');
    expect(findOversizedValue({ a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } }, limits)?.message).toContain(
      'nested deeper',
    );
    expect(findOversizedValue({ image: `data:image/png;base64,${'A'.repeat(100)}` }, limits)).toBeNull();
    expect(findOversizedValue({ messages: [{ content: [{ text: 'short' }] }] }, limits)).toBeNull();
  });
});

describe('request limits at the HTTP boundary', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: {
        GROK2API_LIMITS_MAX_BODY_MB: '1',
        GROK2API_LIMITS_MAX_MESSAGES: '4',
        GROK2API_LIMITS_MAX_TOOLS: '2',
        GROK2API_LIMITS_MAX_STRING_CHARS: '5000',
        GROK2API_LIMITS_MAX_IMAGE_PIXELS: '1000000',
      },
    });
  });
  afterAll(() => harness.stop());

  const chat = (body: unknown) => harness.api('/v1/chat/completions', { method: 'POST', body: JSON.stringify(body) });
  const upstreamChats = () =>
    harness.simulator.requests.filter((request) => request.path.includes('conversations')).length;

  test('a body over max_body_mb is a 413 in the OpenAI shape, and nothing goes upstream', async () => {
    const before = upstreamChats();
    const response = await chat({ model: 'grok-4', messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('at most 1048576 bytes'),
        type: 'invalid_request_error',
        param: 'body',
        code: 'request_too_large',
      },
    });
    expect(upstreamChats()).toBe(before);
  });

  test('the same on /v1/messages answers in the Anthropic shape', async () => {
    const response = await harness.api('/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: JSON.stringify({
        model: 'grok-4',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }],
      }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  test('too many messages, too many tools and an over-long string are 400s naming the field', async () => {
    const user = { role: 'user', content: 'hi' };
    let response = await chat({ model: 'grok-4', messages: [user, user, user, user, user] });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ param: 'messages', code: 'limit_exceeded' });

    const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object' } } };
    response = await chat({ model: 'grok-4', messages: [user], tools: [tool, tool, tool] });
    expect((await response.json()).error).toMatchObject({ param: 'tools', code: 'limit_exceeded' });

    response = await chat({ model: 'grok-4', messages: [user, { role: 'user', content: 'y'.repeat(5001) }] });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ param: 'messages[1].content', code: 'limit_exceeded' });
  });

  test('an image whose header declares too many pixels is refused before anything goes upstream', async () => {
    const before = upstreamChats();
    const dataUri = `data:image/png;base64,${Buffer.from(pngHeader(20_000, 20_000)).toString('base64')}`;
    const response = await chat({
      model: 'grok-4',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: dataUri } },
          ],
        },
      ],
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain('20000x20000 pixels');
    expect(upstreamChats()).toBe(before);

    const form = new FormData();
    form.append('prompt', 'edit');
    form.append('model', 'grok-imagine-1.0-edit');
    form.append('image', new File([pngHeader(20_000, 20_000)], 'big.png', { type: 'image/png' }));
    const edit = await fetch(`${harness.server.url}/v1/images/edits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: form,
    });
    expect(edit.status).toBe(400);
    expect((await edit.json()).error).toMatchObject({ param: 'image', code: 'image_too_large' });
  });

  test('a chunked body (no Content-Length) over the route limit gets the same 413; a small one is served', async () => {
    const chunked = (text: string) =>
      new ReadableStream({
        start(controller) {
          const bytes = new TextEncoder().encode(text);
          for (let offset = 0; offset < bytes.length; offset += 65_536)
            controller.enqueue(bytes.subarray(offset, offset + 65_536));
          controller.close();
        },
      });
    const send = (text: string) =>
      fetch(`${harness.server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: chunked(text),
        duplex: 'half',
      } as RequestInit);
    const big = await send(
      JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'x'.repeat(1_200_000) }] }),
    );
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatchObject({ param: 'body', code: 'request_too_large' });
    const small = await send(JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content: 'hello' }] }));
    expect(small.status).toBe(200);
    expect((await small.json()).choices[0].message.content).toBeTruthy();
  });

  test('a small request still works', async () => {
    const completion = await harness.client.chat.completions.create({
      model: 'grok-4',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });
});
