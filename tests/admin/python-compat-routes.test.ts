import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * A script written against the Python project's admin API (docs/python-compatibility.md §4.1–4.2),
 * run against the gateway and the simulator: every task and cache route with the Python
 * project's request shapes, checking its response shapes, statuses and effects.
 */

let harness: Harness;
const accounts = Array.from({ length: 6 }, (_, index) => ({
  token: `py-compat-${index}-${'x'.repeat(24)}`,
  tier: 'basic' as const,
}));
const [first, second, third] = accounts as [(typeof accounts)[0], (typeof accounts)[0], (typeof accounts)[0]];

beforeAll(async () => {
  // One account at a time, so a task works through its accounts in chunks of four (one cancel point between them).
  harness = await startHarness({ accounts, env: { GROK2API_USAGE_CONCURRENT: '1', GROK2API_NSFW_CONCURRENT: '1' } });
});
afterAll(() => harness.stop());

const call = async (method: string, path: string, body?: unknown) => {
  const response = await harness.admin(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
};

/** Reads a task's event stream to its end the way the Python admin page does: EventSource-style, key in the query. */
async function taskEvents(taskId: string): Promise<any[]> {
  const response = await fetch(
    `${harness.server.url}/v1/admin/batch/${taskId}/stream?app_key=${encodeURIComponent(APP_KEY)}`,
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!));
}

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
    expect(response.status).toBe(200);
  }
}

describe('admin task routes', () => {
  test("GET /storage names the backend in the Python project's words", async () => {
    expect(await call('GET', '/v1/admin/storage')).toEqual({ status: 200, body: { type: 'local' } });
  });

  test('POST /tokens/refresh/async starts a task; its stream sends a snapshot, then the result', async () => {
    const syncsBefore = harness.simulator.requests.filter((request) => request.path === '/rest/rate-limits').length;
    const started = await call('POST', '/v1/admin/tokens/refresh/async', {
      token: first.token,
      tokens: [second.token, first.token],
    });
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ status: 'success', task_id: expect.any(String), total: 2 });
    const events = await taskEvents(started.body.task_id);
    expect(events[0]).toMatchObject({ type: 'snapshot', task_id: started.body.task_id, total: 2 });
    expect(['running', 'done']).toContain(events[0].status);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', task_id: started.body.task_id, total: 2, processed: 2, ok: 2, fail: 0 });
    expect(done.result).toEqual({
      status: 'success',
      summary: { total: 2, ok: 2, fail: 0 },
      results: { [first.token]: true, [second.token]: true },
    });
    // The effect: each account's quota was read from grok.com.
    const syncs = harness.simulator.requests
      .filter((request) => request.path === '/rest/rate-limits')
      .slice(syncsBefore);
    expect(new Set(syncs.map((request) => request.cookies.sso))).toEqual(new Set([first.token, second.token]));
    // A stream opened after the end replays the snapshot and the final event at once.
    const again = await taskEvents(started.body.task_id);
    expect(again.map((event) => event.type)).toEqual(['snapshot', 'done']);
    expect(again[0].status).toBe('done');
  });

  test('no tokens is a 400; the stream without a key is a 401; an unknown task is a 404', async () => {
    const empty = await call('POST', '/v1/admin/tokens/refresh/async', {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('No tokens provided');
    const anonymous = await fetch(`${harness.server.url}/v1/admin/batch/whatever/stream`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${harness.server.url}/v1/admin/batch/whatever/stream?app_key=wrong`);
    expect(wrong.status).toBe(401);
    const missing = await fetch(`${harness.server.url}/v1/admin/batch/no-such-task/stream?app_key=${APP_KEY}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.message).toBe('Task not found');
    const cancelMissing = await call('POST', '/v1/admin/batch/no-such-task/cancel');
    expect(cancelMissing.status).toBe(404);
    expect(cancelMissing.body.error.message).toBe('Task not found');
  });

  test('POST /batch/{id}/cancel stops a running task between chunks; its stream ends with `cancelled`', async () => {
    // The first account's quota call is held, so the cancel lands while the first chunk runs.
    harness.simulator.enqueueFault({
      kind: 'slow_first_byte',
      delayMs: 1500,
      match: { token: first.token, path: '/rest/rate-limits' },
    });
    const started = await call('POST', '/v1/admin/tokens/refresh/async', {
      tokens: accounts.map((account) => account.token),
    });
    expect(started.body.total).toBe(6);
    expect(await call('POST', `/v1/admin/batch/${started.body.task_id}/cancel`)).toEqual({
      status: 200,
      body: { status: 'success' },
    });
    const events = await taskEvents(started.body.task_id);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'cancelled', task_id: started.body.task_id, total: 6 });
    expect(last.processed).toBeLessThan(6);
    // The first chunk's progress was shown before the end.
    expect(events.map((event) => event.type)).toEqual(['snapshot', 'progress', 'cancelled']);
    expect(events[1]).toEqual({
      type: 'progress',
      task_id: started.body.task_id,
      total: 6,
      processed: last.processed,
      ok: last.ok,
      fail: last.fail,
    });
  });

  test('POST /tokens/nsfw/enable with no tokens enables every account; summary and per-account results', async () => {
    const answer = await call('POST', '/v1/admin/tokens/nsfw/enable', {});
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('success');
    expect(answer.body.summary).toEqual({ total: 6, ok: 6, fail: 0 });
    const keys = Object.keys(answer.body.results);
    expect(keys).toHaveLength(6);
    // Keyed by masked tokens, as the Python project does: no full token in the answer.
    expect(JSON.stringify(answer.body)).not.toContain('x'.repeat(24));
    expect(Object.values(answer.body.results).every((result: any) => result.success === true)).toBe(true);
    for (const account of accounts) expect(harness.simulator.account(account.token)!.nsfwEnabled).toBe(true);
    const listed = await call('GET', '/v1/admin/tokens');
    expect(listed.body.tokens.ssoBasic.every((token: any) => token.tags.includes('nsfw'))).toBe(true);
  });

  test('POST /tokens/nsfw/enable/async runs as a task', async () => {
    const started = await call('POST', '/v1/admin/tokens/nsfw/enable/async', { tokens: [third.token] });
    expect(started.body).toEqual({ status: 'success', task_id: expect.any(String), total: 1 });
    const done = (await taskEvents(started.body.task_id)).at(-1);
    expect(done).toMatchObject({
      type: 'done',
      ok: 1,
      fail: 0,
      result: { status: 'success', summary: { total: 1, ok: 1, fail: 0 } },
    });
  });
});

describe('admin cache routes', () => {
  const imageFolder = () => join(harness.dataDir, 'tmp', 'image');
  const seedImages = (names: string[]) => {
    mkdirSync(imageFolder(), { recursive: true });
    for (const name of names) writeFileSync(join(imageFolder(), name), new Uint8Array(2048).fill(7));
  };

  test('GET /cache, /cache/list, POST /cache/item/delete and /cache/clear work on the local media cache', async () => {
    seedImages(['users-a-generated-1-image.jpg', 'users-a-generated-2-image.jpg', 'users-a-generated-3-image.jpg']);
    const stats = await call('GET', '/v1/admin/cache');
    expect(stats.status).toBe(200);
    expect(stats.body.local_image.count).toBe(3);
    expect(stats.body.local_image.size_mb).toBeGreaterThanOrEqual(0);
    expect(stats.body.local_video).toEqual({ count: 0, size_mb: 0 });
    expect(stats.body.online).toEqual({ count: 0, status: 'not_loaded', token: null, last_asset_clear_at: null });
    expect(stats.body.online_scope).toBe('none');
    expect(stats.body.online_accounts).toHaveLength(6);
    expect(stats.body.online_accounts[0]).toMatchObject({
      pool: 'ssoBasic',
      status: 'active',
      last_asset_clear_at: null,
    });
    expect(JSON.stringify(stats.body)).not.toContain('x'.repeat(24));

    const list = await call('GET', '/v1/admin/cache/list?type=image&page=1&page_size=2');
    expect(list.body).toMatchObject({ status: 'success', total: 3, page: 1, page_size: 2 });
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items[0]).toEqual({
      name: expect.any(String),
      size_bytes: 2048,
      mtime_ms: expect.any(Number),
      view_url: expect.stringMatching(/^\/v1\/files\/image\//),
    });
    const served = await fetch(`${harness.server.url}${list.body.items[0].view_url}`);
    expect(served.status).toBe(200);

    const deleted = await call('POST', '/v1/admin/cache/item/delete', {
      type: 'image',
      name: 'users-a-generated-1-image.jpg',
    });
    expect(deleted).toEqual({ status: 200, body: { status: 'success', result: { deleted: true } } });
    expect((await fetch(`${harness.server.url}/v1/files/image/users-a-generated-1-image.jpg`)).status).toBe(404);
    expect(
      (await call('POST', '/v1/admin/cache/item/delete', { type: 'image', name: 'users-a-generated-1-image.jpg' })).body
        .result,
    ).toEqual({ deleted: false });
    const nameless = await call('POST', '/v1/admin/cache/item/delete', { type: 'image' });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.message).toBe('Missing file name');

    const cleared = await call('POST', '/v1/admin/cache/clear', { type: 'image' });
    expect(cleared.body).toEqual({ status: 'success', result: { count: 2, size_mb: expect.any(Number) } });
    expect((await call('GET', '/v1/admin/cache/list?cache_type=image')).body.total).toBe(0);
    expect((await call('POST', '/v1/admin/cache/clear', { type: 'sound' })).status).toBe(400);
  });

  test('online assets: count one account, load counts as a task, clear by token and as a task', async () => {
    await upload(first.token, 3);
    await upload(second.token, 2);

    const single = await call('GET', `/v1/admin/cache?token=${first.token}`);
    expect(single.body.online).toMatchObject({ count: 3, status: 'ok', last_asset_clear_at: null });
    expect(single.body.online_scope).toBe('token');
    const selected = await call('GET', `/v1/admin/cache?tokens=${first.token},${second.token}`);
    expect(selected.body.online).toEqual({ count: 5, status: 'ok', token: null, last_asset_clear_at: null });
    expect(selected.body.online_details.map((detail: any) => detail.count).sort()).toEqual([2, 3]);

    const load = await call('POST', '/v1/admin/cache/online/load/async', { scope: 'all' });
    expect(load.body).toEqual({ status: 'success', task_id: expect.any(String), total: 6 });
    const loaded = (await taskEvents(load.body.task_id)).at(-1);
    expect(loaded).toMatchObject({ type: 'done', total: 6, ok: 6 });
    expect(loaded.result.online).toEqual({ count: 5, status: 'ok', token: null, last_asset_clear_at: null });
    expect(loaded.result.online_scope).toBe('all');
    expect(loaded.result.online_details).toHaveLength(6);
    expect(loaded.result.local_image).toEqual({ count: 0, size_mb: 0 });

    // By one token: the Python project's single-account answer.
    const cleared = await call('POST', '/v1/admin/cache/online/clear', { token: first.token });
    expect(cleared.body).toEqual({ status: 'success', result: { total: 3, success: 3, failed: 0 } });
    expect((await call('GET', `/v1/admin/cache?token=${first.token}`)).body.online.count).toBe(0);

    // By a list, as a task: results keyed by the tokens.
    const task = await call('POST', '/v1/admin/cache/online/clear/async', { tokens: [second.token] });
    expect(task.body).toEqual({ status: 'success', task_id: expect.any(String), total: 1 });
    const done = (await taskEvents(task.body.task_id)).at(-1);
    expect(done.result).toEqual({
      status: 'success',
      summary: { total: 1, ok: 1, fail: 0 },
      results: { [second.token]: { status: 'success', result: { total: 2, success: 2, failed: 0 } } },
    });
    expect((await call('GET', `/v1/admin/cache?token=${second.token}`)).body.online.count).toBe(0);

    await upload(third.token, 1);
    const listed = await call('POST', '/v1/admin/cache/online/clear', { tokens: [third.token] });
    expect(listed.body).toEqual({
      status: 'success',
      results: { [third.token]: { status: 'success', result: { total: 1, success: 1, failed: 0 } } },
    });
    // No token: some active account of the pool, as the Python project picked one; an unknown token is a 400.
    const anyAccount = await call('POST', '/v1/admin/cache/online/clear', {});
    expect(anyAccount.body).toEqual({
      status: 'success',
      result: { total: expect.any(Number), success: expect.any(Number), failed: 0 },
    });
    expect((await call('POST', '/v1/admin/cache/online/clear', { token: 'not-in-the-pool' })).status).toBe(400);
    expect((await call('POST', '/v1/admin/cache/online/clear/async', {})).status).toBe(400);
    expect((await call('POST', '/v1/admin/cache/online/load/async', {})).status).toBe(400);
  });
});
