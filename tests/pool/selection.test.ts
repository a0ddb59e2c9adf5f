import { describe, expect, test } from 'bun:test';
import { BASIC_MODEL, SUPER_MODEL, makePool, seeded, sequence } from './fixtures';

describe('selection order', () => {
  test('the account with the most remaining quota is picked first', async () => {
    const { pool } = await makePool([
      { token: 'low', pool: 'ssoBasic', quota: 10 },
      { token: 'high', pool: 'ssoBasic', quota: 50 },
      { token: 'middle', pool: 'ssoBasic', quota: 30 },
    ]);
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('high');
    expect(pool.acquire({ model: BASIC_MODEL, exclude: new Set(['high']) })!.token).toBe('middle');
    expect(pool.acquire({ model: BASIC_MODEL, exclude: new Set(['high', 'middle', 'low']) })).toBeNull();
  });

  test('ties are broken by the injected random source', async () => {
    const tied = ['a', 'b', 'c'].map((token) => ({ token, pool: 'ssoBasic', quota: 50 }));
    const low = await makePool(tied, { random: sequence(0) });
    const high = await makePool(tied, { random: sequence(0.999) });
    expect(low.pool.acquire({ model: BASIC_MODEL })!.token).not.toBe(high.pool.acquire({ model: BASIC_MODEL })!.token);
  });

  test('picks spread evenly over tied accounts', async () => {
    const tied = ['a', 'b', 'c'].map((token) => ({ token, pool: 'ssoBasic', quota: 50 }));
    const { pool } = await makePool(tied, { random: seeded(42) });
    const counts = new Map<string, number>();
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const lease = pool.acquire({ model: BASIC_MODEL })!;
      counts.set(lease.token, (counts.get(lease.token) ?? 0) + 1);
      lease.release();
    }
    for (const token of ['a', 'b', 'c']) {
      expect(counts.get(token)!).toBeGreaterThan(60);
      expect(counts.get(token)!).toBeLessThan(140);
    }
  });

  test('among equal quotas the account with fewer requests in flight goes first', async () => {
    const { pool } = await makePool(
      [
        { token: 'a', pool: 'ssoBasic', quota: 50 },
        { token: 'b', pool: 'ssoBasic', quota: 50 },
      ],
      { random: sequence(0) },
    );
    const first = pool.acquire({ model: BASIC_MODEL })!;
    const second = pool.acquire({ model: BASIC_MODEL })!;
    expect(second.token).not.toBe(first.token);
    expect(pool.inFlight(first.token)).toBe(1);
    expect(pool.inFlight(second.token)).toBe(1);
  });

  test('max_inflight_per_account caps concurrent leases per account', async () => {
    const { pool } = await makePool([{ token: 'only', pool: 'ssoBasic' }], {
      config: { token: { max_inflight_per_account: 2 } },
    });
    const one = pool.acquire({ model: BASIC_MODEL })!;
    const two = pool.acquire({ model: BASIC_MODEL })!;
    expect(pool.acquire({ model: BASIC_MODEL })).toBeNull();
    one.release();
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('only');
    two.release();
  });

  test('without a cap one account can serve many requests at once', async () => {
    const { pool } = await makePool([{ token: 'only', pool: 'ssoBasic' }]);
    for (let index = 0; index < 10; index += 1) expect(pool.acquire({ model: BASIC_MODEL })).not.toBeNull();
    expect(pool.inFlight('only')).toBe(10);
  });

  test('release is idempotent', async () => {
    const { pool } = await makePool([{ token: 'only', pool: 'ssoBasic' }]);
    const first = pool.acquire({ model: BASIC_MODEL })!;
    const second = pool.acquire({ model: BASIC_MODEL })!;
    first.release();
    first.release();
    expect(pool.inFlight('only')).toBe(1);
    second.release();
    expect(pool.inFlight('only')).toBe(0);
  });

  test('only active accounts with quota are picked', async () => {
    const { pool } = await makePool([
      { token: 'empty', pool: 'ssoBasic', quota: 0 },
      { token: 'cooling', pool: 'ssoBasic', status: 'cooling', quota: 90 },
      { token: 'expired', pool: 'ssoBasic', status: 'expired', quota: 90 },
      { token: 'disabled', pool: 'ssoBasic', status: 'disabled', quota: 90 },
      { token: 'usable', pool: 'ssoBasic', quota: 1 },
    ]);
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('usable');
    expect(pool.acquire({ model: BASIC_MODEL, exclude: new Set(['usable']) })).toBeNull();
  });

  test('consumed mode picks the least consumed account instead', async () => {
    const accounts = [
      { token: 'much-quota', pool: 'ssoBasic', quota: 80, consumed: 10 },
      { token: 'little-used', pool: 'ssoBasic', quota: 5, consumed: 2 },
    ];
    const fixture = await makePool(accounts);
    expect(fixture.pool.acquire({ model: BASIC_MODEL })!.token).toBe('much-quota');
    fixture.setConfig({ token: { consumed_mode_enabled: true } });
    expect(fixture.pool.acquire({ model: BASIC_MODEL })!.token).toBe('little-used');
  });
});

describe('candidate pools', () => {
  test('basic models use Basic accounts first, even when Super ones have more quota', async () => {
    const { pool } = await makePool([
      { token: 'basic', pool: 'ssoBasic', quota: 1 },
      { token: 'super', pool: 'ssoSuper', quota: 140 },
    ]);
    expect(pool.acquire({ model: BASIC_MODEL })).toMatchObject({ token: 'basic', pool: 'ssoBasic' });
  });

  test('basic models fall back to Super accounts', async () => {
    const { pool } = await makePool([
      { token: 'basic', pool: 'ssoBasic', status: 'cooling' },
      { token: 'super', pool: 'ssoSuper' },
    ]);
    expect(pool.acquire({ model: BASIC_MODEL })).toMatchObject({ token: 'super', pool: 'ssoSuper' });
  });

  test('super models are never served by Basic or custom pools', async () => {
    const { pool } = await makePool([
      { token: 'basic', pool: 'ssoBasic' },
      { token: 'custom', pool: 'team' },
    ]);
    expect(pool.acquire({ model: SUPER_MODEL })).toBeNull();
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('basic');
  });
});

describe('tag preference', () => {
  test('accounts with every preferred tag win over higher quota ones', async () => {
    const { pool } = await makePool([
      { token: 'plain', pool: 'ssoBasic', quota: 80 },
      { token: 'one-tag', pool: 'ssoBasic', quota: 60, tags: ['nsfw'] },
      { token: 'both-tags', pool: 'ssoBasic', quota: 10, tags: ['nsfw', 'eu'] },
    ]);
    expect(pool.acquire({ model: BASIC_MODEL, preferTags: ['nsfw'] })!.token).toBe('one-tag');
    expect(pool.acquire({ model: BASIC_MODEL, preferTags: ['nsfw', 'eu'] })!.token).toBe('both-tags');
    expect(pool.acquire({ model: BASIC_MODEL })!.token).toBe('plain');
  });

  test('when nobody has the tags, any account is used', async () => {
    const { pool } = await makePool([{ token: 'plain', pool: 'ssoBasic' }]);
    expect(pool.acquire({ model: BASIC_MODEL, preferTags: ['nsfw'] })!.token).toBe('plain');
  });
});
