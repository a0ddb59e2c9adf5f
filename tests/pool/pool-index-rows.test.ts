import { expect, test } from 'bun:test';
import { PoolIndex } from '../../src/pool/pool-index';
import { newAccountRecord } from '../../src/storage/account-rules';

const pickFrom = (index: PoolIndex, pools: string[]) =>
  index.pick({ pools, maxInFlight: 0, random: () => 0 })?.token ?? null;

test('a replaced row keeps its object and token string, takes every new field, and is placed by them', () => {
  const index = new PoolIndex(() => 0);
  const first = newAccountRecord({ token: 'row-1', pool: 'ssoBasic', quota: 5 }, 0);
  index.put(first);
  // The same token read again from a store: an equal but separate string, new field values.
  const token = ['row', '1'].join('-');
  const reread = { ...newAccountRecord({ token, pool: 'ssoSuper', quota: 9, note: 'moved' }, 0), version: 2 };
  index.put(reread);

  const held = index.get('row-1')!;
  expect(held).toBe(first); // the old object lives on (replacing it made every replaced row die old)
  expect(held).toEqual({ ...reread, token: 'row-1' });
  expect(held.token).toBe(first.token);
  expect(index.size).toBe(1);
  expect(pickFrom(index, ['ssoBasic'])).toBeNull();
  expect(pickFrom(index, ['ssoSuper'])).toBe('row-1');
  expect(index.counts({ pool: 'ssoSuper' }).all).toBe(1);
  expect(index.counts({ pool: 'ssoBasic' }).all).toBe(0);
});
