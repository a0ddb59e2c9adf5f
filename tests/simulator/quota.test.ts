import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { chat, postJson, rateLimits, readFrames, scanJsonObjects } from './simulator-test-client';

let simulator: Simulator;
let clock = 1_700_000_000_000;

beforeAll(async () => {
  simulator = await startSimulator({
    now: () => clock,
    accounts: [
      { token: 'token-basic' },
      { token: 'token-super', tier: 'super' },
      { token: 'token-heavy', tier: 'heavy' },
      { token: 'token-tiny', quotas: { fast: { total: 2, windowSeconds: 60 } } },
    ],
  });
});
afterAll(() => simulator.stop());
beforeEach(() => {
  simulator.reset();
  simulator.setOptions({ exhaustedBehaviour: 'http429' });
});

async function limits(token: string, modelName: string) {
  const response = await rateLimits(simulator, modelName, { token });
  expect(response.status).toBe(200);
  return response.json();
}

describe('rate-limits', () => {
  test.each([
    ['token-basic', { auto: 20, fast: 30, expert: 8, heavy: 0 }, 86_400],
    ['token-super', { auto: 50, fast: 140, expert: 50, heavy: 0 }, 7_200],
    ['token-heavy', { auto: 150, fast: 400, expert: 150, heavy: 20 }, 7_200],
  ])('%s has the tier defaults', async (token, totals, windowSeconds) => {
    for (const [mode, total] of Object.entries(totals)) {
      expect(await limits(token, mode)).toEqual({
        windowSizeSeconds: windowSeconds,
        remainingQueries: total,
        totalQueries: total,
        lowEffortRateLimits: null,
        highEffortRateLimits: null,
      });
    }
  });

  test('the legacy P1 body answers with the fast window', async () => {
    const response = await postJson(
      simulator,
      '/rest/rate-limits',
      { requestKind: 'DEFAULT', modelName: 'grok-4-1-thinking-1129' },
      { token: 'token-super' },
    );
    expect((await response.json()).totalQueries).toBe(140);
  });

  test('a body without a model name is a 400', async () => {
    expect((await postJson(simulator, '/rest/rate-limits', {}, { token: 'token-super' })).status).toBe(400);
    expect((await postJson(simulator, '/rest/rate-limits', 'nope', { token: 'token-super' })).status).toBe(400);
  });
});

describe('windows', () => {
  test('each successful turn takes one unit of its mode', async () => {
    await readFrames(await chat(simulator, { modeId: 'fast' }, { token: 'token-super' }));
    await readFrames(await chat(simulator, { modeId: 'fast' }, { token: 'token-super' }));
    await readFrames(await chat(simulator, { modeId: 'expert' }, { token: 'token-super' }));
    expect((await limits('token-super', 'fast')).remainingQueries).toBe(138);
    expect((await limits('token-super', 'expert')).remainingQueries).toBe(49);
    expect((await limits('token-super', 'auto')).remainingQueries).toBe(50);
    expect(simulator.account('token-super')!.usage).toEqual({ auto: 0, fast: 2, expert: 1, heavy: 0 });
  });

  test('an exhausted window answers 429 with Retry-After until it elapses', async () => {
    await readFrames(await chat(simulator, {}, { token: 'token-tiny' }));
    clock += 10_000;
    await readFrames(await chat(simulator, {}, { token: 'token-tiny' }));
    const refused = await chat(simulator, {}, { token: 'token-tiny' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(await refused.json()).toEqual({ error: { code: 8, message: 'Too many requests' } });
    expect(simulator.account('token-tiny')!.usage.fast).toBe(2);
    expect((await limits('token-tiny', 'fast')).remainingQueries).toBe(0);

    clock += 50_000;
    expect((await limits('token-tiny', 'fast')).remainingQueries).toBe(2);
    const again = await chat(simulator, {}, { token: 'token-tiny' });
    expect(again.status).toBe(200);
    await again.text();
    expect(simulator.account('token-tiny')!.usage.fast).toBe(1);
  });

  test('a mode the tier lacks is exhausted from the start', async () => {
    const response = await chat(simulator, { modeId: 'heavy' }, { token: 'token-basic' });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('the inband behaviour streams the usage-limit object instead', async () => {
    simulator.setOptions({ exhaustedBehaviour: 'inband' });
    const response = await chat(simulator, { modeId: 'heavy' }, { token: 'token-super' });
    expect(response.status).toBe(200);
    const { objects } = scanJsonObjects(await response.text());
    expect(objects[0]).toEqual({
      result: { response: { error: { message: "You've reached your usage limit. Please try again later." } } },
    });
    expect(objects).toHaveLength(1);
  });

  test('reset clears usage', async () => {
    await readFrames(await chat(simulator, {}, { token: 'token-tiny' }));
    simulator.reset();
    expect(simulator.account('token-tiny')!.usage.fast).toBe(0);
  });
});
