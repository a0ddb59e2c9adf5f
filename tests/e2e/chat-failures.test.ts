import { afterEach, describe, expect, test } from 'bun:test';
import type OpenAI from 'openai';
import {
  CHAT_TRANSPORTS,
  chatCalls,
  chatPath,
  startHarness,
  type HarnessOptions,
  type Harness,
} from '../helpers/gateway-harness';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const ask = (h: Harness, stream = false) =>
  h.client.chat.completions.create({
    model: 'grok-4.1-fast',
    messages: [{ role: 'user', content: 'hello' }],
    stream,
  } as never);

async function tokens(h: Harness) {
  const response = await h.admin('/v1/admin/tokens?export=true');
  const body = (await response.json()) as {
    tokens: Record<string, { token: string; status: string; fail_count: number }[]>;
  };
  return Object.values(body.tokens).flat();
}

async function drain(stream: AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>) {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe.each(CHAT_TRANSPORTS)('failover and upstream faults over %s', (transport) => {
  const start = (options: HarnessOptions) => startHarness({ ...options, transport });
  const CHAT_PATH = chatPath(transport);

  test('a 429 account cools and the request moves to another account before any byte', async () => {
    harness = await start({
      accounts: [
        { token: 'account-a', tier: 'basic' },
        { token: 'account-b', tier: 'basic' },
      ],
    });
    harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path: CHAT_PATH } });
    const completion = (await ask(harness)) as OpenAI.ChatCompletion;
    expect(completion.choices[0]!.message.content).toContain('Hello from the Grok simulator');
    const calls = chatCalls(harness.simulator);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.cookies.sso).not.toBe(calls[1]!.cookies.sso);
    const states = await tokens(harness);
    expect(states.find((account) => account.token === calls[0]!.cookies.sso)!.status).toBe('cooling');
    expect(states.find((account) => account.token === calls[1]!.cookies.sso)!.status).toBe('active');
  });

  test('when every account is rate limited the client gets a 429 with Retry-After', async () => {
    // On-demand refresh would ask rate-limits, which the simulator answers with quota left; this
    // test is about the 429 path alone (on-demand refresh has its own tests in tests/pool).
    harness = await start({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_TOKEN_ON_DEMAND_REFRESH_ENABLED: 'false' },
    });
    harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path: CHAT_PATH }, retryAfterSeconds: 30 });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await response.json()) as { error: { type: string; code: string } };
    expect(body.error.type).toBe('rate_limit_error');
    // The only account is now cooling, so the next request finds none.
    const next = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(next.status).toBe(429);
    expect(((await next.json()) as { error: { code: string } }).error.code).toBe('no_available_account');
  });

  test('an in-band rate-limit error before any text fails over like a 429', async () => {
    harness = await start({
      accounts: [
        { token: 'account-a', tier: 'basic' },
        { token: 'account-b', tier: 'basic' },
      ],
    });
    harness.simulator.enqueueFault({ kind: 'inband_error', code: 8, message: 'rate limited' });
    const text = await drain((await ask(harness, true)) as never);
    expect(text).toContain('Hello from the Grok simulator');
    expect(chatCalls(harness.simulator)).toHaveLength(2);
  });

  test('an in-band anti-bot error is retried and never held against the account', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }] });
    harness.simulator.enqueueFault({ kind: 'inband_error', code: 7, message: 'Request rejected by anti-bot rules.' });
    const completion = (await ask(harness)) as OpenAI.ChatCompletion;
    expect(completion.choices[0]!.message.content).toContain('Hello from the Grok simulator');
    expect((await tokens(harness))[0]!.status).toBe('active');
  });

  test('a Cloudflare challenge is a 502 upstream_challenge and does not cool the account', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }] });
    harness.simulator.enqueueFault({ kind: 'cloudflare', times: 10 });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_challenge');
    const [account] = await tokens(harness);
    expect(account!.status).toBe('active');
    expect(account!.fail_count).toBe(0);
  });

  test('401s count toward token.fail_threshold, then the account is expired', async () => {
    harness = await start({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_TOKEN_FAIL_THRESHOLD: '2' },
    });
    harness.simulator.enqueueFault({ kind: 'unauthorized', times: 2, match: { path: CHAT_PATH } });
    const first = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(first.status).toBe(502);
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe('upstream_auth_failed');
    expect((await tokens(harness))[0]).toMatchObject({ status: 'active', fail_count: 1 });
    await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect((await tokens(harness))[0]).toMatchObject({ status: 'expired', fail_count: 2 });
  });

  test('a success resets the consecutive failure count', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }] });
    harness.simulator.enqueueFault({ kind: 'unauthorized', match: { path: CHAT_PATH } });
    await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect((await tokens(harness))[0]!.fail_count).toBe(1);
    await ask(harness);
    expect((await tokens(harness))[0]!.fail_count).toBe(0);
  });

  test('a 5xx is retried on another account', async () => {
    harness = await start({
      accounts: [
        { token: 'account-a', tier: 'basic' },
        { token: 'account-b', tier: 'basic' },
      ],
    });
    harness.simulator.enqueueFault({ kind: 'server_error', status: 503, match: { path: CHAT_PATH } });
    const completion = (await ask(harness)) as OpenAI.ChatCompletion;
    expect(completion.choices[0]!.message.content).toContain('Hello');
    const states = await tokens(harness);
    expect(states.every((account) => account.status === 'active')).toBe(true);
  });

  test('a stalled stream is cut after chat.stream_timeout with an error event', async () => {
    harness = await start({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_CHAT_STREAM_TIMEOUT: '1' },
    });
    harness.simulator.enqueueFault({ kind: 'stall', afterFrames: 4 });
    const stream = await ask(harness, true);
    let text = '';
    const failure = await (async () => {
      try {
        for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>)
          text += chunk.choices[0]?.delta.content ?? '';
        return null;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure).not.toBeNull();
    expect(failure!.message).toMatch(/did not answer in time|idle/i);
    expect(text.length).toBeGreaterThan(0);
  });

  test('a stalled non-streaming answer is a 504', async () => {
    harness = await start({
      accounts: [{ token: 'account-a', tier: 'basic' }],
      env: { GROK2API_CHAT_STREAM_TIMEOUT: '1' },
    });
    harness.simulator.enqueueFault({ kind: 'stall', afterFrames: 4 });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_timeout');
  });

  test('a stream cut in the middle of an object ends with an error event, not a silent stop', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }] });
    harness.simulator.enqueueFault({ kind: 'cut', afterFrames: 4 });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const raw = await response.text();
    const events = raw.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const errorEvent = JSON.parse(events.at(-2)!.slice('data: '.length)) as { error?: { type: string; code: string } };
    expect(errorEvent.error?.code).toBe('upstream_error');
    expect(raw).not.toContain('"finish_reason":"stop"');
  });

  test('an upstream that errors mid-answer (streamErrors) is reported, not passed off as complete', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }] });
    harness.simulator.enqueueFault({ kind: 'stream_errors', message: 'generation failed' });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(502);
  });

  test('no account for a Super-only model is a 503 that says what to do', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }] });
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4-heavy', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('no_available_account');
    expect(body.error.message).toContain('Super');
    expect(chatCalls(harness.simulator)).toHaveLength(0);
  });

  test('a basic model falls back to the Super pool', async () => {
    harness = await start({ accounts: [{ token: 'account-super', tier: 'super' }] });
    const completion = (await ask(harness)) as OpenAI.ChatCompletion;
    expect(completion.choices[0]!.message.content).toContain('Hello');
    expect(chatCalls(harness.simulator)[0]!.cookies.sso).toBe('account-super');
  });

  test('a client that aborts a stream releases the account and is not charged', async () => {
    harness = await start({ accounts: [{ token: 'account-a', tier: 'basic' }], simulator: { tokenDelayMs: 50 } });
    const controller = new AbortController();
    const response = await harness.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }], stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => {});
    // The simulator sees the upstream connection close.
    for (let i = 0; i < 50; i++) {
      const health = (await (await fetch(`${harness.simulator.url}/__simulator/health`)).json()) as {
        activeStreams: number;
      };
      if (health.activeStreams === 0) break;
      await Bun.sleep(20);
    }
    const health = (await (await fetch(`${harness.simulator.url}/__simulator/health`)).json()) as {
      activeStreams: number;
    };
    expect(health.activeStreams).toBe(0);
    const [account] = (await tokens(harness)) as unknown as { use_count: number }[];
    expect(account!.use_count).toBe(0);
  });
});
