import { afterAll, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { openStorage } from '../../src/storage';
import { CHANGE_FEED_READ } from '../../src/storage/types';
import { openRedisStorage, REDIS_LAYOUT_VERSION, redisOptions } from '../../src/storage/redis/redis-storage';
import { runAccountStoreContract } from './account-store-contract';
import { runRecordStoreContract } from './record-store-contract';
import { runResponseItemIndexContract } from './response-item-index-contract';
import { REDIS_URL, redisPrefix } from './server-databases';
import { mergeTokens } from './merge-slices';

const run = redisPrefix('redis');
let storages = 0;
afterAll(async () => {
  await run.drop();
});

/** A fresh key prefix per storage is an empty store. */
const emptyStorage = () =>
  openStorage({ type: 'redis', url: `${REDIS_URL}?prefix=${run.prefix}${storages++}:`, dataDir: '/nonexistent' });

describe('Redis', () => {
  runAccountStoreContract(emptyStorage);
  runRecordStoreContract(emptyStorage);
  runResponseItemIndexContract(emptyStorage);
});

describe('Redis driver', () => {
  test('a merge of many accounts runs as short scripts: Redis serves every other client in between', async () => {
    const prefix = `${run.prefix}merge:`;
    const storage = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    const tokens = mergeTokens(300);
    await storage.accounts.importBatch(tokens.map((token) => ({ token, pool: 'ssoBasic' })));
    // Rows per script, from the server's own log of commands: a script carries a JSON row per account.
    const monitor = await new Redis(REDIS_URL).monitor();
    const rowsPerScript: number[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      // The merge's compare-and-set scripts (two keys; the insert attempts before them have one).
      if (args[0]?.toLowerCase() !== 'evalsha' || args[2] !== '2' || args[3] !== `${prefix}accounts`) return;
      rowsPerScript.push(args.filter((arg) => arg.startsWith('{') && arg.includes('"note":"merged"')).length);
    });
    try {
      const result = await storage.accounts.importBatch(
        tokens.map((token) => ({ token, pool: 'ssoBasic', note: 'merged' })),
      );
      expect(result.merged).toHaveLength(tokens.length);
      const deadline = Date.now() + 5_000;
      while (rowsPerScript.reduce((sum, rows) => sum + rows, 0) < tokens.length && Date.now() < deadline)
        await Bun.sleep(10);
      expect(rowsPerScript.reduce((sum, rows) => sum + rows, 0)).toBe(tokens.length);
      expect(Math.max(...rowsPerScript)).toBeLessThanOrEqual(64);
    } finally {
      monitor.disconnect();
      await storage.close();
    }
  });

  test('the change feed leaves out rows the caller already holds, by the version stored in the row', async () => {
    const storage = await openRedisStorage({ url: REDIS_URL, keyPrefix: `${run.prefix}feed:` });
    try {
      const { accounts } = storage;
      await accounts.insert([
        { token: 'held', pool: 'ssoBasic' },
        { token: 'tricky', pool: 'ssoBasic', tags: ['version'] },
      ]);
      // Written by a script (Lua's encoder) and by a compare-and-set (the gateway's), the second
      // with a note that spells a version key of its own.
      const held = (await accounts.recordSuccess('held', { units: 1, at: Date.now() }))!;
      const tricky = (await accounts.update('tricky', { note: 'x","version":99,"y":"', tags: ['version'] }))!;
      const known = (token: string, version: number) =>
        version === 99 || (token === 'held' && version === held.version);
      expect(await accounts.changedSince(0, known)).toEqual([tricky]);
      expect((await accounts.changedSince(0)).map((account) => account.token).sort()).toEqual(['held', 'tricky']);
    } finally {
      await storage.close();
    }
  });

  test('the change feed reads its rows a few at a time, so an instance turns no large read into accounts at once', async () => {
    const prefix = `${run.prefix}feed-reads:`;
    const storage = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    await storage.accounts.insert(
      Array.from({ length: 120 }, (_, index) => ({ token: `feed-${index}`, pool: 'ssoBasic' })),
    );
    const monitor = await new Redis(REDIS_URL).monitor();
    const keysPerRead: number[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'mget' && args[1]?.startsWith(prefix)) keysPerRead.push(args.length - 1);
    });
    try {
      expect(await storage.accounts.changedSince(0)).toHaveLength(120);
      const deadline = Date.now() + 5_000;
      while (keysPerRead.reduce((sum, keys) => sum + keys, 0) < 120 && Date.now() < deadline) await Bun.sleep(10);
      expect(keysPerRead.reduce((sum, keys) => sum + keys, 0)).toBe(120);
      expect(Math.max(...keysPerRead)).toBeLessThanOrEqual(CHANGE_FEED_READ);
    } finally {
      monitor.disconnect();
      await storage.close();
    }
  });

  test('every key lives under the prefix, and the layout version is recorded', async () => {
    const prefix = `${run.prefix}layout:`;
    const storage = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    await storage.accounts.insert([{ token: 'a', pool: 'ssoBasic' }]);
    await storage.records.put('jobs', 'j', { ok: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.sort()).toEqual([
      `${prefix}account:a`,
      `${prefix}accounts`,
      `${prefix}layout_version`,
      `${prefix}record:4:jobs:j`,
      `${prefix}records:4:jobs`,
      `${prefix}status:active`,
    ]);
    expect(await redis.get(`${prefix}layout_version`)).toBe(String(REDIS_LAYOUT_VERSION));
    await redis.quit();
    await storage.close();
  });

  test('two clients charging one account never lose a charge, and status updates are not lost under contention', async () => {
    const prefix = `${run.prefix}shared:`;
    const one = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    const two = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    await one.accounts.insert([{ token: 'shared', pool: 'ssoBasic', quota: 500 }]);
    await Promise.all([
      ...Array.from({ length: 100 }, (_, index) =>
        (index % 2 ? one : two).accounts.recordSuccess('shared', { units: 1, at: 1 }),
      ),
      ...Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? two : one).accounts.update('shared', { note: `n${index}` }),
      ),
    ]);
    const stored = (await one.accounts.get('shared'))!;
    expect(stored).toMatchObject({ quota: 400, useCount: 100 });
    expect(stored.version).toBe(1 + 100 + 20);
    await one.close();
    await two.close();
  });

  test("listing by status reads only that status's accounts", async () => {
    const prefix = `${run.prefix}status-index:`;
    const storage = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    await storage.accounts.insert([
      { token: 'resting', pool: 'ssoBasic', status: 'cooling' },
      { token: 'busy', pool: 'ssoBasic' },
    ]);
    // An active account's document that cannot be parsed: a listing that read it would throw.
    const redis = new Redis(REDIS_URL);
    await redis.set(`${prefix}account:busy`, 'not json');
    expect((await storage.accounts.list({ status: 'cooling' })).map((account) => account.token)).toEqual(['resting']);
    await expect(storage.accounts.list()).rejects.toThrow();
    await redis.quit();
    await storage.close();
  });

  test('a store of layout 1 or 2 gets its status sets built when opened', async () => {
    const prefix = `${run.prefix}upgrade:`;
    const storage = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    await storage.accounts.insert([
      { token: 'a', pool: 'ssoBasic', status: 'cooling' },
      { token: 'b', pool: 'ssoBasic' },
      { token: 'c', pool: 'ssoSuper', status: 'disabled' },
    ]);
    await storage.close();
    // What an older build left: no status sets, an older version.
    const redis = new Redis(REDIS_URL);
    await redis.del(`${prefix}status:active`, `${prefix}status:cooling`, `${prefix}status:disabled`);
    await redis.set(`${prefix}layout_version`, '1');
    const reopened = await openRedisStorage({ url: REDIS_URL, keyPrefix: prefix });
    expect(await redis.get(`${prefix}layout_version`)).toBe(String(REDIS_LAYOUT_VERSION));
    expect((await reopened.accounts.list({ status: 'cooling' })).map((account) => account.token)).toEqual(['a']);
    expect((await reopened.accounts.list({ status: 'active' })).map((account) => account.token)).toEqual(['b']);
    expect((await reopened.accounts.list({ status: 'disabled' })).map((account) => account.token)).toEqual(['c']);
    await redis.quit();
    await reopened.close();
  });

  test('the URL names the database and the key prefix', () => {
    expect(redisOptions('redis://:pw@cache:6380/2?prefix=team:')).toMatchObject({
      options: { host: 'cache', port: 6380, password: 'pw', db: 2 },
      keyPrefix: 'team:',
    });
    expect(redisOptions('rediss://cache').options.tls).toEqual({});
    expect(() => redisOptions('redis://cache/x')).toThrow('must be a number');
  });
});
