import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { API_KEY, chatCalls, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';
import { smokeCheck } from '../../edge/smoke-check';
import { browserBundle } from '../../src/http/browser-bundle';
import { startEdgeWorker, type EdgeWorker } from '../helpers/edge-harness';

/** The edge Worker under workerd: status endpoints, and each bridge in probe and backend-forward mode against a running grok2api. */

const FUNCTION_KEY = 'edge-function-key';
const chatBody = (content: string) => JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content }] });
const videoBody = JSON.stringify({ model: 'grok-imagine-1.0-video', messages: [{ role: 'user', content: 'waves' }] });
const imagineBody = JSON.stringify({ model: 'grok-imagine-1.0', prompt: 'a kite', n: 1, response_format: 'b64_json' });

function post(worker: EdgeWorker, path: string, body: string, key = FUNCTION_KEY) {
  return fetch(`${worker.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
}

describe('edge Worker without backends (probe / init-only)', () => {
  let worker: EdgeWorker;
  beforeAll(async () => {
    worker = await startEdgeWorker({ FUNCTION_KEY, BUILD_ID: 'build-123' });
  }, 60_000);
  afterAll(() => worker?.stop());

  test('status endpoints answer and name the bridge modes', async () => {
    expect(await (await fetch(`${worker.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${worker.url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).bridges).toEqual({ chat: 'probe', imagine: 'probe', video: 'init-only' });
    const meta = (await (await fetch(`${worker.url}/meta`)).json()) as any;
    expect(meta).toMatchObject({
      name: 'grok2api-edge',
      version: '0.1.0',
      build: 'build-123',
      bridges: { chat: 'probe', imagine: 'probe', video: 'init-only' },
    });
    const config = (await (await fetch(`${worker.url}/config`)).json()) as any;
    expect(config.function_key_required).toBe(true);
    expect(config.bridges.chat).toEqual({
      mode: 'probe',
      backend_configured: false,
      variable: 'CHAT_BRIDGE_BACKEND_URL',
    });
    expect(JSON.stringify(config)).not.toContain(FUNCTION_KEY);
    const sections = (await (await fetch(`${worker.url}/config/sections`)).json()) as any;
    expect(sections.sections.map((section: any) => section.name)).toEqual(['playground', 'bridges']);
    const manifest = (await (await fetch(`${worker.url}/v1/function/manifest`)).json()) as any;
    expect(manifest.served_by).toBe('edge');
    expect(manifest.pages.map((page: any) => [page.id, page.mode])).toEqual([
      ['chat', 'probe-only'],
      ['imagine', 'probe-only'],
      ['video', 'init-only'],
      ['voice', 'probe-only'],
    ]);
    // The Worker has no LiveKit broker: voice is listed as unavailable.
    expect(manifest.pages.at(-1).available).toBe(false);
  });

  test('the deploy smoke check passes against the Worker, and fails against something else', async () => {
    const results = await smokeCheck(worker.url);
    expect(results.map((result) => [result.path, result.ok])).toEqual([
      ['/health', true],
      ['/ready', true],
      ['/meta', true],
      ['/config', true],
      ['/config/sections', true],
      ['/v1/function/manifest', true],
    ]);
    const elsewhere = await smokeCheck(`${worker.url}/playground/assets`);
    expect(elsewhere.every((result) => !result.ok)).toBe(true);
  });

  test('serves the playground pages from the same source files', async () => {
    const page = await fetch(`${worker.url}/playground`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('grok2api playground');
    // The page's modules and the Markdown renderer are one bundle, made as the server makes it.
    const script = await fetch(`${worker.url}/playground/assets/playground.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toBe(browserBundle('public/playground/main.ts'));
    expect((await fetch(`${worker.url}/playground/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${worker.url}/playground/assets/markdown.js`)).status).toBe(404);
    // The icon is there too.
    expect((await fetch(`${worker.url}/favicon.ico`)).headers.get('content-type')).toBe('image/svg+xml');
  });

  test('the function key guards the bridges', async () => {
    const missing = await fetch(`${worker.url}/v1/function/verify`);
    expect(missing.status).toBe(401);
    // The gateway playground's own refusal (src/auth/bearer.ts).
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toEqual({
      error: {
        message: 'Missing authentication token',
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    expect((await post(worker, '/v1/function/chat/completions', chatBody('x'), 'wrong')).status).toBe(401);
    expect(
      (await fetch(`${worker.url}/v1/function/verify`, { headers: { authorization: `Bearer ${FUNCTION_KEY}` } }))
        .status,
    ).toBe(200);
  });

  test('each bridge validates, accepts in probe / init-only mode, and says no backend is configured', async () => {
    for (const [path, body, name, mode, variable] of [
      ['/v1/function/chat/completions', chatBody('hello'), 'chat', 'probe', 'CHAT_BRIDGE_BACKEND_URL'],
      ['/v1/function/images/generations', imagineBody, 'imagine', 'probe', 'IMAGINE_BRIDGE_BACKEND_URL'],
      ['/v1/function/chat/completions', videoBody, 'video', 'init-only', 'VIDEO_BRIDGE_BACKEND_URL'],
    ] as const) {
      const response = await post(worker, path, body);
      expect(response.status).toBe(202);
      expect(response.headers.get(`x-grok2api-${name}-bridge`)).toBe(mode);
      const answer = (await response.json()) as any;
      expect(answer).toMatchObject({ object: 'bridge.probe', bridge: name, mode, accepted: true, generated: false });
      expect(answer.message).toContain(variable);
      expect(answer.choices).toBeUndefined();
      expect(answer.data).toBeUndefined();
    }
    const invalid = await post(
      worker,
      '/v1/function/chat/completions',
      JSON.stringify({ model: 'grok-4', messages: [] }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-grok2api-chat-bridge')).toBe('probe');
    expect(((await invalid.json()) as any).error).toMatchObject({ param: 'messages', type: 'invalid_request_error' });
    const noPrompt = await post(
      worker,
      '/v1/function/images/generations',
      JSON.stringify({ model: 'grok-imagine-1.0' }),
    );
    expect(noPrompt.status).toBe(400);
    expect(((await noPrompt.json()) as any).error.param).toBe('prompt');
    const notJson = await post(worker, '/v1/function/chat/completions', '{nope');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('invalid_json');
  });
});

describe('edge Worker forwarding to a running grok2api', () => {
  let harness: Harness;
  let worker: EdgeWorker;
  beforeAll(async () => {
    harness = await startHarness({ accounts: [{ token: 'edge-basic-1', tier: 'basic' }] });
    const backend = harness.server.url;
    worker = await startEdgeWorker({
      CHAT_BRIDGE_BACKEND_URL: backend,
      IMAGINE_BRIDGE_BACKEND_URL: `${backend}/`,
      VIDEO_BRIDGE_BACKEND_URL: backend,
      BACKEND_API_KEY: API_KEY,
    });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await harness?.stop();
  });

  test('manifest says backend-forward-ready for every page', async () => {
    const manifest = (await (await fetch(`${worker.url}/v1/function/manifest`)).json()) as any;
    expect(manifest.pages.slice(0, 3).map((page: any) => page.mode)).toEqual([
      'backend-forward-ready',
      'backend-forward-ready',
      'backend-forward-ready',
    ]);
    const config = (await (await fetch(`${worker.url}/config`)).json()) as any;
    expect(JSON.stringify(config)).not.toContain(harness.server.url);
  });

  test('chat: the answer comes from the backend with the Worker key, and the trace id passes through', async () => {
    harness.simulator.script({ answer: 'Edge says hello.' });
    const response = await post(worker, '/v1/function/chat/completions', chatBody('through the edge'), '');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-chat-bridge')).toBe('backend-forward');
    const trace = response.headers.get('x-grok2api-backend-trace-id');
    expect(trace).toBeTruthy();
    const completion = (await response.json()) as any;
    expect(completion.choices[0].message.content).toBe('Edge says hello.');
    expect(sentTurns(harness.simulator).at(-1)!.message).toContain('through the edge');
    // The trace id is the backend's own per-request id: a second call gets a different one.
    harness.simulator.script({ answer: 'Again.' });
    const again = await post(worker, '/v1/function/chat/completions', chatBody('again'), '');
    expect(again.headers.get('x-grok2api-backend-trace-id')).toMatch(/^[0-9a-f-]{16,}$/);
    expect(again.headers.get('x-grok2api-backend-trace-id')).not.toBe(trace);
  });

  test('imagine: images come back from the backend', async () => {
    const response = await post(worker, '/v1/function/images/generations', imagineBody, '');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-imagine-bridge')).toBe('backend-forward');
    const answer = (await response.json()) as any;
    expect(answer.data.length).toBe(1);
    expect(answer.data[0].b64_json.length).toBeGreaterThan(100);
  });

  test('video: the video round goes to the backend and its stream passes through', async () => {
    const response = await post(
      worker,
      '/v1/function/chat/completions',
      JSON.stringify({
        model: 'grok-imagine-1.0-video',
        stream: true,
        messages: [{ role: 'user', content: 'waves' }],
        video_config: { aspect_ratio: '16:9', video_length: 6 },
      }),
      '',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-video-bridge')).toBe('backend-forward');
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('/v1/files/video/');
    expect(text).toContain('[DONE]');
    const videoCall = chatCalls(harness.simulator).at(-1)!.body as any;
    expect(videoCall.mediaGenInput.textToVideo).toMatchObject({ aspectRatio: '16:9' });
  });

  test('backend errors keep their status, body and retry-after; a refused Worker key and an unreachable backend are named', async () => {
    const invalid = await post(
      worker,
      '/v1/function/chat/completions',
      JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      '',
    );
    expect(invalid.status).toBe(404);
    expect(invalid.headers.get('x-grok2api-chat-bridge')).toBe('backend-forward');
    expect(invalid.headers.get('x-grok2api-backend-trace-id')).toBeTruthy();
    expect(((await invalid.json()) as any).error.param).toBe('model');

    harness.simulator.enqueueFault({ kind: 'rate_limited', retryAfterSeconds: 42, times: 5 });
    const limited = await post(worker, '/v1/function/chat/completions', chatBody('limited'), '');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('42');
    expect(limited.headers.get('x-grok2api-backend-trace-id')).toBeTruthy();
    expect(((await limited.json()) as any).error.type).toBeTruthy();

    const wrongKey = await startEdgeWorker({
      CHAT_BRIDGE_BACKEND_URL: harness.server.url,
      BACKEND_API_KEY: 'not-the-key',
    });
    const refused = await post(wrongKey, '/v1/function/chat/completions', chatBody('x'), '');
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as any).error.code).toBe('backend_unauthorized');
    await wrongKey.stop();

    const nowhere = await startEdgeWorker({ CHAT_BRIDGE_BACKEND_URL: 'http://127.0.0.1:9' });
    const unreachable = await post(nowhere, '/v1/function/chat/completions', chatBody('x'), '');
    expect(unreachable.status).toBe(502);
    expect(unreachable.headers.get('x-grok2api-chat-bridge')).toBe('backend-forward');
    const body = (await unreachable.json()) as any;
    expect(body.error.code).toBe('backend_unreachable');
    expect(body.error.message).not.toContain('127.0.0.1');
    await nowhere.stop();
  });
});
