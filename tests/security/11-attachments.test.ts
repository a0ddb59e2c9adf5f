import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { API_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 11: a 0-byte `data:image/png;base64,` in chat was a 502 (the client's mistake reported
 * as ours); a 10-byte truncated PNG passed /v1/images/edits; bytes that are not an image but are
 * labelled image/png were forwarded. Now every route checks image bytes — magic number and a
 * header that decodes — before anything is uploaded, and answers 400.
 */

const WHOLE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const TRUNCATED_PNG = Buffer.from('89504e470d0a1a0a0000', 'hex'); // 10 bytes: signature and no header
const NOT_AN_IMAGE = Buffer.from('<html>not an image</html>');

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

const uploads = () => harness.simulator.requests.filter((request) => request.path.includes('upload-file')).length;

describe('chat attachments', () => {
  const chatWith = (url: string) =>
    harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-4',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ],
      }),
    });

  test.each([
    ['0 bytes', 'data:image/png;base64,', 'empty_file'],
    ['a truncated PNG', `data:image/png;base64,${TRUNCATED_PNG.toString('base64')}`, 'invalid_image'],
    ['HTML labelled image/png', `data:image/png;base64,${NOT_AN_IMAGE.toString('base64')}`, 'invalid_image_type'],
  ])('%s is a 400 and nothing is uploaded', async (_name, url, code) => {
    const before = uploads();
    const response = await chatWith(url);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code, param: 'messages' });
    expect(uploads()).toBe(before);
  });

  test('a whole PNG is uploaded with the type its bytes prove', async () => {
    // Labelled JPEG, but the bytes are a PNG: exact in what we send upstream.
    const response = await chatWith(`data:image/jpeg;base64,${WHOLE_PNG}`);
    expect(response.status).toBe(200);
    const upload = harness.simulator.requests.filter((request) => request.path.includes('upload-file')).at(-1)!;
    // The current multipart upload (docs/upstream-protocol.md §11.2) carries the type on its file part.
    expect((upload.body as { file: { type: string } }).file.type).toBe('image/png');
  });
});

describe('image edits and video references', () => {
  const edit = (bytes: Uint8Array<ArrayBuffer>, name: string) => {
    const form = new FormData();
    form.append('prompt', 'edit');
    form.append('model', 'grok-imagine-1.0-edit');
    form.append('image', new File([bytes], name, { type: 'image/png' }));
    return fetch(`${harness.server.url}/v1/images/edits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: form,
    });
  };

  test('a truncated PNG, an empty file and HTML are 400s on /v1/images/edits', async () => {
    const before = uploads();
    for (const [bytes, code] of [
      [TRUNCATED_PNG, 'invalid_image'],
      [new Uint8Array(0), 'empty_file'],
      [NOT_AN_IMAGE, 'invalid_image_type'],
    ] as const) {
      const response = await edit(new Uint8Array(bytes), 'x.png');
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ param: 'image', code });
    }
    expect(uploads()).toBe(before);
  });

  test('a truncated PNG as a video reference is a 400', async () => {
    const response = await harness.api('/v1/videos', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0-video',
        prompt: 'x',
        image_reference: `data:image/png;base64,${TRUNCATED_PNG.toString('base64')}`,
      }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ param: 'image_reference', code: 'invalid_image' });
  });
});
