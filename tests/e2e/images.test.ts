import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { toFile } from 'openai';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';
import { pngFor } from '../../src/simulator/media-bytes';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    accounts: [
      { token: 'account-a', tier: 'basic' },
      { token: 'account-b', tier: 'basic' },
    ],
  });
});
afterAll(() => harness.stop());
afterEach(() => harness.simulator.reset());

const PNG = pngFor('client-upload');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const imagineMessages = (h: Harness) =>
  h.simulator.requests.filter((request) => request.method === 'WS').map((request) => request.body as any);
const isPng = (bytes: Uint8Array) => [...bytes.slice(0, 4)].join() === '137,80,78,71';

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ status: number; param: string | null; code: string | null; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; param: string | null; code: string | null; message: string };
    return { status: e.status, param: e.param, code: e.code, message: e.message };
  }
  throw new Error('expected the call to fail');
}

describe('POST /v1/images/generations', () => {
  test('url format via the Imagine WebSocket: size becomes the aspect ratio, links serve the real bytes', async () => {
    const result = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'a red fox',
      n: 1,
      size: '1280x720' as never,
    });
    expect(result.data).toHaveLength(1);
    const url = result.data![0]!.url!;
    expect(url).toStartWith(`${harness.server.url}/v1/files/image/`);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(isPng(new Uint8Array(await served.arrayBuffer()))).toBe(true);
    const sent = imagineMessages(harness);
    expect(sent[0]!.item.content[0].type).toBe('reset');
    expect(sent[1]!.item.content[0]).toMatchObject({
      type: 'input_text',
      text: 'a red fox',
      properties: { aspect_ratio: '16:9', num_generations: 1, enable_nsfw: true },
    });
    expect(chatCalls(harness.simulator)).toHaveLength(0);
  });

  test('when the WebSocket is unavailable, chat-based generation takes over; its assets are fetched with the owner cookie', async () => {
    harness.simulator.enqueueFault({ kind: 'server_error', match: { path: '/ws/imagine/listen' } });
    const result = await harness.client.images.generate({ model: 'grok-imagine-1.0', prompt: 'a red fox', n: 1 });
    expect((await fetch(result.data![0]!.url!)).status).toBe(200);
    const call = chatCalls(harness.simulator)[0]!;
    expect((call.body as Record<string, unknown>).toolOverrides).toEqual({ imageGen: true });
    expect((call.body as Record<string, unknown>).imageGenerationCount).toBe(1);
    const download = harness.simulator.requests.find((request) => request.path.includes('/generated/'))!;
    expect(download.cookies.sso).toBe(call.cookies.sso);
  });

  test('b64_json and base64 formats return the bytes', async () => {
    for (const format of ['b64_json', 'base64'] as const) {
      const result = await harness.client.images.generate({
        model: 'grok-imagine-1.0',
        prompt: 'a fox',
        response_format: format as 'b64_json',
      });
      expect(isPng(new Uint8Array(Buffer.from(result.data![0]!.b64_json!, 'base64')))).toBe(true);
      expect(result.data![0]!.url).toBeUndefined();
    }
  });

  test('n = 5 asks the WebSocket for five and returns five distinct images', async () => {
    const result = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'five foxes',
      n: 5,
      response_format: 'b64_json',
    });
    expect(result.data).toHaveLength(5);
    expect(new Set(result.data!.map((image) => image.b64_json)).size).toBe(5);
    expect(imagineMessages(harness)[1]!.item.content[0].properties.num_generations).toBe(5);
  });

  test('n = 5 on the chat-based fallback fans out over three calls of at most two', async () => {
    harness.simulator.enqueueFault({ kind: 'server_error', match: { path: '/ws/imagine/listen' } });
    const result = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'five foxes',
      n: 5,
      response_format: 'b64_json',
    });
    expect(new Set(result.data!.map((image) => image.b64_json)).size).toBe(5);
    const counts = chatCalls(harness.simulator).map(
      (call) => (call.body as Record<string, number>).imageGenerationCount,
    );
    expect(counts.sort()).toEqual([1, 2, 2]);
  });

  test('streaming sends partial images, then the completed ones', async () => {
    const stream = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'a fox',
      n: 2,
      stream: true,
      partial_images: 1,
      response_format: 'b64_json',
    } as never);
    const events: { type: string; b64_json?: string; index?: number }[] = [];
    for await (const event of stream as unknown as AsyncIterable<{ type: string }>) events.push(event);
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'image_generation.partial_image')).toHaveLength(2);
    expect(types.filter((type) => type === 'image_generation.completed')).toHaveLength(2);
    expect(types.lastIndexOf('image_generation.partial_image')).toBeLessThan(
      types.indexOf('image_generation.completed'),
    );
    for (const event of events) expect(isPng(new Uint8Array(Buffer.from(event.b64_json!, 'base64')))).toBe(true);
  });

  test('a moderated image is dropped, never padded: the others are returned (WebSocket and chat-based paths)', async () => {
    harness.simulator.enqueueFault({ kind: 'moderated', imageIndexes: [1] });
    const socket = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'three',
      n: 3,
      response_format: 'b64_json',
    });
    expect(socket.data).toHaveLength(2);
    harness.simulator.enqueueFault({ kind: 'server_error', match: { path: '/ws/imagine/listen' } });
    harness.simulator.enqueueFault({ kind: 'moderated', imageIndexes: [0] });
    const chat = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'two',
      n: 2,
      response_format: 'url',
    });
    expect(chat.data).toHaveLength(1);
    expect((await fetch(chat.data![0]!.url!)).status).toBe(200);
  });

  test('moderated images are dropped; when none survive the answer is a content-policy error', async () => {
    harness.simulator.enqueueFault({ kind: 'moderated' });
    const failure = await errorOf(harness.client.images.generate({ model: 'grok-imagine-1.0', prompt: 'forbidden' }));
    expect(failure.status).toBe(400);
    expect(failure.code).toBe('content_policy_violation');
  });

  test('an in-band usage limit cools the account and the request moves on; with none left it is a 429', async () => {
    const own = await startHarness({
      accounts: [
        { token: 'quota-a', tier: 'basic' },
        { token: 'quota-b', tier: 'basic' },
      ],
    });
    try {
      own.simulator.enqueueFault({ kind: 'usage_limit' });
      const result = await own.client.images.generate({ model: 'grok-imagine-1.0', prompt: 'fox' });
      expect(result.data).toHaveLength(1);
      const requests = own.simulator.requests.filter(
        (request) =>
          request.method === 'WS' &&
          (request.body as { item: { content: { type: string }[] } }).item.content[0]!.type === 'input_text',
      );
      const [first, second] = requests;
      expect(first!.cookies.sso).not.toBe(second!.cookies.sso);
      const body = (await (await own.admin('/v1/admin/tokens?export=true')).json()) as {
        tokens: Record<string, { token: string; status: string }[]>;
      };
      expect(
        Object.values(body.tokens)
          .flat()
          .find((account) => account.token === first!.cookies.sso)!.status,
      ).toBe('cooling');

      own.simulator.enqueueFault({ kind: 'usage_limit', times: 5 });
      const failure = await errorOf(own.client.images.generate({ model: 'grok-imagine-1.0', prompt: 'fox' }));
      expect(failure.status).toBe(429);
    } finally {
      await own.stop();
    }
  });

  test('bad inputs are 400s naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ prompt: 'x', size: '999x999' }, 'size', '1024x1024'],
      [{ prompt: 'x', n: 11 }, 'n', '10'],
      [{ prompt: 'x', n: 0 }, 'n', '1'],
      [{ prompt: 'x', n: 3, stream: true }, 'n', 'Streaming'],
      [{ prompt: '  ' }, 'prompt', 'empty'],
      [{ prompt: 'x', response_format: 'gif' }, 'response_format', 'b64_json'],
      [{ prompt: 'x', model: 'grok-4' }, 'model', 'grok-imagine-1.0'],
    ];
    for (const [body, param, mention] of cases) {
      const response = await harness.api('/v1/images/generations', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { param: string; message: string } }).error;
      expect(error.param).toBe(param);
      expect(error.message).toContain(mention);
    }
    expect(chatCalls(harness.simulator)).toHaveLength(0);
  });
});

describe('POST /v1/images/edits', () => {
  test('multipart: the last three images are uploaded, then one edit call with their ids', async () => {
    const files = await Promise.all(
      [1, 2, 3, 4].map((index) => toFile(pngFor(`in-${index}`), `in-${index}.png`, { type: 'image/png' })),
    );
    const result = await harness.client.images.edit({
      model: 'grok-imagine-1.0-edit',
      prompt: 'make it blue',
      image: files,
      response_format: 'b64_json',
    } as never);
    expect(result.data).toHaveLength(1);
    expect(isPng(new Uint8Array(Buffer.from(result.data![0]!.b64_json!, 'base64')))).toBe(true);
    // §11.2: multipart v2 uploads that name the Imagine source.
    const uploads = harness.simulator.requests.filter((request) => request.path === '/http/upload-file-v2/direct');
    type Upload = { file: { fileName: string }; file_source: string };
    expect(uploads.map((upload) => (upload.body as Upload).file.fileName)).toEqual([
      'in-2.png',
      'in-3.png',
      'in-4.png',
    ]);
    expect(uploads.map((upload) => (upload.body as Upload).file_source)).toEqual(
      Array(3).fill('IMAGINE_SELF_UPLOAD_FILE_SOURCE'),
    );
    expect(uploads[0]!.headers.referer).toBe(`${harness.simulator.url}/imagine`);
    const edit = chatCalls(harness.simulator)[0]!.body as {
      modelName: string;
      mediaGenInput: { imageToImage: Record<string, unknown> };
    };
    expect(edit.modelName).toBe('imagine-image-edit');
    expect(edit.mediaGenInput.imageToImage.inputAssets).toHaveLength(3);
    // §12.4: no size given, no aspectRatio, so the upstream keeps the input's shape.
    expect(edit.mediaGenInput.imageToImage).not.toHaveProperty('aspectRatio');
  });

  test('an edit with a size sends its aspect ratio', async () => {
    const file = await toFile(pngFor('wide'), 'wide.png', { type: 'image/png' });
    await harness.client.images.edit({
      model: 'grok-imagine-1.0-edit',
      prompt: 'wider',
      image: file,
      size: '1280x720',
      response_format: 'b64_json',
    } as never);
    const edit = chatCalls(harness.simulator).at(-1)!.body as {
      mediaGenInput: { imageToImage: Record<string, unknown> };
    };
    expect(edit.mediaGenInput.imageToImage.aspectRatio).toBe('16:9');
  });

  test('streaming edits use the image_edit event names', async () => {
    const form = new FormData();
    form.set('prompt', 'blue');
    form.set('model', 'grok-imagine-1.0-edit');
    form.set('stream', 'true');
    form.set('image', new Blob([PNG], { type: 'image/png' }), 'a.png');
    const response = await fetch(`${harness.server.url}/v1/images/edits`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test-gateway' },
      body: form,
    });
    const text = await response.text();
    expect(text).toContain('event: image_edit.partial_image');
    expect(text).toContain('event: image_edit.completed');
    expect(text).not.toContain('image_generation.');
  });

  test('JSON with a data URI works', async () => {
    const dataUri = `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`;
    const response = await harness.api('/v1/images/edits', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-imagine-1.0-edit', prompt: 'blue', images: [{ image_url: dataUri }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { url: string }[] };
    expect((await fetch(body.data[0]!.url)).status).toBe(200);
  });

  test('wrong file type, empty file, oversize file, missing image and a private URL are 400s naming the field', async () => {
    const send = (form: FormData) =>
      fetch(`${harness.server.url}/v1/images/edits`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test-gateway' },
        body: form,
      });
    const form = (image?: Blob, name = 'a.png') => {
      const data = new FormData();
      data.set('prompt', 'x');
      data.set('model', 'grok-imagine-1.0-edit');
      if (image) data.set('image', image, name);
      return data;
    };
    const expectations: [FormData, string][] = [
      [form(new Blob(['GIF89a not really'], { type: 'image/png' })), 'invalid_image_type'],
      [form(new Blob([])), 'empty_file'],
      [form(new Blob([PNG, new Uint8Array(50 * 1024 * 1024)], { type: 'image/png' })), 'file_too_large'],
      [form(), 'missing_image'],
    ];
    for (const [body, code] of expectations) {
      const response = await send(body);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { param: string; code: string } }).error;
      expect(error).toMatchObject({ param: 'image', code });
    }
    const privateUrl = await harness.api('/v1/images/edits', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-imagine-1.0-edit', prompt: 'x', image: 'http://127.0.0.1:1/a.png' }),
    });
    expect(privateUrl.status).toBe(400);
    expect(((await privateUrl.json()) as { error: { param: string } }).error.param).toBe('image[0]');
    expect(chatCalls(harness.simulator)).toHaveLength(0);
  });
});

describe('image models through chat', () => {
  test('grok-imagine-1.0-fast takes n/size/format from [imagine_fast] and answers every image as markdown', async () => {
    const completion = await harness.client.chat.completions.create({
      model: 'grok-imagine-1.0-fast',
      messages: [{ role: 'user', content: 'a cat' }],
      image_config: { n: 1 },
    } as never);
    const content = (completion as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    expect(content).toMatch(/^!\[image\]\(http:\/\/127\.0\.0\.1:\d+\/v1\/files\/image\/[^)]+\)$/);
  });

  test('grok-imagine-1.0 with image_config n=3 and base64 streams three data-URI images', async () => {
    const stream = await harness.client.chat.completions.create({
      model: 'grok-imagine-1.0',
      messages: [{ role: 'user', content: 'dogs' }],
      stream: true,
      image_config: { n: 3, response_format: 'b64_json' },
    } as never);
    let content = '';
    for await (const chunk of stream as unknown as AsyncIterable<{ choices: { delta: { content?: string } }[] }>)
      content += chunk.choices[0]?.delta.content ?? '';
    expect(content.match(/!\[image\]\(data:image\/png;base64,[A-Za-z0-9+/=]+\)/g)).toHaveLength(3);
  });

  test('a bad image_config names the nested field; the edit model edits an image from the history', async () => {
    const bad = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0',
        messages: [{ role: 'user', content: 'x' }],
        image_config: { size: '1x1' },
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('image_config.size');

    const first = await harness.client.images.generate({
      model: 'grok-imagine-1.0',
      prompt: 'a fox',
      response_format: 'b64_json',
    });
    const dataUri = `data:image/png;base64,${first.data![0]!.b64_json}`;
    const edited = await harness.client.chat.completions.create({
      model: 'grok-imagine-1.0-edit',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'make it blue' },
            { type: 'image_url', image_url: { url: dataUri } },
          ],
        },
      ],
    });
    expect(edited.choices[0]!.message.content).toStartWith('![image](');
    expect(chatCalls(harness.simulator).at(-1)!.body).toMatchObject({
      modelName: 'imagine-image-edit',
      message: 'make it blue',
    });
  });

  test('the edit model edits an image linked from an earlier answer (read from our own cache)', async () => {
    const first = await harness.client.chat.completions.create({
      model: 'grok-imagine-1.0',
      messages: [{ role: 'user', content: 'a fox' }],
    });
    const answer = first.choices[0]!.message.content!;
    harness.simulator.reset();
    const edited = await harness.client.chat.completions.create({
      model: 'grok-imagine-1.0-edit',
      messages: [
        { role: 'user', content: 'a fox' },
        { role: 'assistant', content: answer },
        { role: 'user', content: 'now in blue' },
      ],
    });
    expect(edited.choices[0]!.message.content).toStartWith('![image](');
    const upload = harness.simulator.requests.find((request) => request.path === '/http/upload-file-v2/direct')!;
    expect((upload.body as { file: { type: string } }).file.type).toBe('image/png');
    expect(chatCalls(harness.simulator)[0]!.body).toMatchObject({
      modelName: 'imagine-image-edit',
      message: 'now in blue',
    });
  });

  test('/v1/models lists the media models', async () => {
    const ids = (await harness.client.models.list()).data.map((model) => model.id);
    expect(ids).toContain('grok-imagine-1.0');
    expect(ids).toContain('grok-imagine-1.0-edit');
    expect(ids).toContain('grok-imagine-1.0-video');
  });
});
