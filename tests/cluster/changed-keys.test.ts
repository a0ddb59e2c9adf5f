import { expect, test } from 'bun:test';
import { changedKeys, mergePatch } from '../../src/cluster/cluster-sync';
import { buildConfig } from '../../src/config/validate';

test('only the keys an operator changed are shared with other instances', () => {
  const before = buildConfig({ app: { api_key: 'from-this-instance-env' } });
  const after = buildConfig({
    app: { api_key: 'from-this-instance-env' },
    token: { max_inflight_per_account: 3 },
    retry: { retry_status_codes: [429] },
  });
  expect(changedKeys(before, after)).toEqual({
    token: { max_inflight_per_account: 3 },
    retry: { retry_status_codes: [429] },
  });
  expect(changedKeys(after, after)).toEqual({});
});

test('the shared record keeps every changed key with its latest value', () => {
  const first = { proxy: { cf_clearance: 'a', user_agent: 'UA/1' } };
  const second = { proxy: { cf_clearance: 'b' }, token: { max_inflight_per_account: 2 } };
  expect(mergePatch(first, second)).toEqual({
    proxy: { cf_clearance: 'b', user_agent: 'UA/1' },
    token: { max_inflight_per_account: 2 },
  });
  expect(first).toEqual({ proxy: { cf_clearance: 'a', user_agent: 'UA/1' } });
});
