import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { CHAT_PATH, getPath, postJson } from './simulator-test-client';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({
    accounts: [{ token: 'token-basic' }, { token: 'token-super', tier: 'super' }, { token: 'token-other' }],
  });
});
afterAll(() => simulator.stop());
beforeEach(() => simulator.reset());

async function frames(response: Response): Promise<Record<string, any>[]> {
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
const responses = (all: Record<string, any>[]) => all.map((frame) => frame.result?.response).filter(Boolean);

describe('chat-based image generation', () => {
  test('streams partial and final image frames whose assets only the owner can download', async () => {
    const all = await frames(
      await postJson(simulator, CHAT_PATH, {
        message: 'a fox',
        modelName: 'grok-3',
        modelMode: 'MODEL_MODE_FAST',
        toolOverrides: { imageGen: true },
        imageGenerationCount: 2,
      }),
    );
    const progress = responses(all)
      .filter((r) => r.streamingImageGenerationResponse)
      .map((r) => r.streamingImageGenerationResponse);
    const finals = progress.filter((p) => p.progress === 100);
    expect(finals).toHaveLength(2);
    expect(progress.some((p) => p.imageUrl.includes('-part-'))).toBe(true);
    const listed = responses(all).find((r) => r.modelResponse).modelResponse.generatedImageUrls;
    expect(listed).toEqual(finals.map((f) => f.imageUrl));

    const download = await getPath(simulator, `/${finals[0].imageUrl}`, { token: 'token-basic' });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const second = new Uint8Array(
      await (await getPath(simulator, `/${finals[1].imageUrl}`, { token: 'token-basic' })).arrayBuffer(),
    );
    expect(Buffer.from(second).equals(Buffer.from(bytes))).toBe(false);
    expect((await getPath(simulator, `/${finals[0].imageUrl}`, { token: 'token-other' })).status).toBe(403);
  });

  test('a moderated fault marks the finals moderated; a usage_limit fault answers in-band', async () => {
    simulator.enqueueFault({ kind: 'moderated' });
    const all = await frames(
      await postJson(simulator, CHAT_PATH, {
        message: 'x',
        modelName: 'grok-3',
        modelMode: null,
        toolOverrides: { imageGen: true },
      }),
    );
    const finals = responses(all)
      .map((r) => r.streamingImageGenerationResponse)
      .filter((p) => p?.progress === 100);
    expect(finals.every((p) => p.moderated === true)).toBe(true);
    simulator.enqueueFault({ kind: 'usage_limit' });
    const limited = await frames(
      await postJson(simulator, CHAT_PATH, {
        message: 'x',
        modelName: 'grok-3',
        modelMode: null,
        toolOverrides: { imageGen: true },
      }),
    );
    expect(JSON.stringify(limited)).toContain('usage limit');
  });

  test("image edit needs the account's own uploads", async () => {
    const form = new FormData();
    form.set('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1])], 'a.png', { type: 'image/png' }));
    const upload = await (
      await fetch(`${simulator.url}/http/upload-file-v2/direct`, {
        method: 'POST',
        headers: { cookie: 'sso=token-basic' },
        body: form,
      })
    ).json();
    const id = upload.fileMetadata.fileMetadataId;
    const body = {
      modelName: 'imagine-image-edit',
      message: 'blue',
      mediaGenInput: { imageToImage: { prompt: 'blue', inputAssets: [id] } },
    };
    const ok = await frames(await postJson(simulator, CHAT_PATH, body));
    expect(responses(ok).filter((r) => r.streamingImageGenerationResponse?.progress === 100)).toHaveLength(1);
    expect((await postJson(simulator, CHAT_PATH, body, { token: 'token-other' })).status).toBe(400);
  });
});

describe('video generation', () => {
  test('legacy form: a basic account gets 480p, extension needs a known post, upscale returns an HD URL', async () => {
    simulator.setOptions({ videoProtocols: 'legacy' });
    const post = await (
      await postJson(simulator, '/rest/media/post/create', { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: 'rain' })
    ).json();
    const config = { parentPostId: post.post.id, resolutionName: '720p', videoLength: 6, aspectRatio: '3:2' };
    const body = (extra: object) => ({
      message: 'rain --mode=custom',
      modelName: 'grok-3',
      modelMode: null,
      toolOverrides: { videoGen: true },
      responseMetadata: { modelConfigOverride: { modelMap: { videoGenModelConfig: { ...config, ...extra } } } },
    });
    const round1 = responses(await frames(await postJson(simulator, CHAT_PATH, body({}))))
      .map((r) => r.streamingVideoGenerationResponse)
      .filter(Boolean);
    const final = round1.find((p) => p.progress === 100);
    expect(final.resolutionName).toBe('480p');
    expect(final.videoUrl).toEndWith('/generated_video.mp4');
    const video = await getPath(simulator, `/${final.videoUrl}`, { token: 'token-basic' });
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(new TextDecoder().decode(new Uint8Array(await video.arrayBuffer()).slice(4, 8))).toBe('ftyp');

    expect((await postJson(simulator, CHAT_PATH, body({ isVideoExtension: true, extendPostId: 'nope' }))).status).toBe(
      400,
    );
    const round2 = await postJson(
      simulator,
      CHAT_PATH,
      body({ isVideoExtension: true, extendPostId: final.videoPostId, videoExtensionStartTime: 6 }),
    );
    expect(round2.status).toBe(200);

    const upscale = await (await postJson(simulator, '/rest/media/video/upscale', { videoId: final.videoId })).json();
    expect(upscale.hdMediaUrl).toStartWith(simulator.url);
    expect((await getPath(simulator, new URL(upscale.hdMediaUrl).pathname, { token: 'token-basic' })).status).toBe(200);
    simulator.setOptions({ videoProtocols: 'current' });
  });
});

describe('Imagine WebSocket', () => {
  const open = (token: string | null) =>
    new WebSocket(`${simulator.url.replace('http', 'ws')}/ws/imagine/listen`, {
      headers: token ? { cookie: `sso=${token}` } : {},
    } as never);
  const request = (count: number) =>
    JSON.stringify({
      type: 'conversation.item.create',
      timestamp: 1,
      item: {
        type: 'message',
        content: [
          {
            type: 'input_text',
            text: 'a fox',
            requestId: 'r',
            properties: { num_generations: count, aspect_ratio: '1:1' },
          },
        ],
      },
    });

  async function batch(count: number): Promise<Record<string, any>[]> {
    const socket = open('token-basic');
    const frames: Record<string, any>[] = [];
    await new Promise<void>((resolve) => {
      socket.addEventListener('open', () => socket.send(request(count)));
      socket.addEventListener('message', (event) => {
        frames.push(JSON.parse(String(event.data)));
        if (
          frames.filter((frame) => frame.current_status === 'completed').length === count ||
          frames.some((frame) => frame.type === 'error')
        )
          resolve();
      });
    });
    socket.close();
    return frames;
  }

  test('each slot: start_stage, a small preview, a large final, completed', async () => {
    const frames = await batch(3);
    const finals = frames.filter((frame) => frame.type === 'image' && frame.percentage_complete === 100);
    expect(finals).toHaveLength(3);
    for (const final of finals) expect(final.blob.length).toBeGreaterThanOrEqual(100_000);
    expect(frames.filter((frame) => frame.type === 'image' && frame.percentage_complete < 100)).toHaveLength(3);
    const public1 = await fetch(finals[0].url);
    expect(public1.status).toBe(200);
  });

  test('moderated and usage-limit faults; a refused handshake', async () => {
    simulator.enqueueFault({ kind: 'moderated' });
    const moderated = await batch(2);
    expect(
      moderated.filter((frame) => frame.current_status === 'completed').every((frame) => frame.moderated === true),
    ).toBe(true);
    expect(moderated.some((frame) => frame.type === 'image' && frame.percentage_complete === 100)).toBe(false);
    simulator.enqueueFault({ kind: 'usage_limit' });
    expect((await batch(1)).at(-1)).toMatchObject({ type: 'error', err_code: 'rate_limit_exceeded' });
    const refused = open(null);
    const message = await new Promise<string>((resolve) =>
      refused.addEventListener('error', (event) => resolve((event as ErrorEvent).message)),
    );
    expect(message).toContain('401');
  });
});

describe('video forms (docs/upstream-protocol.md §13.1, §13.2)', () => {
  const current = (duration: unknown) => ({
    modelName: 'imagine-video-gen',
    message: 'tide --mode=custom',
    mediaGenInput: { textToVideo: { prompt: 'tide', aspectRatio: '16:9', duration, resolutionName: '480p' } },
    kind: 'CONVERSATION_KIND_IMAGINE',
  });
  const legacyPost = async () => {
    const post = await postJson(simulator, '/rest/media/post/create', {
      mediaType: 'MEDIA_POST_TYPE_VIDEO',
      prompt: 'tide',
    });
    return ((await post.json()) as { post: { id: string } }).post.id;
  };
  const legacy = (parentPostId: string) => ({
    message: 'tide --mode=custom',
    modelName: 'grok-3',
    toolOverrides: { videoGen: true },
    responseMetadata: {
      modelConfigOverride: { modelMap: { videoGenModelConfig: { parentPostId, videoLength: 6 } } },
    },
  });
  afterAll(() => simulator.setOptions({ videoProtocols: 'current' }));

  test('by default only the current form, as the current release: 1–15 s on any tier, nothing else', async () => {
    const turn = responses(await frames(await postJson(simulator, CHAT_PATH, current(12))));
    expect(turn.some((r) => r.streamingVideoGenerationResponse?.videoUrl)).toBe(true);
    expect(turn.find((r) => r.modelResponse).modelResponse.fileAttachments).toHaveLength(1);
    expect((await postJson(simulator, CHAT_PATH, current(16))).status).toBe(400);
    expect((await postJson(simulator, CHAT_PATH, current(2.5))).status).toBe(400);
    // The legacy form is gone: no media post route, and its turn body is an unknown field (§13.8).
    const post = await postJson(simulator, '/rest/media/post/create', { mediaType: 'MEDIA_POST_TYPE_VIDEO' });
    expect(post.status).toBe(404);
    const old = await postJson(simulator, CHAT_PATH, legacy('a-post-id'));
    expect(old.status).toBe(400);
    const refusal = (await old.json()) as { code: number; message: string };
    expect(refusal.code).toBe(3);
    expect(refusal.message).toContain('unknown field "videoGenModelConfig"');
    expect(refusal.message).not.toContain('textToVideo');
    // Refused before anything is billed.
    expect((await simulator.account('token-basic'))!.usage.fast).toBe(1);
  });

  test('both takes either form; legacy refuses the current body the same way', async () => {
    simulator.setOptions({ videoProtocols: 'both' });
    expect((await postJson(simulator, CHAT_PATH, current(6))).status).toBe(200);
    expect((await postJson(simulator, CHAT_PATH, legacy(await legacyPost()))).status).toBe(200);
    simulator.setOptions({ videoProtocols: 'legacy' });
    const refused = await postJson(simulator, CHAT_PATH, current(6));
    expect(refused.status).toBe(400);
    const refusal = (await refused.json()) as { code: number; message: string };
    expect(refusal.message).toContain('unknown field "textToVideo"');
    expect(refusal.message).not.toContain('videoGenModelConfig');
    expect((await postJson(simulator, CHAT_PATH, legacy(await legacyPost()))).status).toBe(200);
    expect(() => simulator.setOptions({ videoProtocols: 'newest' as never })).toThrow('videoProtocols');
    simulator.setOptions({ videoProtocols: 'current' });
  });

  test('media-only turns: textless sends no text, no_media never reaches a URL or a moderation flag', async () => {
    simulator.enqueueFault({ kind: 'textless' });
    const textless = responses(await frames(await postJson(simulator, CHAT_PATH, current(6))));
    expect(textless.some((r) => typeof r.token === 'string' && r.token !== '')).toBe(false);
    expect(textless.find((r) => r.modelResponse).modelResponse.message).toBe('');
    expect(textless.some((r) => r.streamingVideoGenerationResponse?.videoUrl)).toBe(true);
    simulator.enqueueFault({ kind: 'no_media' });
    const noMedia = responses(await frames(await postJson(simulator, CHAT_PATH, current(6))));
    const none = noMedia.map((r) => r.streamingVideoGenerationResponse).filter(Boolean);
    expect(none.length).toBeGreaterThan(0);
    expect(none.some((frame) => frame.videoUrl || frame.moderated)).toBe(false);
  });
});
