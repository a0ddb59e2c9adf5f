import { afterEach, describe, expect, test } from 'bun:test';
import { DEFAULT_USER_AGENT } from '../../src/config/schema';
import { impitProfile } from '../../src/upstream/egress/browser-fetch';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

// upstream.http_client = impit: REST traffic through a browser-fingerprint client, with our own
// headers kept and no navigation headers added to API calls.

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const ask = (h: Harness) =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
  });

describe('impit transport', () => {
  test('a chat over impit keeps our User-Agent and cookies, and adds neither navigation headers nor client hints', async () => {
    harness = await startHarness({ env: { GROK2API_UPSTREAM_HTTP_CLIENT: 'impit' } });
    const response = await ask(harness);
    expect(response.status).toBe(200);
    const call = chatCalls(harness.simulator)[0]!;
    expect(call.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    // The current release sends no client hints on a chat call; impit's own would not match ours.
    expect(call.headers['sec-ch-ua']).toBeUndefined();
    expect(call.headers['sec-ch-ua-platform']).toBeUndefined();
    expect(call.headers['sec-fetch-mode']).toBe('cors');
    expect(call.cookies.sso).toBe('account-basic-1');
    expect(call.headers['upgrade-insecure-requests']).toBeUndefined();
    expect(call.headers['sec-fetch-user']).toBeUndefined();
    // A different client indeed: Bun's fetch announces keep-alive, impit (HTTP/2-minded) does not.
    expect(call.headers.connection).toBeUndefined();
  });

  test("bun (the default) is Bun's fetch", async () => {
    harness = await startHarness();
    expect((await ask(harness)).status).toBe(200);
    expect(chatCalls(harness.simulator)[0]!.headers.connection).toBe('keep-alive');
  });

  test('proxy.browser maps onto the nearest impit profile', () => {
    expect(impitProfile('chrome136')).toBe('chrome136');
    expect(impitProfile('chrome146')).toBe('chrome142');
    expect(impitProfile('Chrome120')).toBe('chrome116');
    expect(impitProfile('firefox140')).toBe('firefox135');
    expect(impitProfile('safari17')).toBe('chrome151');
  });
});
