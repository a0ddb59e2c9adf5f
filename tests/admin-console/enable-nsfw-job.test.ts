import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';
import { parseResponse } from '../../src/upstream/grok/account-settings/grpc-web';

/** The "enable NSFW" batch job over HTTP, against the simulator's account-settings endpoints. */

let harness: Harness;
const ready = Array.from({ length: 2 }, (_, index) => ({
  token: `nsfw-ready-${index}-${'r'.repeat(20)}`,
  tier: 'basic' as const,
}));
const underReview = {
  token: `nsfw-age-check-${'a'.repeat(20)}`,
  tier: 'basic' as const,
  ageVerificationRequired: true,
};

beforeAll(async () => {
  harness = await startHarness({ accounts: [...ready, underReview] });
});
afterAll(() => harness.stop());

const json = async (response: Response) => {
  const body = (await response.json()) as any;
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
};

async function runToEnd(body: unknown) {
  const job = await json(await harness.admin('/v1/admin/console/jobs', { method: 'POST', body: JSON.stringify(body) }));
  const events = await fetch(`${harness.server.url}/v1/admin/console/jobs/${job.id}/events`, {
    headers: { authorization: `Bearer ${APP_KEY}` },
  });
  const text = await events.text();
  return [...text.matchAll(/event: progress\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1]!)).at(-1)!;
}

const grpcMessage = (rawBody: string) => {
  const parsed = parseResponse(new TextEncoder().encode(rawBody), new Headers());
  if (!parsed.ok) throw new Error(parsed.reason);
  return [...parsed.answer.messages[0]!];
};

describe('enable NSFW batch job', () => {
  test('accepts the terms, turns on the preference, tags the account; an age refusal is reported and the birth date is never touched', async () => {
    const last = await runToEnd({ action: 'enable_nsfw', filter: {} });
    expect(last).toMatchObject({
      action: 'enable_nsfw',
      status: 'succeeded',
      total: 3,
      processed: 3,
      succeeded: 2,
      failed: 1,
    });
    expect(last.errors).toHaveLength(1);
    expect(last.errors[0].reason).toContain('age verification required');
    expect(last.errors[0].account).not.toContain('a'.repeat(20));

    // Upstream: the account service, then grok.com, then the preference; per account, in order.
    for (const account of [...ready, underReview]) {
      const calls = harness.simulator.requests
        .filter((request) => request.cookies.sso === account.token)
        .map((request) => request.path);
      expect(calls).toEqual([
        '/auth_mgmt.AuthManagement/SetTosAcceptedVersion',
        '/rest/auth/set-tos-accepted',
        '/auth_mgmt.AuthManagement/UpdateUserFeatureControls',
      ]);
      expect(harness.simulator.account(account.token)).toMatchObject({ tosAccepted: true });
    }
    expect(harness.simulator.requests.some((request) => request.path === '/rest/auth/set-birth-date')).toBe(false);
    expect(harness.simulator.account(ready[0]!.token)!.nsfwEnabled).toBe(true);
    expect(harness.simulator.account(underReview.token)!.nsfwEnabled).toBeUndefined();
    expect(harness.simulator.account(underReview.token)!.birthDateSet).toBeUndefined();

    // The bytes on the wire are §14.8/§14.9's.
    const tos = harness.simulator.requests.find(
      (request) => request.path === '/auth_mgmt.AuthManagement/SetTosAcceptedVersion',
    )!;
    expect(tos.headers['content-type']).toBe('application/grpc-web+proto');
    expect(tos.headers['x-grpc-web']).toBe('1');
    expect(grpcMessage(tos.rawBody)).toEqual([0x10, 0x01]);
    const feature = harness.simulator.requests.find(
      (request) => request.path === '/auth_mgmt.AuthManagement/UpdateUserFeatureControls',
    )!;
    const expected = [
      0x0a,
      0x02,
      0x10,
      0x01,
      0x12,
      0x1a,
      0x0a,
      0x18,
      ...new TextEncoder().encode('always_show_nsfw_content'),
    ];
    expect(grpcMessage(feature.rawBody)).toEqual(expected);
    expect(feature.headers['x-statsig-id']).toBeTruthy();
    const rest = harness.simulator.requests.find((request) => request.path === '/rest/auth/set-tos-accepted')!;
    expect(rest.body).toEqual({ tosVersion: 5 });

    // The console shows the tag: the two enabled accounts are in the NSFW filter, the refused one is not.
    const nsfw = await json(await harness.admin('/v1/admin/console/accounts?nsfw=true'));
    expect(nsfw.total).toBe(2);
    expect(JSON.stringify(nsfw.accounts)).not.toContain('age-check');
  });

  test('an upstream failure (expired session) fails that account only', async () => {
    harness.simulator.enqueueFault({ kind: 'unauthorized', match: { token: ready[1]!.token }, times: 10 });
    const page = await json(await harness.admin('/v1/admin/console/accounts?search=nsfw-ready'));
    const last = await runToEnd({ action: 'enable_nsfw', ids: page.accounts.map((account: any) => account.id) });
    expect(last).toMatchObject({ status: 'succeeded', total: 2, succeeded: 1, failed: 1 });
    expect(last.errors[0].reason).not.toContain('r'.repeat(20));
  });

  test('an unknown action names the parameter', async () => {
    const response = await harness.admin('/v1/admin/console/jobs', {
      method: 'POST',
      body: JSON.stringify({ action: 'enable_everything', filter: {} }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.param).toBe('action');
  });
});
