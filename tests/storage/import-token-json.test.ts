import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../src/storage';
import { importTokenJson } from '../../src/storage/import-token-json';
import type { Storage } from '../../src/storage/types';

let dataDir: string;
let storage: Storage;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'grok2api-import-'));
  storage = await openStorage({ type: 'local', url: ':memory:', dataDir });
});

afterEach(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const referenceFile = {
  ssoBasic: [
    'plain-basic',
    'sso=prefixed-basic',
    {
      token: 'object-basic',
      status: 'cooling',
      quota: 0,
      consumed: 80,
      created_at: 1_700_000_000_000,
      last_used_at: 1_700_000_100_000,
      use_count: 80,
      fail_count: 1,
      last_fail_at: 1_700_000_050_000,
      last_fail_reason: 'app_chat_auth_failed',
      last_sync_at: null,
      tags: ['nsfw'],
      note: 'from the reference',
      last_asset_clear_at: 0,
    },
    42,
    { token: '' },
    { token: 'bad-status', status: 'sleeping' },
  ],
  ssoSuper: ['plain-super', { token: 'enum-status', status: 'TokenStatus.EXPIRED' }, 'plain-basic'],
  team: ['custom-pool-token'],
};

describe('importTokenJson', () => {
  test('imports strings and objects into an empty store with pool defaults, counting what it skipped', async () => {
    const text = JSON.stringify(referenceFile, null, 2);
    await writeFile(join(dataDir, 'token.json'), text);

    const report = await importTokenJson(storage, join(dataDir, 'token.json'));

    expect(report).toEqual({ added: 6, duplicates: 1, invalid: 3 });
    expect(await storage.accounts.get('plain-basic')).toMatchObject({ pool: 'ssoBasic', quota: 80, status: 'active' });
    expect(await storage.accounts.get('prefixed-basic')).toMatchObject({ pool: 'ssoBasic', quota: 80 });
    expect(await storage.accounts.get('plain-super')).toMatchObject({ pool: 'ssoSuper', quota: 140 });
    expect(await storage.accounts.get('enum-status')).toMatchObject({ status: 'expired' });
    expect(await storage.accounts.get('custom-pool-token')).toMatchObject({ pool: 'team', quota: 80 });
    expect(await storage.accounts.get('object-basic')).toMatchObject({
      status: 'cooling',
      quota: 0,
      consumed: 80,
      createdAt: 1_700_000_000_000,
      lastUsedAt: 1_700_000_100_000,
      useCount: 80,
      failCount: 1,
      lastFailAt: 1_700_000_050_000,
      lastFailReason: 'app_chat_auth_failed',
      lastSyncAt: null,
      tags: ['nsfw'],
      note: 'from the reference',
    });
    expect(await readFile(join(dataDir, 'token.json'), 'utf8')).toBe(text);
  });

  test('does nothing when the store already has accounts', async () => {
    await writeFile(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: ['from-file'] }));
    await storage.accounts.insert([{ token: 'existing', pool: 'ssoBasic' }]);
    expect(await importTokenJson(storage, join(dataDir, 'token.json'))).toBeNull();
    expect(await storage.accounts.get('from-file')).toBeNull();
  });

  test('does nothing without a token.json', async () => {
    expect(await importTokenJson(storage, join(dataDir, 'token.json'))).toBeNull();
    expect(await storage.accounts.count()).toBe(0);
  });

  test('a token.json that is not JSON stops the start with a clear error', async () => {
    await writeFile(join(dataDir, 'token.json'), '{"ssoBasic": [');
    await expect(importTokenJson(storage, join(dataDir, 'token.json'))).rejects.toThrow('token.json is not valid JSON');
  });
});
