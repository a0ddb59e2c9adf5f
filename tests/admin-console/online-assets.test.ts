import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/** Online assets (§11.3–11.4): the per-account count and the clear job, against the simulator. */

let harness: Harness;
const many = { token: `assets-many-${'m'.repeat(20)}`, tier: 'basic' as const };
const few = { token: `assets-few-${'f'.repeat(20)}`, tier: 'basic' as const };
const broken = { token: `assets-broken-${'b'.repeat(20)}`, tier: 'basic' as const };

beforeAll(async () => {
  harness = await startHarness({ accounts: [many, few, broken] });
});
afterAll(() => harness.stop());

const json = async (response: Response) => {
  const body = (await response.json()) as any;
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
};

/** Stores files for the account on the simulator, as a chat attachment upload would. */
async function upload(token: string, count: number) {
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${harness.simulator.url}/rest/app-chat/upload-file`, {
      method: 'POST',
      headers: { cookie: `sso=${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        fileName: `file-${index}.txt`,
        fileMimeType: 'text/plain',
        content: btoa(`file ${index}`),
      }),
    });
    if (!response.ok) throw new Error(`upload ${response.status}`);
  }
}

async function idOf(search: string): Promise<string> {
  const page = await json(await harness.admin(`/v1/admin/console/accounts?search=${search}`));
  expect(page.total).toBe(1);
  return page.accounts[0].id;
}

async function runToEnd(body: unknown) {
  const job = await json(await harness.admin('/v1/admin/console/jobs', { method: 'POST', body: JSON.stringify(body) }));
  const events = await fetch(`${harness.server.url}/v1/admin/console/jobs/${job.id}/events`, {
    headers: { authorization: `Bearer ${APP_KEY}` },
  });
  const text = await events.text();
  return [...text.matchAll(/event: progress\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1]!)).at(-1)!;
}

describe('online assets', () => {
  test('counts page through the listing; clearing deletes every asset of the selected accounts', async () => {
    await upload(many.token, 120);
    await upload(few.token, 3);
    const manyId = await idOf('assets-many');
    const fewId = await idOf('assets-few');
    expect(await json(await harness.admin(`/v1/admin/console/accounts/${manyId}/assets`))).toEqual({
      id: manyId,
      count: 120,
    });
    expect((await json(await harness.admin(`/v1/admin/console/accounts/${fewId}/assets`))).count).toBe(3);

    // The listing went page by page with the documented query and the /files referer.
    const listings = harness.simulator.requests.filter(
      (request) => request.path === '/rest/assets' && request.cookies.sso === many.token,
    );
    expect(listings).toHaveLength(3);
    expect(listings[0]!.query).toEqual({
      pageSize: '50',
      orderBy: 'ORDER_BY_LAST_USE_TIME',
      source: 'SOURCE_ANY',
      isLatest: 'true',
    });
    expect(listings[1]!.query.pageToken).toBeTruthy();
    expect(listings[0]!.headers.referer).toBe(`${harness.simulator.url}/files`);

    const last = await runToEnd({ action: 'clear_assets', ids: [manyId] });
    expect(last).toMatchObject({ action: 'clear_assets', status: 'succeeded', total: 1, succeeded: 1, failed: 0 });
    const deletes = harness.simulator.requests.filter(
      (request) => request.method === 'DELETE' && request.path.startsWith('/rest/assets-metadata/'),
    );
    expect(deletes).toHaveLength(120);
    expect(new Set(deletes.map((request) => request.path)).size).toBe(120);
    expect(deletes.every((request) => request.cookies.sso === many.token)).toBe(true);
    expect((await json(await harness.admin(`/v1/admin/console/accounts/${manyId}/assets`))).count).toBe(0);
    // The other account's files were not touched.
    expect((await json(await harness.admin(`/v1/admin/console/accounts/${fewId}/assets`))).count).toBe(3);
  });

  test('a job over a filter reports the account whose listing failed; the count route maps upstream failures', async () => {
    harness.simulator.enqueueFault({
      kind: 'unauthorized',
      match: { token: broken.token, path: '/rest/assets' },
      times: -1,
    });
    const last = await runToEnd({ action: 'clear_assets', filter: { search: 'assets-' } });
    expect(last).toMatchObject({ status: 'succeeded', total: 3, succeeded: 2, failed: 1 });
    expect(last.errors[0].reason).toContain('401');
    expect(JSON.stringify(last)).not.toContain('b'.repeat(20));
    expect(
      (await json(await harness.admin(`/v1/admin/console/accounts/${await idOf('assets-few')}/assets`))).count,
    ).toBe(0);

    const failed = await harness.admin(`/v1/admin/console/accounts/${await idOf('assets-broken')}/assets`);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(await failed.text()).not.toContain('b'.repeat(20));
    const unknown = await harness.admin('/v1/admin/console/accounts/0000000000000000/assets');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.param).toBe('id');
  });
});
