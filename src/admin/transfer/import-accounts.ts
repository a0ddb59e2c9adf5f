import type { AccountPool } from '../../pool/account-pool';
import type { NewAccount } from '../../storage/types';

/**
 * Puts parsed accounts into the store through the pool (the one door for account writes): new
 * tokens are inserted in batches; a token already stored is merged — the fields the file gives
 * replace the stored ones, tags are added to the stored tags, counters the file does not give are
 * kept. Nothing is ever duplicated, and other instances receive the change as a delta.
 */

export interface ImportSummary {
  added: number;
  merged: number;
}

export async function importAccounts(
  accounts: readonly NewAccount[],
  deps: { pool: AccountPool },
): Promise<ImportSummary> {
  const summary = await deps.pool.importAccounts(accounts);
  await deps.pool.importFinished(summary.added + summary.merged);
  return summary;
}
