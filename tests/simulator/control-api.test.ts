import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { chat, rateLimits, readFrames, summarise } from './simulator-test-client';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.stop());
beforeEach(async () => {
  await control('POST', 'reset');
  await control('PATCH', 'options', { framing: 'ndjson' });
});

function control(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${simulator.url}/__simulator/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('HTTP control API', () => {
  test('health answers', async () => {
    const response = await control('GET', 'health');
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('ok');
  });

  test('accounts can be added and read back', async () => {
    const added = await control('POST', 'accounts', {
      token: 'token-http',
      tier: 'super',
      quotas: { fast: { total: 3, windowSeconds: 60 } },
    });
    expect(added.status).toBe(201);
    expect((await added.json()).usage).toEqual({ auto: 0, fast: 0, expert: 0, heavy: 0 });
    await readFrames(await chat(simulator, {}, { token: 'token-http' }));
    const read = await control('GET', 'accounts/token-http');
    const account = await read.json();
    expect(account.tier).toBe('super');
    expect(account.usage.fast).toBe(1);
    expect((await (await rateLimits(simulator, 'fast', { token: 'token-http' })).json()).remainingQueries).toBe(2);
    expect((await control('GET', 'accounts/nobody')).status).toBe(404);
    expect((await control('POST', 'accounts', { tier: 'gold' })).status).toBe(400);
  });

  test('faults with times -1 last until reset', async () => {
    await control('POST', 'accounts', { token: 'token-basic' });
    const queued = await control('POST', 'faults', { kind: 'server_error', status: 502, times: -1 });
    expect(queued.status).toBe(201);
    for (let attempt = 0; attempt < 3; attempt++) expect((await chat(simulator)).status).toBe(502);
    await control('POST', 'reset');
    expect((await chat(simulator)).status).toBe(200);
    expect((await control('POST', 'faults', { kind: 'meteor' })).status).toBe(400);
  });

  test('scripts queue answers', async () => {
    await control('POST', 'accounts', { token: 'token-basic' });
    expect((await control('POST', 'scripts', { answer: 'scripted over http', thinking: 'hmm' })).status).toBe(201);
    const turn = summarise(await readFrames(await chat(simulator)));
    expect(turn.answer.join('')).toBe('scripted over http');
    expect(turn.thinking.join('')).toBe('hmm');
    expect((await control('POST', 'scripts', { answerTokens: 'not an array' })).status).toBe(400);
  });

  test('options can be patched, and a bad patch changes nothing', async () => {
    await control('POST', 'accounts', { token: 'token-basic' });
    const patched = await control('PATCH', 'options', { framing: 'sse', requireStatsig: false });
    expect(patched.status).toBe(200);
    expect((await patched.json()).framing).toBe('sse');
    const text = await (await chat(simulator, {}, { statsig: null })).text();
    expect(text.trimEnd()).toEndWith('data: [DONE]');
    const rejected = await control('PATCH', 'options', { framing: 'ndjson', chunkBytes: -3 });
    expect(rejected.status).toBe(400);
    expect((await (await control('GET', 'options')).json()).framing).toBe('sse');
    await control('PATCH', 'options', { requireStatsig: true });
  });

  test('requests lists what the upstream received, without control calls, and reset clears it', async () => {
    await control('POST', 'accounts', { token: 'token-basic' });
    await readFrames(await chat(simulator, { message: 'listed' }));
    const requests = await (await control('GET', 'requests')).json();
    expect(requests).toHaveLength(1);
    expect(requests[0].path).toBe('/rest/app-chat/conversations/new');
    expect(requests[0].body.message).toBe('listed');
    expect(requests[0].cookies.sso).toBe('token-basic');
    await control('POST', 'reset');
    expect(await (await control('GET', 'requests')).json()).toEqual([]);
    expect(simulator.requests).toHaveLength(0);
  });

  test('unknown control routes and bad methods are answered', async () => {
    expect((await control('GET', 'nothing')).status).toBe(404);
    expect((await control('GET', 'reset')).status).toBe(405);
  });
});
