import type { AccountUpstream } from '../accounts/account-upstream';

/**
 * The "clear online assets" batch action for one account (§11.3–11.4): list every stored file
 * and delete each. `failure` is null on success, else how many could not be deleted and the
 * first reason; `found` and `deleted` count the files.
 */
export async function clearAssetsForAccount(
  token: string,
  upstream: AccountUpstream,
): Promise<{ failure: string | null; found: number; deleted: number }> {
  const result = await upstream.clearAssets(token);
  const failure =
    result.failures.length === 0
      ? null
      : `${result.failures.length} of ${result.found} assets not deleted (${result.failures[0]})`;
  return { failure, found: result.found, deleted: result.deleted };
}
