import type { AccountPool } from '../../pool/account-pool';
import type { AccountPatch, NewAccount, Storage } from '../../storage/types';

/**
 * Puts parsed accounts into the store: new tokens are inserted in bulk; a token already stored is
 * merged — the fields the file gives replace the stored ones, tags are added to the stored tags,
 * counters the file does not give are kept. Nothing is ever duplicated.
 */

export interface ImportSummary {
  added: number;
  merged: number;
}

const BATCH = 1_000;

export async function importAccounts(accounts: readonly NewAccount[], deps: { storage: Storage; pool: AccountPool }): Promise<ImportSummary> {
  let added = 0;
  let merged = 0;
  for (let start = 0; start < accounts.length; start += BATCH) {
    const slice = accounts.slice(start, start + BATCH);
    const result = await deps.storage.accounts.insert(slice);
    added += result.added.length;
    const existing = new Set(result.duplicates);
    for (const account of slice) {
      if (!existing.has(account.token)) continue;
      const stored = await deps.storage.accounts.get(account.token);
      if (!stored) continue;
      const { token: _token, createdAt: _createdAt, ...given } = account;
      const patch: AccountPatch = { ...given, tags: [...new Set([...stored.tags, ...(account.tags ?? [])])] };
      await deps.storage.accounts.update(account.token, patch);
      merged += 1;
    }
  }
  // One reload here and one notice to the other instances, instead of one per account.
  await deps.pool.load();
  await deps.pool.announceReload();
  return { added, merged };
}
