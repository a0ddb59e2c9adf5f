import { expect, test } from 'bun:test';
import { changedKeys } from '../../src/cluster/cluster-sync';
import { buildConfig } from '../../src/config/validate';

test('only the keys an operator changed are shared with other instances', () => {
  const before = buildConfig({ app: { api_key: 'from-this-instance-env' } });
  const after = buildConfig({ app: { api_key: 'from-this-instance-env' }, token: { max_inflight_per_account: 3 }, retry: { retry_status_codes: [429] } });
  expect(changedKeys(before, after)).toEqual({ token: { max_inflight_per_account: 3 }, retry: { retry_status_codes: [429] } });
  expect(changedKeys(after, after)).toEqual({});
});
