import type { AccountUpstream } from '../accounts/account-upstream';

/**
 * The "clear online assets" batch action for one account (§11.3–11.4): list every stored file
 * and delete each. Null on success, else how many could not be deleted and the first reason.
 */
export async function clearAssetsForAccount(token: string, upstream: AccountUpstream): Promise<string | null> {
  const result = await upstream.clearAssets(token);
  if (result.failures.length === 0) return null;
  return `${result.failures.length} of ${result.found} assets not deleted (${result.failures[0]})`;
}
