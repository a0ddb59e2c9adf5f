import { afterEach, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

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
  quota_total?: number | null;
}

async function accounts(h: Harness): Promise<Record<string, TokenView[]>> {
  return ((await (await h.admin('/v1/admin/tokens?export=true')).json()) as { tokens: Record<string, TokenView[]> })
    .tokens;
}

test('accounts imported from token.json get their quota synced from rate-limits in the background', async () => {
  harness = await startHarness({
    accounts: [
      { token: 'imported-basic', tier: 'basic' },
      { token: 'imported-super', tier: 'super' },
    ],
    env: { GROK2API_TOKEN_AUTO_REFRESH: 'true' },
  });
  let synced: TokenView[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    synced = Object.values(await accounts(harness))
      .flat()
      .filter((account) => account.last_sync_at !== null);
    if (synced.length === 2) break;
    await Bun.sleep(20);
  }
  expect(synced).toHaveLength(2);
  const byToken = Object.fromEntries(
    Object.entries(await accounts(harness)).flatMap(([pool, list]) =>
      list.map((account) => [account.token, { pool, ...account }]),
    ),
  );
  // The simulator's fast windows: 30 per day for Basic, 140 per 2 h for Super.
  expect(byToken['imported-basic']).toMatchObject({ pool: 'ssoBasic', quota: 30 });
  expect(byToken['imported-super']).toMatchObject({ pool: 'ssoSuper', quota: 140 });
  const probes = harness.simulator.requests.filter((request) => request.path === '/rest/rate-limits');
  expect(probes.length).toBeGreaterThanOrEqual(2);
  expect(probes[0]!.headers['x-statsig-id']).toBeTruthy();
});

test('an operator adds, edits and removes accounts without replacing the set', async () => {
  harness = await startHarness({ accounts: [{ token: 'existing', tier: 'basic' }] });
  harness.simulator.addAccount({ token: 'added-one', tier: 'super' });
  const added = await harness.admin('/v1/admin/tokens/add', {
    method: 'POST',
    body: JSON.stringify({ tokens: 'sso=added-one\n\n  ', pool: 'ssoBasic', sync: true }),
  });
  expect(added.status).toBe(200);
  expect(await added.json()).toMatchObject({ added: 1, duplicates: 0, invalid: 0, synced: { ok: 1, failed: 0 } });
  let state = await accounts(harness);
  // The sync saw a 2-hour window, so the account moved to the Super pool.
  expect(state.ssoSuper?.map((account) => account.token)).toEqual(['added-one']);
  expect(state.ssoBasic?.map((account) => account.token)).toEqual(['existing']);

  const disabled = await harness.admin('/v1/admin/tokens', {
    method: 'PATCH',
    body: JSON.stringify({ token: 'existing', status: 'disabled', note: 'paused' }),
  });
  expect(disabled.status).toBe(200);
  const completion = await harness.client.chat.completions.create({
    model: 'grok-4.1-fast',
    messages: [{ role: 'user', content: 'x' }],
  });
  expect(completion.choices[0]!.message.content).toContain('Hello');
  const calls = harness.simulator.requests.filter((request) => request.path === '/rest/app-chat/conversations/new');
  expect(calls.at(-1)!.cookies.sso).toBe('added-one');

  const removed = await harness.admin('/v1/admin/tokens/delete', {
    method: 'POST',
    body: JSON.stringify({ tokens: ['added-one', 'existing'] }),
  });
  expect(removed.status).toBe(200);
  state = await accounts(harness);
  expect(Object.values(state).flat()).toHaveLength(0);
  const ready = await fetch(`${harness.server.url}/ready`);
  expect(ready.status).toBe(503);
});
