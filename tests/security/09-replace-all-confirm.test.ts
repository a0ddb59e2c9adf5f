import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 9: `POST /v1/admin/tokens` with `{}` deleted every account (the Python project's
 * replace-set semantics, where one wrong body wipes the pool). A body that would remove every
 * account now needs `?confirm=replace_all` (docs/python-compatibility.md lists the difference).
 */

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    accounts: [
      { token: 'account-basic-1', tier: 'basic' },
      { token: 'account-basic-2', tier: 'basic' },
    ],
  });
});
afterAll(() => harness.stop());

const count = async () => {
  const { tokens } = await (await harness.admin('/v1/admin/tokens')).json();
  return Object.values(tokens as Record<string, unknown[]>).reduce((sum, list) => sum + list.length, 0);
};

test('{} is refused with 409 confirmation_required and nothing is deleted', async () => {
  const response = await harness.admin('/v1/admin/tokens', { method: 'POST', body: '{}' });
  expect(response.status).toBe(409);
  expect((await response.json()).error).toMatchObject({ code: 'confirmation_required', param: 'confirm' });
  expect(await count()).toBe(2);
});

test('a set sharing no account with the pool is refused too; one that keeps an account is not', async () => {
  const swap = await harness.admin('/v1/admin/tokens', {
    method: 'POST',
    body: JSON.stringify({ ssoBasic: ['a-completely-new-token'] }),
  });
  expect(swap.status).toBe(409);
  const keep = await harness.admin('/v1/admin/tokens', {
    method: 'POST',
    body: JSON.stringify({ ssoBasic: ['account-basic-1'] }),
  });
  expect(keep.status).toBe(200);
  expect((await keep.json()).summary.removed).toBe(1);
});

test('with ?confirm=replace_all the whole set is replaced', async () => {
  const response = await harness.admin('/v1/admin/tokens?confirm=replace_all', { method: 'POST', body: '{}' });
  expect(response.status).toBe(200);
  expect(await count()).toBe(0);
});
