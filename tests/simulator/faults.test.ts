import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import {
  activeStreams,
  chat,
  eventually,
  postJson,
  rateLimits,
  readFrames,
  scanJsonObjects,
  summarise,
} from './simulator-test-client';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ accounts: [{ token: 'token-basic' }, { token: 'token-other' }] });
});
afterAll(() => simulator.stop());
beforeEach(() => simulator.reset());

async function expectNormalTurn(response: Response) {
  expect(response.status).toBe(200);
  const turn = summarise(await readFrames(response));
  expect(turn.final.isSoftStop).toBe(true);
  return turn;
}

describe('request faults replace the answer', () => {
  test('unauthorized, blocked and anti_bot use the upstream bodies', async () => {
    simulator.enqueueFault({ kind: 'unauthorized' });
    simulator.enqueueFault({ kind: 'blocked' });
    simulator.enqueueFault({ kind: 'anti_bot' });
    const unauthorized = await chat(simulator);
    expect(unauthorized.status).toBe(401);
    expect((await unauthorized.json()).message).toContain('bad-credentials');
    const blocked = await chat(simulator);
    expect(blocked.status).toBe(403);
    expect((await blocked.json()).message).toContain('[WKE=unauthorized:blocked-user]');
    const antiBot = await chat(simulator);
    expect(antiBot.status).toBe(403);
    expect((await antiBot.json()).error.code).toBe(7);
    await expectNormalTurn(await chat(simulator));
  });

  test('cloudflare serves the HTML challenge', async () => {
    simulator.enqueueFault({ kind: 'cloudflare' });
    const response = await chat(simulator);
    expect(response.status).toBe(403);
    expect(response.headers.get('server')).toBe('cloudflare');
    expect(await response.text()).toContain('<title>Just a moment...</title>');
  });

  test('rate_limited is a 429 with the requested Retry-After', async () => {
    simulator.enqueueFault({ kind: 'rate_limited', retryAfterSeconds: 42 });
    simulator.enqueueFault({ kind: 'rate_limited' });
    const first = await chat(simulator);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('42');
    expect(await first.json()).toEqual({ error: { code: 8, message: 'Too many requests' } });
    const second = await chat(simulator);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    await second.text();
    expect(simulator.account('token-basic')!.usage.fast).toBe(0);
  });

  test('server_error defaults to 500 and accepts 502/503', async () => {
    simulator.enqueueFault({ kind: 'server_error' });
    simulator.enqueueFault({ kind: 'server_error', status: 503 });
    const first = await chat(simulator);
    expect(first.status).toBe(500);
    expect((await first.text()).length).toBeLessThan(200);
    const second = await chat(simulator);
    expect(second.status).toBe(503);
    await second.text();
  });

  test('status sends any status and body', async () => {
    simulator.enqueueFault({ kind: 'status', status: 418, body: 'short and stout' });
    const response = await chat(simulator);
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('short and stout');
  });

  test('times counts uses and Infinity lasts until reset', async () => {
    simulator.enqueueFault({ kind: 'server_error', times: 2 });
    expect((await chat(simulator)).status).toBe(500);
    expect((await chat(simulator)).status).toBe(500);
    await expectNormalTurn(await chat(simulator));
    simulator.enqueueFault({ kind: 'server_error', times: Infinity });
    for (let attempt = 0; attempt < 4; attempt++) expect((await chat(simulator)).status).toBe(500);
    simulator.reset();
    await expectNormalTurn(await chat(simulator));
  });

  test('match restricts a fault by token and by path', async () => {
    simulator.enqueueFault({ kind: 'unauthorized', match: { token: 'token-other' } });
    simulator.enqueueFault({ kind: 'server_error', match: { path: '/rest/rate-limits' } });
    await expectNormalTurn(await chat(simulator));
    expect((await chat(simulator, {}, { token: 'token-other' })).status).toBe(401);
    expect((await rateLimits(simulator, 'fast')).status).toBe(500);
    expect((await rateLimits(simulator, 'fast')).status).toBe(200);
  });

  test('faults also hit uploads', async () => {
    simulator.enqueueFault({ kind: 'rate_limited', match: { path: '/rest/app-chat/upload-file' } });
    const upload = () =>
      postJson(simulator, '/rest/app-chat/upload-file', {
        fileName: 'a.txt',
        fileMimeType: 'text/plain',
        content: 'aGk=',
      });
    expect((await upload()).status).toBe(429);
    expect((await upload()).status).toBe(200);
  });

  test('slow_first_byte holds back the headers, then answers normally', async () => {
    simulator.enqueueFault({ kind: 'slow_first_byte', delayMs: 60_000 });
    await expect(chat(simulator, {}, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    simulator.enqueueFault({ kind: 'slow_first_byte', delayMs: 10 });
    await expectNormalTurn(await chat(simulator));
    expect(simulator.account('token-basic')!.usage.fast).toBe(1);
  });
});

describe('stream faults shape an accepted turn', () => {
  test('inband_error sends the error object first, with code 7 or 8', async () => {
    simulator.enqueueFault({ kind: 'inband_error', code: 7 });
    simulator.enqueueFault({ kind: 'inband_error', message: 'rate limited' });
    const antiBot = await chat(simulator);
    expect(antiBot.status).toBe(200);
    expect((await readFrames(antiBot))[0]).toEqual({
      error: { message: 'Request rejected by anti-bot rules.', code: 7, details: [] },
    });
    const limited = await readFrames(await chat(simulator));
    expect(limited[0].error).toEqual({ message: 'rate limited', code: 8, details: [] });
    expect(simulator.account('token-basic')!.usage.fast).toBe(0);
  });

  test('usage_limit sends the in-band usage-limit object', async () => {
    simulator.enqueueFault({ kind: 'usage_limit' });
    const frames = await readFrames(await chat(simulator));
    expect(frames[0].result.response.error.message).toBe("You've reached your usage limit. Please try again later.");
  });

  test('stream_errors streams tokens, then a modelResponse carrying the error', async () => {
    simulator.enqueueFault({ kind: 'stream_errors', message: 'boom' });
    const turn = summarise(await readFrames(await chat(simulator)));
    expect(turn.answer.length).toBeGreaterThan(0);
    expect(turn.modelResponse.streamErrors).toEqual(['boom']);
    expect(turn.final).toBeUndefined();
  });

  test('moderated is accepted and ignored for chat', async () => {
    simulator.enqueueFault({ kind: 'moderated' });
    await expectNormalTurn(await chat(simulator));
    await expectNormalTurn(await chat(simulator));
  });

  test('cut sends whole frames, then half an object, then ends the body', async () => {
    simulator.enqueueFault({ kind: 'cut', afterFrames: 2 });
    const text = await (await chat(simulator)).text();
    const { objects, rest } = scanJsonObjects(text);
    expect(objects).toHaveLength(2);
    expect(objects[0].result.conversation).toBeDefined();
    expect(rest.trim()).toStartWith('{"result":');
    expect(() => JSON.parse(rest)).toThrow();
  });

  test('stream faults wait for a chat turn instead of being used by rate-limits', async () => {
    simulator.enqueueFault({ kind: 'usage_limit' });
    expect((await rateLimits(simulator, 'fast')).status).toBe(200);
    const frames = await readFrames(await chat(simulator));
    expect(frames[0].result.response.error).toBeDefined();
  });

  test('stall sends afterFrames frames, then holds the socket until the client aborts', async () => {
    simulator.enqueueFault({ kind: 'stall', afterFrames: 3 });
    const controller = new AbortController();
    const response = await chat(simulator, {}, { signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (scanJsonObjects(text).objects.length < 3) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    expect(scanJsonObjects(text).objects.map((frame) => Object.keys(frame.result)[0])).toEqual([
      'conversation',
      'response',
      'response',
    ]);
    expect(await activeStreams(simulator)).toBe(1);
    controller.abort();
    await reader.read().catch(() => undefined);
    expect(await eventually(async () => (await activeStreams(simulator)) === 0)).toBe(true);
  });
});
