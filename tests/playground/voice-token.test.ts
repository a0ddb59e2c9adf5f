import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/** The voice token broker (§15) over HTTP, against the simulator. */

const FUNCTION_KEY = 'fn-voice-key';
let harness: Harness;
const first = { token: `voice-first-${'v'.repeat(20)}`, tier: 'basic' as const };
const second = { token: `voice-second-${'w'.repeat(20)}`, tier: 'basic' as const };

beforeAll(async () => {
  harness = await startHarness({
    accounts: [first, second],
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: FUNCTION_KEY },
  });
});
afterAll(() => harness.stop());

const voiceToken = (query: string, key = FUNCTION_KEY) =>
  fetch(`${harness.server.url}/v1/function/voice/token${query}`, { headers: { authorization: `Bearer ${key}` } });
const tokenCalls = () => harness.simulator.requests.filter((request) => request.path === '/rest/livekit/tokens');

describe('voice token broker', () => {
  test('brokers a LiveKit token with the chosen voice, personality and speed', async () => {
    const response = await voiceToken('?voice=eve&personality=storyteller&speed=1.25');
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body).toMatchObject({ url: 'wss://livekit.grok.com', participant_name: '', room_name: '' });
    expect(body.token.split('.')).toHaveLength(3);
    expect(JSON.stringify(body)).not.toContain('v'.repeat(20));

    const sent = tokenCalls().at(-1)!;
    expect(sent.headers['x-statsig-id']).toBeTruthy();
    expect(sent.body).toMatchObject({
      requestAgentDispatch: false,
      livekitUrl: 'wss://livekit.grok.com',
      params: { enable_markdown_transcript: 'true' },
    });
    expect(JSON.parse((sent.body as any).sessionPayload)).toEqual({
      voice: 'eve',
      personality: 'storyteller',
      playback_speed: 1.25,
      enable_vision: false,
      turn_detection: { type: 'server_vad' },
    });

    const defaults = await voiceToken('');
    expect(defaults.status).toBe(200);
    expect(JSON.parse((tokenCalls().at(-1)!.body as any).sessionPayload)).toMatchObject({
      voice: 'ara',
      personality: 'assistant',
      playback_speed: 1,
    });
  });

  test('the LiveKit URL comes from voice.livekit_url (token answer, page CSP, manifest); empty turns voice off', async () => {
    const setUrl = (url: string) =>
      harness.admin('/v1/admin/config', { method: 'POST', body: JSON.stringify({ voice: { livekit_url: url } }) });
    const voicePage = async () => {
      const manifest = (await (await fetch(`${harness.server.url}/v1/function/manifest`)).json()) as any;
      return manifest.pages.find((page: any) => page.id === 'voice');
    };
    try {
      expect((await setUrl('wss://voice.example.test')).status).toBe(200);
      expect(((await (await voiceToken('')).json()) as any).url).toBe('wss://voice.example.test');
      // Upstream still hears Grok's own LiveKit host: that part of the protocol is fixed.
      expect((tokenCalls().at(-1)!.body as any).livekitUrl).toBe('wss://livekit.grok.com');
      const csp = (await fetch(`${harness.server.url}/playground`)).headers.get('content-security-policy')!;
      expect(csp).toContain('wss://voice.example.test');
      expect(csp).not.toContain('livekit.grok.com');
      expect(await voicePage()).toMatchObject({ endpoint: '/v1/function/voice/token', available: true });

      expect((await setUrl('')).status).toBe(200);
      const off = await voiceToken('');
      expect(off.status).toBe(404);
      expect(((await off.json()) as any).error.code).toBe('voice_disabled');
      expect(await voicePage()).toMatchObject({ available: false });
      expect((await fetch(`${harness.server.url}/playground`)).headers.get('content-security-policy')).toContain(
        "connect-src 'self';",
      );
    } finally {
      await setUrl('wss://livekit.grok.com');
    }
  });

  test('bad options name the parameter; the function key is required', async () => {
    for (const [query, param] of [
      ['?voice=robot', 'voice'],
      ['?personality=Bad%20One', 'personality'],
      ['?speed=9', 'speed'],
      ['?speed=fast', 'speed'],
    ]) {
      const response = await voiceToken(query!);
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.param).toBe(param);
    }
    expect((await voiceToken('', 'wrong-key')).status).toBe(401);
    expect((await fetch(`${harness.server.url}/v1/function/voice/token`)).status).toBe(401);
  });

  test('a refused account is left for the next one; with none left the answer is an upstream error', async () => {
    let rotated = false;
    // The first account's session is dead upstream: whichever account the pool offers first,
    // every request still ends with a token brokered by the second one.
    harness.simulator.enqueueFault({
      kind: 'unauthorized',
      match: { token: first.token, path: '/rest/livekit/tokens' },
      times: -1,
    });
    // The pool picks at random: ask until it offered the first account (bounded; 2^-20 to miss).
    for (let index = 0; index < 20 && !rotated; index++) {
      const before = tokenCalls().length;
      const response = await voiceToken('?voice=rex');
      expect(response.status).toBe(200);
      expect(tokenCalls().at(-1)!.cookies.sso).toBe(second.token);
      if (
        tokenCalls()
          .slice(before)
          .some((call) => call.cookies.sso === first.token)
      )
        rotated = true;
    }
    expect(rotated).toBe(true);
    harness.simulator.reset();

    harness.simulator.enqueueFault({ kind: 'server_error', match: { path: '/rest/livekit/tokens' }, times: -1 });
    const failed = await voiceToken('');
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await failed.text()).not.toContain('w'.repeat(20));
  });
});
