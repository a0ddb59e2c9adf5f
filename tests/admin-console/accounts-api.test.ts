import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/** The console's accounts and jobs API over HTTP, against the simulator. */

let harness: Harness;
const known = Array.from({ length: 6 }, (_, index) => ({
  token: `console-account-${index}-${'x'.repeat(20)}`,
  tier: 'basic' as const,
}));

beforeAll(async () => {
  harness = await startHarness({
    accounts: [...known, { token: `console-expired-${'y'.repeat(20)}`, tier: 'basic', expired: true }],
  });
});
afterAll(() => harness.stop());

const json = async (response: Response) => {
  const body = (await response.json()) as any;
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
};

describe('accounts page API', () => {
  test('pages, counts, search, filters and sort; tokens masked', async () => {
    const page = await json(await harness.admin('/v1/admin/console/accounts?limit=3&sort=created&order=asc'));
    expect(page.total).toBe(7);
    expect(page.counts).toMatchObject({ all: 7, active: 7, cooling: 0, expired: 0, disabled: 0, nsfw: 0 });
    expect(page.accounts).toHaveLength(3);
    expect(JSON.stringify(page)).not.toContain('x'.repeat(20)); // no full token anywhere
    const next = await json(await harness.admin('/v1/admin/console/accounts?limit=3&offset=3&sort=created&order=asc'));
    expect(next.accounts.map((account: any) => account.id)).not.toContain(page.accounts[0].id);

    const searched = await json(await harness.admin('/v1/admin/console/accounts?search=EXPIRED'));
    expect(searched.total).toBe(1);

    // Disable one and tag another nsfw: the counts and filters follow.
    const [first, second] = page.accounts;
    await json(
      await harness.admin(`/v1/admin/console/accounts/${first.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ status: 'disabled', note: 'paused by test' }),
      }),
    );
    await json(
      await harness.admin(`/v1/admin/console/accounts/${second.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ tags: ['nsfw'] }),
      }),
    );
    const disabled = await json(await harness.admin('/v1/admin/console/accounts?status=disabled'));
    expect(disabled.total).toBe(1);
    expect(disabled.accounts[0]).toMatchObject({ id: first.id, status: 'disabled', note: 'paused by test' });
    expect(disabled.counts).toMatchObject({ all: 7, active: 6, disabled: 1, nsfw: 1 });
    const nsfw = await json(await harness.admin('/v1/admin/console/accounts?nsfw=true'));
    expect(nsfw.accounts.map((account: any) => account.id)).toEqual([second.id]);
    const byNote = await json(await harness.admin('/v1/admin/console/accounts?search=paused'));
    expect(byNote.total).toBe(1);

    // Revealing is an explicit call.
    const revealed = await json(await harness.admin(`/v1/admin/console/accounts/${first.id}/token`));
    expect(revealed.token).toMatch(/^console-account-\d-x{20}$/);
    await json(
      await harness.admin(`/v1/admin/console/accounts/${first.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ status: 'active' }),
      }),
    );
  });

  test('bad query values are 400s naming the parameter; unknown ids are 404s', async () => {
    for (const [query, param] of [
      ['sort=nope', 'sort'],
      ['limit=0', 'limit'],
      ['status=sleepy', 'status'],
      ['order=up', 'order'],
      ['nsfw=maybe', 'nsfw'],
    ]) {
      const response = await harness.admin(`/v1/admin/console/accounts?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.param).toBe(param);
    }
    const missing = await harness.admin('/v1/admin/console/accounts/0000000000000000', { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });
});

describe('batch jobs', () => {
  test('a refresh over a filter runs to the end, reports the failing account, and streams progress', async () => {
    const before = harness.simulator.requests.filter((request) => request.path === '/rest/rate-limits').length;
    const job = await json(
      await harness.admin('/v1/admin/console/jobs', {
        method: 'POST',
        body: JSON.stringify({ action: 'refresh', filter: {} }),
      }),
    );
    expect(job.status).toBe('running');

    const events = await fetch(`${harness.server.url}/v1/admin/console/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${APP_KEY}` },
    });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    const progress = [...text.matchAll(/event: progress\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1]!));
    expect(text).toContain('event: end');
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ status: 'succeeded', total: 7, processed: 7, succeeded: 6, failed: 1 });
    expect(last.errors[0].account).not.toContain('y'.repeat(20));

    // Every account was asked upstream, with its own cookie.
    const calls = harness.simulator.requests.filter((request) => request.path === '/rest/rate-limits').slice(before);
    expect(new Set(calls.map((call) => call.cookies.sso)).size).toBe(7);
    const listed = await json(await harness.admin('/v1/admin/console/jobs'));
    expect(listed.jobs[0]).toMatchObject({ id: job.id, status: 'succeeded' });
    const expired = await json(await harness.admin('/v1/admin/console/accounts?status=expired'));
    expect(expired.total).toBe(1);
  });

  test('a disable over selected ids changes exactly those accounts', async () => {
    const page = await json(await harness.admin('/v1/admin/console/accounts?status=active&limit=2'));
    const ids = page.accounts.map((account: any) => account.id);
    const job = await json(
      await harness.admin('/v1/admin/console/jobs', {
        method: 'POST',
        body: JSON.stringify({ action: 'disable', ids }),
      }),
    );
    let current = job;
    for (let attempt = 0; attempt < 100 && current.status === 'running'; attempt += 1) {
      await Bun.sleep(20);
      current = await json(await harness.admin(`/v1/admin/console/jobs/${job.id}`));
    }
    expect(current).toMatchObject({ status: 'succeeded', total: 2, succeeded: 2 });
    const disabled = await json(await harness.admin('/v1/admin/console/accounts?status=disabled'));
    expect(disabled.accounts.map((account: any) => account.id).sort()).toEqual([...ids].sort());
    const body = await harness.admin('/v1/admin/console/jobs', {
      method: 'POST',
      body: JSON.stringify({ action: 'explode', ids }),
    });
    expect(body.status).toBe(400);
    expect(((await body.json()) as any).error.param).toBe('action');
  });

  test('export of a selection returns only those accounts with full tokens', async () => {
    const page = await json(await harness.admin('/v1/admin/console/accounts?status=disabled'));
    const response = await harness.admin('/v1/admin/console/accounts/export', {
      method: 'POST',
      body: JSON.stringify({ ids: page.accounts.map((account: any) => account.id), format: 'txt' }),
    });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^console-/);
  });
});
