import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { chat, getPath, rateLimits, readFrames, summarise } from './simulator-test-client';

const UNAUTHENTICATED = { code: 16, message: 'unauthenticated: bad-credentials', details: [] };
const BLOCKED = { code: 7, message: 'User is blocked [WKE=unauthorized:blocked-user]', details: [] };
const ANTI_BOT = { error: { message: 'Request rejected by anti-bot rules.', code: 7, details: [] } };
const CHALLENGE =
  '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="challenge-platform"></div></body></html>';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({
    accounts: [
      { token: 'token-basic' },
      { token: 'token-blocked', blocked: true },
      { token: 'token-expired', expired: true },
    ],
  });
});
afterAll(() => simulator.stop());
beforeEach(() => {
  simulator.reset();
  simulator.setOptions({
    acceptUnknownTokens: false,
    requireStatsig: true,
    strictStatsig: false,
    requireCfClearance: null,
  });
});

describe('sso cookie', () => {
  test.each([
    ['no cookie', null],
    ['an unknown token', 'token-nobody'],
    ['an expired token', 'token-expired'],
  ])('%s gets 401 bad-credentials', async (_, token) => {
    const response = await chat(simulator, {}, { token });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
  });

  test('sso-rw alone is accepted', async () => {
    const response = await chat(simulator, {}, { token: null, cookie: 'sso-rw=token-basic' });
    expect(response.status).toBe(200);
    await response.text();
  });

  test('a blocked account gets 403 with the blocked-user marker', async () => {
    const response = await chat(simulator, {}, { token: 'token-blocked' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual(BLOCKED);
    const limits = await rateLimits(simulator, 'fast', { token: 'token-blocked' });
    expect(limits.status).toBe(403);
  });

  test('demo mode turns an unknown token into a basic account with derived identity', async () => {
    simulator.setOptions({ acceptUnknownTokens: true });
    const response = await chat(simulator, {}, { token: 'brand-new-token' });
    expect(response.status).toBe(200);
    expect(summarise(await readFrames(response)).modelResponse.message).toContain('mode fast');
    const account = simulator.account('brand-new-token')!;
    expect(account.tier).toBe('basic');
    expect(account.email).toBe('brand-ne@sim.local');
    expect(account.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(account.usage.fast).toBe(1);
  });

  test('the derived user id is stable across simulators', async () => {
    const other = await startSimulator({ accounts: [{ token: 'token-basic' }] });
    try {
      expect(other.account('token-basic')!.userId).toBe(simulator.account('token-basic')!.userId);
      expect(other.account('token-basic')!.userId).not.toBe(simulator.account('token-blocked')!.userId);
    } finally {
      await other.stop();
    }
  });
});

describe('x-statsig-id', () => {
  test('missing on chat and rate-limits gets the anti-bot 403 JSON', async () => {
    for (const response of [
      await chat(simulator, {}, { statsig: null }),
      await rateLimits(simulator, 'fast', { statsig: null }),
    ]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(ANTI_BOT);
    }
    expect(simulator.account('token-basic')!.usage.fast).toBe(0);
  });

  test('not required when requireStatsig is off', async () => {
    simulator.setOptions({ requireStatsig: false });
    const response = await chat(simulator, {}, { statsig: null });
    expect(response.status).toBe(200);
    await response.text();
  });

  test('strict mode wants exactly 70 decoded bytes', async () => {
    simulator.setOptions({ strictStatsig: true });
    const seventy = Buffer.alloc(70, 7).toString('base64');
    const unpadded = Buffer.alloc(70, 9).toString('base64').replace(/=+$/, '');
    const sixtyNine = Buffer.alloc(69, 7).toString('base64');
    expect((await chat(simulator, {}, { statsig: seventy })).status).toBe(200);
    expect((await chat(simulator, {}, { statsig: unpadded })).status).toBe(200);
    const short = await chat(simulator, {}, { statsig: sixtyNine });
    expect(short.status).toBe(403);
    expect(await short.json()).toEqual(ANTI_BOT);
    expect((await chat(simulator, {}, { statsig: 'not base64 at all!' })).status).toBe(403);
  });
});

describe('cf_clearance', () => {
  test('a missing or wrong clearance gets the Cloudflare interstitial on every host', async () => {
    simulator.setOptions({ requireCfClearance: 'clear-me' });
    for (const response of [
      await chat(simulator),
      await chat(simulator, {}, { cookie: 'cf_clearance=wrong' }),
      await getPath(simulator, '/api/auth/session'),
      await getPath(simulator, '/'),
    ]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('server')).toBe('cloudflare');
      expect(response.headers.get('content-type')).toBe('text/html');
      expect(await response.text()).toBe(CHALLENGE);
    }
    const cleared = await chat(simulator, {}, { cookie: 'cf_clearance=clear-me' });
    expect(cleared.status).toBe(200);
    await cleared.text();
  });
});
