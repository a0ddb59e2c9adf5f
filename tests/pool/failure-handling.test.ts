import { afterEach, expect, test } from 'bun:test';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/** Selection and failure handling seen from a client, through the gateway and the simulator. */

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

interface TokenView {
  token: string;
  status: string;
  quota: number;
  last_sync_at: number | null;
}

async function statuses(h: Harness): Promise<Record<string, string>> {
  const { tokens } = (await (await h.admin('/v1/admin/tokens?export=true')).json()) as {
    tokens: Record<string, TokenView[]>;
  };
  return Object.fromEntries(
    Object.values(tokens)
      .flat()
      .map((account) => [account.token, account.status]),
  );
}

const ask = (h: Harness, headers: Record<string, string> = {}, content = 'hi') =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'grok-4', messages: [{ role: 'user', content }] }),
  });

const four = ['one', 'two', 'three', 'four'].map((token) => ({ token, tier: 'basic' as const }));

test('one request cools at most retry.max_cooled_accounts accounts, then fails without cooling more', async () => {
  harness = await startHarness({
    accounts: four,
    env: { GROK2API_RETRY_MAX_RETRY: '4', GROK2API_RETRY_MAX_COOLED_ACCOUNTS: '2' },
  });
  harness.simulator.enqueueFault({
    kind: 'rate_limited',
    times: Infinity,
    match: { path: '/rest/app-chat/conversations/new' },
  });
  const response = await ask(harness);
  expect(response.status).toBe(429);
  expect(chatCalls(harness.simulator)).toHaveLength(3); // two cooled, the third answer ended the request
  const after = Object.values(await statuses(harness));
  expect(after.filter((status) => status === 'cooling')).toHaveLength(2);
  expect(after.filter((status) => status === 'active')).toHaveLength(2);
});

test('with no account free, a request syncs cooling accounts on demand and is served', async () => {
  harness = await startHarness({ accounts: [] });
  harness.simulator.addAccount({ token: 'resting', tier: 'basic' });
  const replaced = await harness.admin('/v1/admin/tokens', {
    method: 'POST',
    body: JSON.stringify({ ssoBasic: [{ token: 'resting', status: 'cooling', quota: 0 }] }),
  });
  expect(replaced.status).toBe(200);
  const response = await ask(harness);
  expect(response.status).toBe(200);
  const paths = harness.simulator.requests.map((request) => request.path);
  expect(paths.indexOf('/rest/rate-limits')).toBeLessThan(paths.indexOf('/rest/app-chat/conversations/new'));
  expect((await statuses(harness)).resting).toBe('active');
});

test('on-demand refresh can be switched off', async () => {
  harness = await startHarness({ accounts: [], env: { GROK2API_TOKEN_ON_DEMAND_REFRESH_ENABLED: 'false' } });
  harness.simulator.addAccount({ token: 'resting', tier: 'basic' });
  await harness.admin('/v1/admin/tokens', {
    method: 'POST',
    body: JSON.stringify({ ssoBasic: [{ token: 'resting', status: 'cooling', quota: 0 }] }),
  });
  expect((await ask(harness)).status).toBe(429);
  expect(harness.simulator.requests.some((request) => request.path === '/rest/rate-limits')).toBe(false);
});

test('a session key keeps a conversation on one account while it stays healthy', async () => {
  harness = await startHarness({ accounts: four });
  for (let index = 0; index < 10; index++)
    expect((await ask(harness, { 'x-grok2api-session': 'conversation-1' }, `turn ${index}`)).status).toBe(200);
  const used = new Set(chatCalls(harness.simulator).map((call) => call.cookies.sso));
  expect(used.size).toBe(1);
  const sticky = [...used][0]!;

  // Once that account is disabled, the conversation moves to another one and stays there.
  await harness.admin('/v1/admin/tokens', {
    method: 'PATCH',
    body: JSON.stringify({ token: sticky, status: 'disabled' }),
  });
  const before = chatCalls(harness.simulator).length;
  for (let index = 0; index < 5; index++)
    expect((await ask(harness, { 'x-grok2api-session': 'conversation-1' })).status).toBe(200);
  const moved = new Set(
    chatCalls(harness.simulator)
      .slice(before)
      .map((call) => call.cookies.sso),
  );
  expect(moved.size).toBe(1);
  expect(moved.has(sticky)).toBe(false);
});
