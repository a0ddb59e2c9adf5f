import { afterEach, describe, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/** Import, export and the masked listing, through the admin API of a running gateway. */

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const LONG = (name: string) => `${name}-eyJhbGciOiJIUzI1NiJ9.secret-part-${name}`;

async function importContent(h: Harness, body: Record<string, unknown>) {
  const response = await h.admin('/v1/admin/tokens/import', { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function exported(h: Harness, format: string) {
  const response = await h.admin(`/v1/admin/tokens/export?format=${encodeURIComponent(format)}`);
  expect(response.status).toBe(200);
  return {
    text: await response.text(),
    type: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
  };
}

/** Sends the file as a stream in small pieces, so the server cannot have it all at once. */
function streamed(text: string, pieceBytes = 4_096): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + pieceBytes));
      offset += pieceBytes;
    },
  });
}

describe('import of a raw file (any size, one call)', () => {
  test('a TXT file of 25,000 tokens sent as a stream is written in batches; repeats and comments as in a body', async () => {
    harness = await startHarness({ accounts: [] });
    const lines = Array.from({ length: 25_000 }, (_, index) => LONG(`bulk-${index}`));
    const text = `# header\r\n${lines.join('\r\n')}\n${LONG('bulk-7')}\n\u200b`;
    const response = await harness.admin('/v1/admin/tokens/import/file?pool=ssoSuper', {
      method: 'POST',
      body: streamed(text),
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(200);
    const summary = (await response.json()) as Record<string, unknown>;
    // The repeat of bulk-7 lands in a later batch, so it is merged into the stored account.
    expect(summary).toEqual({ status: 'success', format: 'txt', added: 25_000, merged: 1, repeated: 0, invalid: 1 });
    const stored = JSON.parse((await exported(harness, 'json')).text) as { token: string; pool: string }[];
    expect(stored).toHaveLength(25_000);
    expect(stored.find((account) => account.token === LONG('bulk-24999'))!.pool).toBe('ssoSuper');
  }, 60_000);

  test('JSONL is streamed too; a malformed line names its number; JSON is detected from the first byte', async () => {
    harness = await startHarness({ accounts: [] });
    const jsonl = [JSON.stringify({ token: LONG('x'), note: 'n' }), '{not json', JSON.stringify(LONG('y'))].join('\n');
    const bad = await harness.admin('/v1/admin/tokens/import/file?format=jsonl', { method: 'POST', body: jsonl });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('line 2');
    const json = await harness.admin('/v1/admin/tokens/import/file', {
      method: 'POST',
      body: JSON.stringify({ team: [LONG('z')] }),
    });
    expect(await json.json()).toEqual({
      status: 'success',
      format: 'token.json',
      added: 1,
      merged: 0,
      repeated: 0,
      invalid: 0,
    });
    const stored = JSON.parse((await exported(harness, 'json')).text) as { token: string; pool: string }[];
    expect(stored.find((account) => account.token === LONG('z'))!.pool).toBe('team');
  });

  test('an unknown format is refused before anything is read', async () => {
    harness = await startHarness({ accounts: [] });
    const response = await harness.admin('/v1/admin/tokens/import/file?format=xml', {
      method: 'POST',
      body: LONG('a'),
    });
    expect(response.status).toBe(400);
    expect(JSON.parse((await exported(harness, 'json')).text)).toEqual([]);
  });
});

describe('import', () => {
  test('TXT: one token per line; comments, blanks and repeats are skipped, bad lines counted', async () => {
    harness = await startHarness({ accounts: [] });
    const content = `# exported from the old box\n${LONG('a')}\n\nsso=${LONG('b')}\n${LONG('a')}\n\u200b\n`;
    const result = await importContent(harness, { content, pool: 'ssoSuper' });
    expect(result).toEqual({
      status: 200,
      body: {
        status: 'success',
        format: 'txt',
        added: 2,
        merged: 0,
        repeated: 1,
        invalid: 1,
        rejected: ['line 6: empty'],
      },
    });
    const tokens = JSON.parse((await exported(harness, 'json')).text) as {
      token: string;
      pool: string;
      quota: number;
    }[];
    expect(tokens.map((account) => [account.token, account.pool, account.quota]).sort()).toEqual([
      [LONG('a'), 'ssoSuper', 140],
      [LONG('b'), 'ssoSuper', 140],
    ]);
  });

  test('TXT: words with spaces are refused, not squashed into a token; where and why is listed, never the text', async () => {
    harness = await startHarness({ accounts: [] });
    const content = `${LONG('good')}\nbad token with spaces\n令牌${LONG('x')}\nsso=${LONG('cookie')}; other=1\n`;
    const result = await importContent(harness, { content });
    expect(result.body).toMatchObject({
      added: 2,
      invalid: 2,
      rejected: ['line 2: spaces inside the token', 'line 3: characters a token cannot hold'],
    });
    expect(JSON.stringify(result.body)).not.toContain('bad token');
    const tokens = JSON.parse((await exported(harness, 'json')).text) as { token: string }[];
    expect(tokens.map((account) => account.token).sort()).toEqual([LONG('cookie'), LONG('good')]);
  });

  test('JSONL and JSON: objects keep their fields; an existing token is merged, not duplicated', async () => {
    harness = await startHarness({ accounts: [{ token: LONG('old'), tier: 'basic' }] });
    await harness.admin('/v1/admin/tokens', {
      method: 'PATCH',
      body: JSON.stringify({ token: LONG('old'), tags: ['eu'], note: 'keep me' }),
    });
    const jsonl = [
      JSON.stringify({ token: LONG('old'), tags: ['nsfw'], quota: 12 }),
      JSON.stringify({ token: LONG('new'), pool: 'team', status: 'disabled', note: 'from jsonl' }),
      `"${LONG('plain')}"`,
    ].join('\n');
    const result = await importContent(harness, { content: jsonl });
    expect(result.body).toMatchObject({ format: 'jsonl', added: 2, merged: 1, invalid: 0 });
    const accounts = JSON.parse((await exported(harness, 'json')).text) as {
      token: string;
      pool: string;
      tags: string[];
      note: string;
      quota: number;
      status: string;
    }[];
    expect(accounts).toHaveLength(3);
    const byToken = Object.fromEntries(accounts.map((account) => [account.token, account]));
    expect(byToken[LONG('old')]).toMatchObject({ tags: ['eu', 'nsfw'], note: 'keep me', quota: 12, pool: 'ssoBasic' });
    expect(byToken[LONG('new')]).toMatchObject({ pool: 'team', status: 'disabled', note: 'from jsonl' });
    expect(byToken[LONG('plain')]).toMatchObject({ pool: 'ssoBasic', status: 'active' });

    const json = await importContent(harness, {
      content: JSON.stringify([{ token: LONG('new'), note: 'edited' }, 42]),
      format: 'json',
    });
    expect(json.body).toMatchObject({ added: 0, merged: 1, invalid: 1 });
  });

  test('the reference token.json shape, and a round trip of every export format', async () => {
    harness = await startHarness({ accounts: [] });
    const reference = {
      ssoBasic: [
        LONG('b1'),
        { token: LONG('b2'), status: 'TokenStatus.COOLING', quota: 0, use_count: 80, tags: ['x'] },
      ],
      ssoSuper: [LONG('s1')],
    };
    expect((await importContent(harness, { content: JSON.stringify(reference) })).body).toMatchObject({
      format: 'token.json',
      added: 3,
    });
    const original = JSON.parse((await exported(harness, 'json')).text) as Record<string, unknown>[];
    for (const format of ['token.json', 'json', 'jsonl']) {
      const file = await exported(harness, format);
      const copy = await startHarness({ accounts: [] });
      try {
        expect((await importContent(copy, { content: file.text, format })).body).toMatchObject({
          added: 3,
          invalid: 0,
        });
        const roundTripped = JSON.parse((await exported(copy, 'json')).text) as Record<string, unknown>[];
        const comparable = (list: Record<string, unknown>[]) =>
          list
            .map(({ created_at: _created, ...rest }) => rest)
            .sort((a, b) => String(a.token).localeCompare(String(b.token)));
        expect(comparable(roundTripped)).toEqual(comparable(original));
      } finally {
        await copy.stop();
      }
    }
    const txt = await exported(harness, 'txt');
    expect(txt.text.trim().split('\n').sort()).toEqual([LONG('b1'), LONG('b2'), LONG('s1')].sort());
    expect(txt.disposition).toBe('attachment; filename="tokens.txt"');
  });

  test('bad input is a 400 naming the problem, and never echoes a token', async () => {
    harness = await startHarness({ accounts: [] });
    const broken = await importContent(harness, { content: `[{"token": "${LONG('leak')}"`, format: 'json' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: { param: 'content', code: 'invalid_import' } });
    expect(JSON.stringify(broken.body)).not.toContain('secret-part');
    const wrongShape = await importContent(harness, { content: '{"a": 1}', format: 'json' });
    expect(wrongShape.status).toBe(400);
    const unknownFormat = await importContent(harness, { content: 'x', format: 'csv' });
    expect(unknownFormat.status).toBe(400);
    const exportFormat = await harness.admin('/v1/admin/tokens/export?format=csv');
    expect(exportFormat.status).toBe(400);
    const anonymous = await fetch(`${harness.server.url}/v1/admin/tokens/import`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('masked listing', () => {
  test('lists accounts with an id and a masked token, paged and filtered; the full token never appears', async () => {
    harness = await startHarness({ accounts: [] });
    await importContent(harness, { content: ['a', 'b', 'c', 'd', 'e'].map(LONG).join('\n') });
    await harness.admin('/v1/admin/tokens', {
      method: 'PATCH',
      body: JSON.stringify({ token: LONG('c'), status: 'disabled' }),
    });
    const first = await harness.admin('/v1/admin/accounts?limit=2');
    const text = await first.text();
    expect(text).not.toContain('secret-part');
    const page = JSON.parse(text) as { total: number; accounts: { id: string; token: string }[]; next: string | null };
    expect(page.total).toBe(5);
    expect(page.accounts).toHaveLength(2);
    expect(page.accounts[0]!.token).toContain('…');
    const seen = [...page.accounts.map((account) => account.id)];
    let next = page.next;
    while (next) {
      const more = (await (await harness.admin(`/v1/admin/accounts?limit=2&after=${next}`)).json()) as typeof page;
      seen.push(...more.accounts.map((account) => account.id));
      next = more.next;
    }
    expect(new Set(seen).size).toBe(5);
    const disabled = (await (await harness.admin('/v1/admin/accounts?status=disabled')).json()) as typeof page;
    expect(disabled.total).toBe(1);
    expect((await harness.admin('/v1/admin/accounts?status=sleeping')).status).toBe(400);
    expect((await harness.admin('/v1/admin/accounts?limit=0')).status).toBe(400);
  });
});
