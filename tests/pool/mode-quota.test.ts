import { afterEach, expect, test } from 'bun:test';
import { quotaModesOf } from '../../src/pool/quota-modes';

/** The modes a sync asks an account of this tier about (docs/upstream-protocol.md §14.2). */
const TIER_MODES = { basic: ['auto', 'fast'], super: ['auto', 'expert', 'fast'] };
import { chatCalls, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Quota per upstream mode at the HTTP boundary: the gateway syncs each mode's window, charges the
 * mode a model draws on, and a limit on one mode leaves the account's other modes in service.
 */

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

interface ListedToken {
  token: string;
  status: string;
  quota: number;
  quota_by_mode: Record<string, { remaining: number; total: number | null; limited_reason: string | null }>;
}

async function listed(h: Harness): Promise<Record<string, ListedToken[]>> {
  return ((await (await h.admin('/v1/admin/tokens?export=true')).json()) as { tokens: Record<string, ListedToken[]> })
    .tokens;
}

/** The account's listing once `ready` holds (charges are written just after the response), bounded. */
async function settled(h: Harness, token: string, ready: (account: ListedToken) => boolean): Promise<ListedToken> {
  let found: ListedToken | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    found = Object.values(await listed(h))
      .flat()
      .find((account) => account.token === token);
    if (found && ready(found)) return found;
    await Bun.sleep(20);
  }
  return found!;
}

const chat = (h: Harness, model: string) =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model, messages: [{ role: 'user', content: `via ${model}` }] }),
  });

/** Syncs the account through the admin API (one rate-limits call per mode its tier can use) and returns its listing. */
async function synced(h: Harness, token: string, tier: keyof typeof TIER_MODES): Promise<ListedToken> {
  const response = await h.admin('/v1/admin/tokens/refresh', { method: 'POST', body: JSON.stringify({ token }) });
  expect(((await response.json()) as { results: Record<string, boolean> }).results[token]).toBe(true);
  const found = Object.values(await listed(h))
    .flat()
    .find((account) => account.token === token)!;
  expect(Object.keys(found.quota_by_mode).sort()).toEqual(
    TIER_MODES[tier].filter((mode) => quotaModesOf().includes(mode as never)),
  );
  return found;
}

test('a sync asks each mode the tier can use; a used-up expert window stops expert models while fast models are still served', async () => {
  harness = await startHarness({
    accounts: [{ token: 'super-1', tier: 'super', quotas: { expert: { total: 1, windowSeconds: 7200 } } }],
  });
  const account = await synced(harness, 'super-1', 'super');
  const asked = harness.simulator.requests
    .filter((request) => request.path === '/rest/rate-limits')
    .map((request) => (request.body as { modelName: string }).modelName)
    .sort();
  expect(asked).toEqual(TIER_MODES.super);
  expect(account.quota_by_mode.expert).toMatchObject({ remaining: 1, total: 1, limited_reason: null });
  expect(account.quota_by_mode.fast).toMatchObject({ remaining: 140, total: 140 });
  expect(account.quota).toBe(140); // the reference-compatible field is the fast window

  expect((await chat(harness, 'grok-4.1-expert')).status).toBe(200);
  const afterExpert = await settled(harness, 'super-1', (entry) => entry.quota_by_mode.expert!.remaining === 0);
  expect(afterExpert.quota_by_mode.expert).toMatchObject({ remaining: 0, limited_reason: 'quota_exhausted' });
  expect(afterExpert.quota_by_mode.fast!.remaining).toBe(140);
  expect(afterExpert.status).toBe('cooling');

  const callsBefore = chatCalls(harness.simulator).length;
  const refused = await chat(harness, 'grok-4.1-expert');
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('no_available_account');
  expect(chatCalls(harness.simulator).length).toBe(callsBefore); // nothing was sent upstream

  const fast = await chat(harness, 'grok-4.1-fast');
  expect(fast.status).toBe(200);
  const turns = sentTurns(harness.simulator);
  expect(turns.at(-1)).toMatchObject({ token: 'super-1', mode: 'fast', message: '[user]\nvia grok-4.1-fast' });
  const afterFast = await settled(harness, 'super-1', (entry) => entry.quota === 139);
  expect(afterFast.quota_by_mode.fast!.remaining).toBe(139);
  expect(afterFast.quota).toBe(139);
});

test('a 429 on one mode rate-limits that mode only: the same account keeps serving the other mode', async () => {
  harness = await startHarness({
    accounts: [{ token: 'basic-1', tier: 'basic' }],
    env: { GROK2API_TOKEN_ON_DEMAND_REFRESH_ENABLED: 'false' },
  });
  await synced(harness, 'basic-1', 'basic');
  harness.simulator.enqueueFault({
    kind: 'rate_limited',
    match: { path: '/rest/app-chat/conversations/new' },
    retryAfterSeconds: 600,
  });
  const limited = await chat(harness, 'grok-4.1-expert');
  expect(limited.status).toBe(429);
  const account = await settled(harness, 'basic-1', (entry) => entry.quota_by_mode.expert!.limited_reason !== null);
  expect(account.quota_by_mode.expert!.limited_reason).not.toBeNull();
  expect(account.quota_by_mode.fast!.limited_reason).toBeNull();

  const fast = await chat(harness, 'grok-4.1-fast');
  expect(fast.status).toBe(200);
  expect(sentTurns(harness.simulator).at(-1)).toMatchObject({ token: 'basic-1', mode: 'fast' });

  const before = chatCalls(harness.simulator).length;
  expect((await chat(harness, 'grok-4.1-expert')).status).toBe(429);
  expect(chatCalls(harness.simulator).length).toBe(before);
});

test('tier detection reads the per-mode totals (§14.2): Super totals move an account to the Super pool whatever its window length', async () => {
  // P1's rule alone (a window of 4 h or more is Basic) would keep this account in the Basic pool.
  const day = 86_400;
  harness = await startHarness({
    accounts: [
      {
        token: 'really-super',
        tier: 'super',
        pool: 'ssoBasic',
        quotas: {
          auto: { total: 50, windowSeconds: day },
          fast: { total: 140, windowSeconds: day },
          expert: { total: 50, windowSeconds: day },
        },
      },
      { token: 'plain-basic', tier: 'basic' },
    ],
  });
  await synced(harness, 'really-super', 'basic');
  await synced(harness, 'plain-basic', 'basic');
  const tokens = await listed(harness);
  expect(tokens.ssoSuper!.map((entry) => entry.token)).toEqual(['really-super']);
  expect(tokens.ssoBasic!.map((entry) => entry.token)).toEqual(['plain-basic']);
});
