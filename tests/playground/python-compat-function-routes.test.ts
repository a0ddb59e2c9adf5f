import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readSseEvents } from '../../src/http/sse-events';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * A script against the Python project's playground task routes (docs/python-compatibility.md §5):
 * imagine and video tasks started, streamed and stopped with its request shapes, against the
 * simulator.
 */

const FUNCTION_KEY = 'fn-python-compat';
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    accounts: [
      { token: `fn-compat-basic-${'b'.repeat(20)}`, tier: 'basic' },
      { token: `fn-compat-super-${'s'.repeat(20)}`, tier: 'super' },
    ],
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: FUNCTION_KEY },
  });
});
afterAll(() => harness.stop());

const withKey = (path: string, body?: unknown) =>
  fetch(`${harness.server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${FUNCTION_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as any };
}

describe('imagine', () => {
  test('config is public while the playground is on', async () => {
    expect(await json(await fetch(`${harness.server.url}/v1/function/imagine/config`))).toEqual({
      status: 200,
      body: { final_min_bytes: 100000, medium_min_bytes: 30000, nsfw: true },
    });
  });

  test('start → sse streams image rounds until stop; the task is then gone', async () => {
    expect(
      (await fetch(`${harness.server.url}/v1/function/imagine/start`, { method: 'POST', body: '{"prompt":"x"}' }))
        .status,
    ).toBe(401);
    expect((await json(await withKey('/v1/function/imagine/start', { prompt: '  ' }))).status).toBe(400);
    expect((await json(await withKey('/v1/function/imagine/start', { prompt: 'x', aspect_ratio: '5:4' }))).status).toBe(
      400,
    );
    const started = await json(
      await withKey('/v1/function/imagine/start', { prompt: 'a lighthouse', aspect_ratio: '1280x720', nsfw: false }),
    );
    expect(started).toEqual({
      status: 200,
      body: { task_id: expect.stringMatching(/^[0-9a-f]{32}$/), aspect_ratio: '16:9' },
    });
    const taskId = started.body.task_id;

    // EventSource-style: the task id alone, no header.
    const stream = await fetch(`${harness.server.url}/v1/function/imagine/sse?task_id=${taskId}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const events: any[] = [];
    let stopped = false;
    for await (const { data } of readSseEvents(stream.body!)) {
      const event = JSON.parse(data);
      events.push(event);
      const completed = events.filter((each) => each.type === 'image_generation.completed').length;
      // After two rounds, stop the task; the loop ends after the round it is in.
      if (completed >= 4 && !stopped) {
        stopped = true;
        expect(await json(await withKey('/v1/function/imagine/stop', { task_ids: [taskId, 'not-a-task'] }))).toEqual({
          status: 200,
          body: { status: 'success', removed: 1 },
        });
      }
    }
    expect(events[0]).toEqual({
      type: 'status',
      status: 'running',
      prompt: 'a lighthouse',
      aspect_ratio: '16:9',
      run_id: expect.any(String),
    });
    expect(events.at(-1)).toEqual({ type: 'status', status: 'stopped', run_id: events[0].run_id });
    const completed = events.filter((event) => event.type === 'image_generation.completed');
    expect(completed.length).toBeGreaterThanOrEqual(4);
    // The PNG bytes of the image (checked before toMatchObject, whose matchers rewrite the object they read).
    expect(Buffer.from(completed[0].b64_json, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(completed[0]).toMatchObject({
      type: 'image_generation.completed',
      aspect_ratio: '16:9',
      run_id: events[0].run_id,
      sequence: 1,
    });
    // Upstream: Imagine requests in the task's aspect ratio, without NSFW.
    const imagine = harness.simulator.requests.filter(
      (request) => request.path === '/ws/imagine/listen' && JSON.stringify(request.body).includes('a lighthouse'),
    );
    expect(imagine.length).toBeGreaterThanOrEqual(2);
    expect(
      imagine.every(
        (request) =>
          JSON.stringify(request.body).includes('"aspect_ratio":"16:9"') &&
          JSON.stringify(request.body).includes('"enable_nsfw":false'),
      ),
    ).toBe(true);
    // Used and stopped: the task id no longer opens a stream.
    expect((await fetch(`${harness.server.url}/v1/function/imagine/sse?task_id=${taskId}`)).status).toBe(404);
  });

  test('sse without a task id needs the function key (query or header) and a prompt', async () => {
    expect((await fetch(`${harness.server.url}/v1/function/imagine/sse?prompt=x`)).status).toBe(401);
    expect((await fetch(`${harness.server.url}/v1/function/imagine/sse?prompt=x&function_key=wrong`)).status).toBe(401);
    expect((await fetch(`${harness.server.url}/v1/function/imagine/sse?function_key=${FUNCTION_KEY}`)).status).toBe(
      400,
    );
    const controller = new AbortController();
    const stream = await fetch(
      `${harness.server.url}/v1/function/imagine/sse?prompt=a%20fox&aspect_ratio=9:16&function_key=${FUNCTION_KEY}`,
      { signal: controller.signal },
    );
    expect(stream.status).toBe(200);
    for await (const { data } of readSseEvents(stream.body!)) {
      expect(JSON.parse(data)).toMatchObject({
        type: 'status',
        status: 'running',
        prompt: 'a fox',
        aspect_ratio: '9:16',
      });
      break;
    }
    controller.abort();
  });
});

describe('a task id opens its stream and nothing else', () => {
  test('start and stop need the function key even with ?task_id= (and ?function_key= only opens streams)', async () => {
    const anonymous = (path: string, body: unknown) =>
      fetch(`${harness.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const taskId = 'f'.repeat(32);
    for (const [path, body] of [
      ['/v1/function/imagine/start', { prompt: 'a fox' }],
      ['/v1/function/video/start', { prompt: 'a fox' }],
      ['/v1/function/imagine/stop', { task_ids: [taskId] }],
      ['/v1/function/video/stop', { task_ids: [taskId] }],
    ] as const) {
      const withTaskId = await anonymous(`${path}?task_id=${taskId}`, body);
      expect({ path, status: withTaskId.status }).toEqual({ path, status: 401 });
      const withQueryKey = await anonymous(`${path}?function_key=${FUNCTION_KEY}`, body);
      expect({ path, status: withQueryKey.status }).toEqual({ path, status: 401 });
    }
    expect((await withKey('/v1/function/imagine/start', { prompt: 'a fox' })).status).toBe(200);
  });
});

describe('imagine over a WebSocket', () => {
  const socketUrl = (query: string) => `${harness.server.url.replace('http', 'ws')}/v1/function/imagine/ws?${query}`;

  /** Opens a socket; resolves with its received events once `until` holds, or rejects when it is refused. */
  function converse(
    url: string,
    script: (socket: WebSocket, events: any[]) => void,
    until: (events: any[]) => boolean,
  ): Promise<any[]> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const events: any[] = [];
      socket.onopen = () => script(socket, events);
      socket.onmessage = (message) => {
        events.push(JSON.parse(String(message.data)));
        script(socket, events);
        if (until(events)) {
          socket.close();
          resolve(events);
        }
      };
      socket.onerror = () => reject(new Error('refused'));
    });
  }

  test('start → images → stop → stopped, with a task id; bad messages get error events', async () => {
    const started = await json(
      await withKey('/v1/function/imagine/start', { prompt: 'a harbour', aspect_ratio: '1:1' }),
    );
    let stopSent = false;
    const events = await converse(
      socketUrl(`task_id=${started.body.task_id}`),
      (socket, received) => {
        if (received.length === 0) {
          socket.send('not json');
          socket.send(JSON.stringify({ type: 'dance' }));
          socket.send(JSON.stringify({ type: 'start', prompt: '' }));
          socket.send(JSON.stringify({ type: 'start', prompt: 'a harbour at night', aspect_ratio: '1024x1792' }));
        } else if (!stopSent && received.filter((event) => event.type === 'image_generation.completed').length >= 2) {
          stopSent = true;
          socket.send(JSON.stringify({ type: 'stop' }));
        }
      },
      (received) => received.some((event) => event.type === 'status' && event.status === 'stopped'),
    );
    expect(events.slice(0, 3)).toEqual([
      { type: 'error', message: 'Invalid message format.', code: 'invalid_payload' },
      { type: 'error', message: 'Unknown action.', code: 'invalid_action' },
      { type: 'error', message: 'Prompt cannot be empty', code: 'empty_prompt' },
    ]);
    expect(events[3]).toEqual({
      type: 'status',
      status: 'running',
      prompt: 'a harbour at night',
      aspect_ratio: '2:3',
      run_id: expect.any(String),
    });
    expect(events.filter((event) => event.type === 'image_generation.completed').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toEqual({ type: 'status', status: 'stopped', run_id: events[3].run_id });
    // The socket used the task up.
    expect((await fetch(`${harness.server.url}/v1/function/imagine/sse?task_id=${started.body.task_id}`)).status).toBe(
      404,
    );
  });

  test('without a task id the function key is required', async () => {
    await expect(
      converse(
        socketUrl('function_key=wrong'),
        () => {},
        () => true,
      ),
    ).rejects.toThrow('refused');
    await expect(
      converse(
        socketUrl('task_id=0123456789abcdef0123456789abcdef'),
        () => {},
        () => true,
      ),
    ).rejects.toThrow('refused');
    const events = await converse(
      socketUrl(`function_key=${FUNCTION_KEY}`),
      (socket, received) => {
        if (received.length === 0) socket.send(JSON.stringify({ type: 'start', prompt: 'a kite' }));
      },
      (received) => received.length > 0,
    );
    expect(events[0]).toMatchObject({ type: 'status', status: 'running', prompt: 'a kite', aspect_ratio: '2:3' });
  });
});

describe('video', () => {
  test('start validates like chat video_config (sizes too); sse streams the chat-format video once', async () => {
    const bad = [
      { prompt: 'x', aspect_ratio: '4:3' },
      { prompt: 'x', video_length: 40 },
      { prompt: 'x', resolution_name: '1080p' },
      { prompt: 'x', preset: 'wild' },
      { prompt: 'x', image_urls: Array.from({ length: 8 }, (_, index) => `https://example.com/${index}.png`) },
      { prompt: 'x', image_urls: ['ftp://example.com/a.png'] },
      { prompt: 'x', reasoning_effort: 'max' },
      { prompt: '' },
    ];
    for (const body of bad) expect((await withKey('/v1/function/video/start', body)).status).toBe(400);
    expect(
      (await fetch(`${harness.server.url}/v1/function/video/start`, { method: 'POST', body: '{"prompt":"x"}' })).status,
    ).toBe(401);

    const started = await json(
      await withKey('/v1/function/video/start', {
        prompt: 'a wave at dusk',
        aspect_ratio: '1792x1024',
        video_length: 6,
        resolution_name: '480p',
        preset: 'normal',
      }),
    );
    expect(started).toEqual({
      status: 200,
      body: { task_id: expect.stringMatching(/^[0-9a-f]{32}$/), aspect_ratio: '3:2' },
    });
    const before = chatCalls(harness.simulator).length;
    const stream = await fetch(`${harness.server.url}/v1/function/video/sse?task_id=${started.body.task_id}`);
    expect(stream.status).toBe(200);
    const text = await stream.text();
    const chunks = [...text.matchAll(/^data: (.*)$/gm)].map((match) => match[1]!);
    expect(chunks.at(-1)).toBe('[DONE]');
    const parsed = chunks.slice(0, -1).map((chunk) => JSON.parse(chunk));
    expect(parsed.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const content = parsed.map((chunk) => chunk.choices[0].delta.content ?? '').join('');
    expect(content).toMatch(/\/v1\/files\/video\//);
    expect(parsed.map((chunk) => chunk.choices[0].delta.reasoning_content ?? '').join('')).toContain('progress=100%');
    const round = chatCalls(harness.simulator).slice(before).at(-1)!;
    expect(JSON.stringify(round.body)).toContain('"aspectRatio":"3:2"');
    expect((round.body as { message: string }).message).toBe('a wave at dusk --mode=normal');
    // A task streams once.
    expect((await fetch(`${harness.server.url}/v1/function/video/sse?task_id=${started.body.task_id}`)).status).toBe(
      404,
    );
  });

  test('stop drops tasks that have not streamed', async () => {
    const started = await json(await withKey('/v1/function/video/start', { prompt: 'never rendered' }));
    expect(await json(await withKey('/v1/function/video/stop', { task_ids: [started.body.task_id] }))).toEqual({
      status: 200,
      body: { status: 'success', removed: 1 },
    });
    expect((await fetch(`${harness.server.url}/v1/function/video/sse?task_id=${started.body.task_id}`)).status).toBe(
      404,
    );
    expect((await withKey('/v1/function/video/stop', {})).status).toBe(400);
  });

  test('chat video_config.aspect_ratio takes the five sizes', async () => {
    const before = chatCalls(harness.simulator).length;
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0-video',
        stream: false,
        messages: [{ role: 'user', content: 'portrait clip' }],
        video_config: { aspect_ratio: '720x1280' },
      }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(chatCalls(harness.simulator).slice(before).at(-1)!.body)).toContain('"aspectRatio":"9:16"');
    const bad = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'grok-imagine-1.0-video',
        messages: [{ role: 'user', content: 'x' }],
        video_config: { aspect_ratio: '640x480' },
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatchObject({
      param: 'video_config.aspect_ratio',
      code: 'invalid_aspect_ratio',
    });
  });
});
