import { afterEach, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/** The shared stream pipeline's keep-alive and abort handling, seen through Responses and Messages. */

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const responsesStream = (h: Harness, signal?: AbortSignal) =>
  h.api('/v1/responses', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', input: 'x', stream: true }),
    signal,
  });
const messagesStream = (h: Harness) =>
  h.api('/v1/messages', {
    method: 'POST',
    body: JSON.stringify({
      model: 'grok-4.1-fast',
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    }),
  });

test('keep-alives while the upstream is silent: a comment for Responses, ping events for Messages', async () => {
  harness = await startHarness({ simulator: { tokenDelayMs: 300 }, env: { GROK2API_CHAT_KEEPALIVE_INTERVAL: '0.1' } });
  harness.simulator.script({ answerTokens: ['one', ' two'], times: 2 });

  const responses = await (await responsesStream(harness)).text();
  expect(responses).toContain(': keep-alive\n\n');
  expect(responses).toContain('event: response.completed');
  const numbers = [...responses.matchAll(/"sequence_number":(\d+)/g)].map((match) => Number(match[1]));
  expect(numbers).toEqual(numbers.map((_, index) => index));

  const messages = await (await messagesStream(harness)).text();
  // One ping right after message_start, more while the upstream is silent.
  expect(messages.match(/event: ping\n/g)!.length).toBeGreaterThan(1);
  expect(messages.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
});

test('a client that aborts a Responses stream releases the account and is not charged', async () => {
  harness = await startHarness({ accounts: [{ token: 'account-a', tier: 'basic' }], simulator: { tokenDelayMs: 50 } });
  const controller = new AbortController();
  const response = await responsesStream(harness, controller.signal);
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  await reader.cancel().catch(() => {});
  const activeStreams = async () =>
    ((await (await fetch(`${harness!.simulator.url}/__simulator/health`)).json()) as { activeStreams: number })
      .activeStreams;
  for (let attempt = 0; attempt < 50 && (await activeStreams()) > 0; attempt++) await Bun.sleep(20);
  expect(await activeStreams()).toBe(0);
  const listing = (await (await harness.admin('/v1/admin/tokens')).json()) as {
    tokens: Record<string, { use_count: number }[]>;
  };
  expect(listing.tokens.ssoBasic![0]!.use_count).toBe(0);
});

test('failover before the first byte is shared: a rate-limited account is skipped for Messages and Responses', async () => {
  harness = await startHarness({
    accounts: [
      { token: 'account-a', tier: 'basic' },
      { token: 'account-b', tier: 'basic' },
    ],
  });
  const path = '/rest/app-chat/conversations/new';
  harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path } });
  harness.simulator.script({ answer: 'served', times: 2 });
  const messages = await harness.api('/v1/messages', {
    method: 'POST',
    body: JSON.stringify({
      model: 'grok-4.1-fast',
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    }),
  });
  expect(messages.status).toBe(200);
  expect(await messages.text()).toContain('"text":"served"');
  const chats = harness.simulator.requests.filter((request) => request.path === path);
  expect(chats).toHaveLength(2);
  expect(chats[0]!.cookies.sso).not.toBe(chats[1]!.cookies.sso);

  // Every account rate limited: a real 429 status before the stream starts, in each API's shape.
  harness.simulator.enqueueFault({ kind: 'rate_limited', match: { path }, times: 4 });
  const refused = await harness.api('/v1/responses', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', input: 'x', stream: true }),
  });
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
});
