import { afterEach, describe, expect, test } from 'bun:test';
import { toFile } from 'openai';
import { silentLogger } from '../../src/logging/logger';
import { startServer } from '../../src/server';
import { pngFor } from '../../src/simulator/media-bytes';
import {
  API_KEY,
  APP_KEY,
  chatCalls,
  soleAccountState,
  startHarness,
  type Harness,
  type HarnessOptions,
} from '../helpers/gateway-harness';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

async function start(options: HarnessOptions = {}) {
  harness = await startHarness(options);
  return harness;
}

type Video = {
  id: string;
  status: string;
  progress: number;
  url: string | null;
  error: { code: string; message: string; param?: string } | null;
  resolution: string;
  rounds: number;
  upscaled: boolean;
  seconds: string;
  protocol: 'current' | 'legacy' | null;
};

/**
 * The legacy form on request (docs/upstream-protocol.md §13.2) against an upstream that still has it;
 * the defaults are `auto` (the current form first) and a simulator that knows only the current form.
 */
const LEGACY: HarnessOptions = { env: { GROK2API_VIDEO_PROTOCOL: 'legacy' }, simulator: { videoProtocols: 'legacy' } };
/** An upstream of the release before 2026-08-20, which took both forms. */
const BOTH: HarnessOptions = { simulator: { videoProtocols: 'both' } };
const POST_CREATE = '/rest/media/post/create';
const posts = (h: Harness) => h.simulator.requests.filter((request) => request.path === POST_CREATE).length;
type ErrorBody = { error: { message: string; type: string; param: string | null; code: string } };

type CurrentBody = { mediaGenInput?: { textToVideo?: Record<string, unknown> } };
const textToVideos = (h: Harness) =>
  chatCalls(h.simulator).map((call) => (call.body as CurrentBody).mediaGenInput?.textToVideo);

/** Creates a video through the OpenAI SDK and waits for its end. */
async function render(h: Harness, fields: Record<string, string>): Promise<Video> {
  const created = (await h.client.videos.create({
    model: 'grok-imagine-1.0-video',
    ...fields,
  } as never)) as unknown as Video;
  return poll(h, created.id);
}

async function poll(h: Harness, id: string): Promise<Video> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const video = (await h.client.videos.retrieve(id)) as unknown as Video;
    if (video.status === 'completed' || video.status === 'failed') return video;
    await Bun.sleep(25);
  }
  throw new Error('video did not finish');
}

const videoConfigs = (h: Harness) =>
  chatCalls(h.simulator).map(
    (call) =>
      (
        call.body as {
          responseMetadata: { modelConfigOverride: { modelMap: { videoGenModelConfig: Record<string, unknown> } } };
        }
      ).responseMetadata.modelConfigOverride.modelMap.videoGenModelConfig,
  );

describe('/v1/videos', () => {
  test('6 s by default: one current textToVideo turn, no media post; content is the MP4', async () => {
    const h = await start();
    const created = (await h.client.videos.create({
      model: 'grok-imagine-1.0-video',
      prompt: 'rain clears',
      seconds: '6',
    } as never)) as unknown as Video;
    expect(created.id).toStartWith('video_');
    expect(['queued', 'in_progress']).toContain(created.status);
    expect(created.protocol).toBeNull();
    const video = await poll(h, created.id);
    const expected = {
      status: 'completed',
      progress: 100,
      rounds: 1,
      resolution: '480p',
      seconds: '6',
      protocol: 'current',
    };
    expect(video).toMatchObject(expected);
    const content = await h.client.videos.downloadContent(created.id);
    expect(content.headers.get('content-type')).toBe('video/mp4');
    expect(new TextDecoder().decode(new Uint8Array(await content.arrayBuffer()).slice(4, 8))).toBe('ftyp');
    const [call] = chatCalls(h.simulator);
    const body = call!.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'enableImageStreaming',
      'enableSideBySide',
      'kind',
      'mediaGenInput',
      'message',
      'modelName',
      'responseMetadata',
      'sendFinalMetadata',
    ]);
    const top = {
      modelName: 'imagine-video-gen',
      message: 'rain clears --mode=custom',
      kind: 'CONVERSATION_KIND_IMAGINE',
    };
    expect(body).toMatchObject(top);
    const textToVideo = { prompt: 'rain clears', aspectRatio: '3:2', duration: 6, resolutionName: '480p' };
    expect(textToVideos(h)[0]).toEqual(textToVideo);
    expect(h.simulator.requests.filter((request) => request.path === '/rest/media/post/create')).toHaveLength(0);
  });

  test('6 s with video.protocol = legacy: a media post and one videoGenModelConfig round', async () => {
    const h = await start(LEGACY);
    const video = await render(h, { prompt: 'rain clears', seconds: '6' });
    expect(video).toMatchObject({ status: 'completed', rounds: 1, resolution: '480p', protocol: 'legacy' });
    const [config] = videoConfigs(h);
    expect(config).toMatchObject({ videoLength: 6, resolutionName: '480p', aspectRatio: '3:2' });
    expect(h.simulator.requests.filter((request) => request.path === '/rest/media/post/create')).toHaveLength(1);
  });

  test('30 s on a Basic account: five rounds chained by post id', async () => {
    const h = await start(BOTH);
    const created = (await h.client.videos.create({
      model: 'grok-imagine-1.0-video',
      prompt: 'a long walk',
      seconds: '30',
      size: '1280x720',
    } as never)) as unknown as Video;
    const video = await poll(h, created.id);
    // Longer than one current turn renders (15 s): the legacy chain, whatever video.protocol says.
    expect(video).toMatchObject({ status: 'completed', rounds: 5, protocol: 'legacy' });
    const configs = videoConfigs(h);
    expect(configs).toHaveLength(5);
    expect(configs[0]!.isVideoExtension).toBeUndefined();
    expect(configs.slice(1).map((config) => config.videoExtensionStartTime)).toEqual([6, 12, 18, 24]);
    for (const config of configs) expect(config.aspectRatio).toBe('16:9');
    // Each extension continues the previous round's post (the simulator refuses unknown ones).
    expect(new Set(configs.slice(1).map((config) => config.extendPostId)).size).toBe(4);
    const range = await fetch(video.url!, { headers: { range: 'bytes=0-7' } });
    expect(range.status).toBe(206);
  });

  test('720p on a Basic account renders 480p and upscales once at the end (or every round with single)', async () => {
    const h = await start(LEGACY);
    const video = await poll(
      h,
      (
        (await h.client.videos.create({
          model: 'grok-imagine-1.0-video',
          prompt: 'hd',
          seconds: '12',
          quality: 'high',
        } as never)) as unknown as Video
      ).id,
    );
    expect(video).toMatchObject({ status: 'completed', resolution: '720p', upscaled: true, rounds: 2 });
    expect(videoConfigs(h).map((config) => config.resolutionName)).toEqual(['480p', '480p']);
    expect(h.simulator.requests.filter((request) => request.path === '/rest/media/video/upscale')).toHaveLength(1);
    const bytes = new TextDecoder().decode(new Uint8Array(await (await fetch(video.url!)).arrayBuffer()));
    expect(bytes).toContain('-hd');

    h.simulator.reset();
    await h.admin('/v1/admin/config', {
      method: 'POST',
      body: JSON.stringify({ video: { upscale_timing: 'single' } }),
    });
    await poll(
      h,
      (
        (await h.client.videos.create({
          model: 'grok-imagine-1.0-video',
          prompt: 'hd',
          seconds: '12',
          quality: 'high',
        } as never)) as unknown as Video
      ).id,
    );
    expect(h.simulator.requests.filter((request) => request.path === '/rest/media/video/upscale')).toHaveLength(2);
  });

  test('720p prefers a Super account, which renders 720p itself', async () => {
    const h = await start({
      accounts: [
        { token: 'basic-1', tier: 'basic' },
        { token: 'super-1', tier: 'super' },
      ],
    });
    const video = await poll(
      h,
      (
        (await h.client.videos.create({
          model: 'grok-imagine-1.0-video',
          prompt: 'hd',
          seconds: '10',
          quality: 'high',
        } as never)) as unknown as Video
      ).id,
    );
    expect(video).toMatchObject({ status: 'completed', resolution: '720p', upscaled: false, protocol: 'current' });
    expect(chatCalls(h.simulator)[0]!.cookies.sso).toBe('super-1');
    expect(textToVideos(h)[0]).toMatchObject({ duration: 10, resolutionName: '720p' });
  });

  test('current form, 720p on a Basic account: the upstream renders 480p, the upscale makes it 720p', async () => {
    const h = await start();
    const video = await render(h, { prompt: 'hd', seconds: '12', quality: 'high' });
    expect(video).toMatchObject({
      status: 'completed',
      resolution: '720p',
      upscaled: true,
      rounds: 1,
      protocol: 'current',
    });
    expect(textToVideos(h)[0]).toMatchObject({ duration: 12, resolutionName: '720p' });
    expect(h.simulator.requests.filter((request) => request.path === '/rest/media/video/upscale')).toHaveLength(1);
  });

  test('image-to-video: multipart input_reference is uploaded and referenced in round 1', async () => {
    const h = await start(BOTH);
    const file = await toFile(pngFor('reference'), 'ref.png', { type: 'image/png' });
    const created = (await h.client.videos.create({
      model: 'grok-imagine-1.0-video',
      prompt: 'animate',
      input_reference: file,
    } as never)) as unknown as Video;
    // Image-to-video has no known current form (§13.1): the legacy path, whatever video.protocol says.
    expect(await poll(h, created.id)).toMatchObject({ status: 'completed', protocol: 'legacy' });
    const upload = h.simulator.requests.find((request) => request.path === '/http/upload-file-v2/direct')!;
    expect((upload.body as { file: { type: string } }).file.type).toBe('image/png');
    const [config] = videoConfigs(h);
    expect(config!.isReferenceToVideo).toBe(true);
    expect((config!.imageReferences as string[])[0]).toContain('/content');
  });

  test('wait: true blocks until done; moderation fails the job with a content-policy error', async () => {
    const h = await start();
    const waited = await h.api('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: 'x', wait: true }) });
    expect(((await waited.json()) as Video).status).toBe('completed');
    h.simulator.enqueueFault({ kind: 'moderated' });
    const moderated = await h.api('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: 'x', wait: true }) });
    expect(moderated.status).toBe(400);
    expect(((await moderated.json()) as { error: { code: string } }).error.code).toBe('content_policy_violation');
  });

  test('bad inputs are 400s naming the field; unknown ids are 404', async () => {
    const h = await start();
    const cases: [Record<string, unknown>, string][] = [
      [{ prompt: 'x', seconds: 5 }, 'seconds'],
      [{ prompt: 'x', seconds: '31' }, 'seconds'],
      [{ prompt: 'x', size: '640x480' }, 'size'],
      [{ prompt: 'x', quality: 'ultra' }, 'quality'],
      [{ prompt: '' }, 'prompt'],
      [{ prompt: 'x', model: 'grok-4' }, 'model'],
      [{ prompt: 'x', input_reference: 'http://example.com/a.png' }, 'input_reference'],
      [
        { prompt: 'x', image_reference: [`data:image/png;base64,${Buffer.from('not an image').toString('base64')}`] },
        'image_reference[0]',
      ],
    ];
    for (const [body, param] of cases) {
      const response = await h.api('/v1/videos', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    expect(chatCalls(h.simulator)).toHaveLength(0);
    expect((await h.api('/v1/videos/video_missing')).status).toBe(404);
  });

  test('a job created on one instance is readable from another on the same storage', async () => {
    const h = await start();
    const second = await startServer({
      env: {
        DATA_DIR: h.dataDir,
        LOG_FILE_ENABLED: 'false',
        GROK_BASE_URL: h.simulator.url,
        GROK_ASSETS_URL: h.simulator.url,
        GROK_ACCOUNTS_URL: h.simulator.url,
        GROK2API_APP_API_KEY: API_KEY,
        GROK2API_APP_APP_KEY: APP_KEY,
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
      },
      port: 0,
      hostname: '127.0.0.1',
      logger: silentLogger,
    });
    try {
      const created = (await (
        await h.api('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: 'shared', wait: true }) })
      ).json()) as Video;
      const seen = await fetch(`${second.url}/v1/videos/${created.id}`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expect(seen.status).toBe(200);
      expect(((await seen.json()) as Video).status).toBe('completed');
      const content = await fetch(`${second.url}/v1/videos/${created.id}/content`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expect(content.status).toBe(200);
    } finally {
      await second.stop(500);
    }
  });
});

describe('video.protocol = auto against an upstream that knows one form', () => {
  const create = (h: Harness) => render(h, { prompt: 'tide', seconds: '6' });

  test('the same request succeeds against a current-only and a legacy-only upstream', async () => {
    const current = await start({ simulator: { videoProtocols: 'current' } });
    expect(await create(current)).toMatchObject({ status: 'completed', protocol: 'current' });
    expect(textToVideos(current)).toHaveLength(1);
    expect(posts(current)).toBe(0);
    await current.stop();

    const legacy = await start({ simulator: { videoProtocols: 'legacy' } });
    expect(await create(legacy)).toMatchObject({ status: 'completed', protocol: 'legacy' });
    expect(chatCalls(legacy.simulator)).toHaveLength(2);
    expect(textToVideos(legacy)[0]).toBeDefined();
    expect(videoConfigs(legacy)[1]).toMatchObject({ videoLength: 6 });
  });

  test('current only is the simulator default', async () => {
    const h = await start();
    expect(await create(h)).toMatchObject({ status: 'completed', protocol: 'current' });
    expect(posts(h)).toBe(0);
  });

  test('legacy only: the refused current body falls back to the legacy form; later videos go there at once', async () => {
    const h = await start({ simulator: { videoProtocols: 'legacy' } });
    expect(await create(h)).toMatchObject({ status: 'completed', protocol: 'legacy' });
    const first = chatCalls(h.simulator);
    expect(first).toHaveLength(2);
    expect(textToVideos(h)[0]).toBeDefined();
    expect(videoConfigs(h)[1]).toMatchObject({ videoLength: 6 });
    // The refused turn is not billed; the legacy one is.
    expect((await h.simulator.account('account-basic-1'))!.usage.fast).toBe(1);

    h.simulator.reset();
    expect(await create(h)).toMatchObject({ status: 'completed', protocol: 'legacy' });
    expect(chatCalls(h.simulator)).toHaveLength(1);
    expect(textToVideos(h)[0]).toBeUndefined();
  });

  test('an upstream that moves to the current form after the fallback: the current form is tried again', async () => {
    const h = await start({ simulator: { videoProtocols: 'legacy' } });
    expect(await create(h)).toMatchObject({ status: 'completed', protocol: 'legacy' });
    h.simulator.setOptions({ videoProtocols: 'current' });
    h.simulator.reset();
    expect(await create(h)).toMatchObject({ status: 'completed', protocol: 'current' });
    // The remembered legacy form was refused at its media post, then the current turn made the video.
    expect(posts(h)).toBe(1);
    expect(chatCalls(h.simulator)).toHaveLength(1);
    h.simulator.reset();
    expect(await create(h)).toMatchObject({ status: 'completed', protocol: 'current' });
    expect(posts(h)).toBe(0);
  });

  test('legacy only: 20 s and image-to-video go the legacy way at once', async () => {
    const h = await start({ simulator: { videoProtocols: 'legacy' } });
    expect(await render(h, { prompt: 'long', seconds: '20' })).toMatchObject({
      status: 'completed',
      protocol: 'legacy',
      rounds: 4,
    });
    expect(textToVideos(h).filter(Boolean)).toHaveLength(0);
    const image = `data:image/png;base64,${Buffer.from(pngFor('reference')).toString('base64')}`;
    const waited = await h.api('/v1/videos', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'animate', image_reference: [image], wait: true }),
    });
    expect(waited.status).toBe(200);
    expect(((await waited.json()) as Video).protocol).toBe('legacy');
  });

  test('current only: what only the legacy form makes is a 400 saying so, in the API error shape', async () => {
    const h = await start();
    const long = await render(h, { prompt: 'long', seconds: '20' });
    expect(long).toMatchObject({ status: 'failed', protocol: null, error: { code: 'video_needs_legacy_form' } });
    // One refused media post, nothing rendered, nothing billed, the account untouched.
    expect(posts(h)).toBe(1);
    expect(chatCalls(h.simulator)).toHaveLength(0);
    expect((await h.simulator.account('account-basic-1'))!.usage.fast).toBe(0);
    expect(await soleAccountState(h)).toEqual({ status: 'active', fail_count: 0 });

    const waited = await h.api('/v1/videos', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'long', seconds: 20, wait: true }),
    });
    expect(waited.status).toBe(400);
    const body = (await waited.json()) as ErrorBody;
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'seconds',
      code: 'video_needs_legacy_form',
    });
    expect(body.error.message).toContain('legacy upstream video form');
    expect(body.error.message).toContain('at most 15 s');

    const image = `data:image/png;base64,${Buffer.from(pngFor('reference')).toString('base64')}`;
    const referenced = await h.api('/v1/videos', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'animate', image_reference: image, wait: true }),
    });
    expect(referenced.status).toBe(400);
    expect(((await referenced.json()) as ErrorBody).error).toMatchObject({
      param: 'image_reference',
      code: 'video_needs_legacy_form',
    });

    // Through chat: the same error in the chat answer, naming video_config.video_length.
    const chat = await h.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0-video',
        messages: [{ role: 'user', content: 'a long wave' }],
        video_config: { video_length: 20 },
        stream: false,
      }),
    });
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as ErrorBody).error).toMatchObject({
      param: 'video_config.video_length',
      code: 'video_needs_legacy_form',
    });
  });
});

describe('video.protocol = current or legacy: no switching, clear answers', () => {
  test('current refuses before a job exists what one current turn cannot make, naming the parameter', async () => {
    const h = await start({ env: { GROK2API_VIDEO_PROTOCOL: 'current' } });
    const cases: [Record<string, unknown>, string][] = [
      [{ prompt: 'x', seconds: 16 }, 'seconds'],
      [
        { prompt: 'x', image_reference: `data:image/png;base64,${Buffer.from(pngFor('r')).toString('base64')}` },
        'image_reference',
      ],
    ];
    for (const [fields, param] of cases) {
      const response = await h.api('/v1/videos', { method: 'POST', body: JSON.stringify(fields) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param, code: 'video_needs_legacy_form' });
      expect(body.error.message).toContain('video.protocol = "current"');
    }
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('input_reference', new Blob([pngFor('r')], { type: 'image/png' }), 'r.png');
    const multipart = await fetch(`${h.server.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: form,
    });
    expect(multipart.status).toBe(400);
    expect(((await multipart.json()) as ErrorBody).error.param).toBe('input_reference');
    const chat = await h.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0-video',
        messages: [{ role: 'user', content: 'x' }],
        video_config: { video_length: 20 },
      }),
    });
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as ErrorBody).error.param).toBe('video_config.video_length');
    const uploads = h.simulator.requests.filter((request) => request.path.includes('upload-file'));
    expect([chatCalls(h.simulator).length, posts(h), uploads.length]).toEqual([0, 0, 0]);
    expect(await render(h, { prompt: 'x', seconds: '15' })).toMatchObject({ status: 'completed', protocol: 'current' });
  });

  test('current against a legacy-only upstream: video_form_refused, a 502 naming the setting', async () => {
    const h = await start({ simulator: { videoProtocols: 'legacy' }, env: { GROK2API_VIDEO_PROTOCOL: 'current' } });
    const failed = await render(h, { prompt: 'tide', seconds: '6' });
    expect(failed).toMatchObject({ status: 'failed', protocol: null, error: { code: 'video_form_refused' } });
    expect(chatCalls(h.simulator)).toHaveLength(1);
    const waited = await h.api('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: 'x', wait: true }) });
    expect(waited.status).toBe(502);
    const body = (await waited.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: 'server_error', code: 'video_form_refused' });
    expect(body.error.message).toContain('set video.protocol to "auto" or "legacy"');
  });

  test('legacy against a current-only upstream: the job fails with video_form_refused at the media post', async () => {
    const h = await start({ env: { GROK2API_VIDEO_PROTOCOL: 'legacy' } });
    const failed = await render(h, { prompt: 'tide', seconds: '6' });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'video_form_refused' } });
    expect(posts(h)).toBe(1);
    expect(chatCalls(h.simulator)).toHaveLength(0);
  });
});

describe('video through chat', () => {
  test('non-streaming answers the rendered video (html by default); streaming shows progress then the url', async () => {
    const h = await start();
    const completion = await h.client.chat.completions.create({
      model: 'grok-imagine-1.0-video',
      messages: [{ role: 'user', content: 'a wave' }],
      video_config: { video_length: 6 },
    } as never);
    const content = (completion as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    expect(content).toMatch(
      /<source id="mp4" src="http:\/\/127\.0\.0\.1:\d+\/v1\/files\/video\/[^"]+" type="video\/mp4">/,
    );

    await h.admin('/v1/admin/config', { method: 'POST', body: JSON.stringify({ app: { video_format: 'url' } }) });
    const stream = await h.client.chat.completions.create({
      model: 'grok-imagine-1.0-video',
      messages: [{ role: 'user', content: 'a wave' }],
      stream: true,
      video_config: { video_length: 12, preset: 'fun', aspect_ratio: '16:9' },
    } as never);
    let text = '';
    let reasoning = '';
    for await (const chunk of stream as unknown as AsyncIterable<{
      choices: { delta: { content?: string; reasoning_content?: string } }[];
    }>) {
      text += chunk.choices[0]?.delta.content ?? '';
      reasoning += chunk.choices[0]?.delta.reasoning_content ?? '';
    }
    expect(text).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/files\/video\/\S+\n$/);
    expect(reasoning).toContain('progress=100%');
    const calls = chatCalls(h.simulator).slice(1);
    expect((calls[0]!.body as { message: string }).message).toBe('a wave --mode=extremely-crazy');
    // 12 s fits one current turn.
    expect(calls).toHaveLength(1);
    expect(textToVideos(h)[1]).toMatchObject({ duration: 12, aspectRatio: '16:9' });

    const bad = await h.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0-video',
        messages: [{ role: 'user', content: 'x' }],
        video_config: { video_length: 40 },
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('video_config.video_length');
  });
});

describe('jobs across restarts', () => {
  test('a finished job is still readable after a restart; an unfinished one whose instance died reads as interrupted', async () => {
    const h = await start();
    const created = (await (
      await h.api('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: 'keep me', wait: true }) })
    ).json()) as Video;
    const { openStorage } = await import('../../src/storage');
    const storage = await openStorage({ type: 'local', dataDir: h.dataDir });
    const stale = {
      ...(await storage.records.get<Record<string, unknown>>('video_jobs', created.id))!,
      id: 'video_stale',
      status: 'in_progress',
      heartbeat_at: Date.now() - 11 * 60 * 1000,
    };
    await storage.records.put('video_jobs', 'video_stale', stale);
    const fresh = { ...stale, id: 'video_fresh', heartbeat_at: Date.now() };
    await storage.records.put('video_jobs', 'video_fresh', fresh);
    await storage.close();

    await h.server.stop(500);
    const restarted = await startServer({
      env: {
        DATA_DIR: h.dataDir,
        LOG_FILE_ENABLED: 'false',
        GROK_BASE_URL: h.simulator.url,
        GROK_ASSETS_URL: h.simulator.url,
        GROK_ACCOUNTS_URL: h.simulator.url,
        GROK2API_APP_API_KEY: API_KEY,
        GROK2API_APP_APP_KEY: APP_KEY,
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
      },
      port: 0,
      hostname: '127.0.0.1',
      logger: silentLogger,
    });
    h.server = restarted;
    const read = async (id: string) =>
      (await (
        await fetch(`${restarted.url}/v1/videos/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } })
      ).json()) as Video;
    expect((await read(created.id)).status).toBe('completed');
    expect(await read('video_stale')).toMatchObject({ status: 'failed', error: { code: 'job_interrupted' } });
    expect((await read('video_fresh')).status).toBe('in_progress');
    expect(JSON.stringify(await read(created.id))).not.toContain('heartbeat_at');
  });
});
