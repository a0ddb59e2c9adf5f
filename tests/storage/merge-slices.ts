import { expect } from 'bun:test';
import { newAccountRecord } from '../../src/storage/account-rules';
import { SqlAccountStore, type SqlDialect } from '../../src/storage/sql-account-store';
import type { Storage } from '../../src/storage/types';

/** Tokens in import order: a merge takes them in this order, so the last one is in its last slice. */
export const mergeTokens = (count: number) =>
  Array.from({ length: count }, (_, index) => `merge-slice-${String(index).padStart(4, '0')}`);

/**
 * A merge of many accounts commits slice by slice: while another connection holds the row lock of
 * the last account, the accounts merged first are already stored (one transaction for the whole
 * merge would show none of them), and the merge completes once the lock is let go. Requests that
 * take a slot on an account lock its row too, so this is what keeps them from waiting on a whole
 * merge.
 */
export async function expectMergeCommitsInSlices(
  storage: Storage,
  holdRowLock: (token: string) => Promise<{ release(): Promise<void> }>,
): Promise<void> {
  const tokens = mergeTokens(300);
  await storage.accounts.importBatch(tokens.map((token) => ({ token, pool: 'ssoBasic' })));
  const lock = await holdRowLock(tokens.at(-1)!);
  let released = false;
  try {
    const merging = storage.accounts.importBatch(tokens.map((token) => ({ token, pool: 'ssoBasic', note: 'merged' })));
    // Well inside the test's own time limit, so a merge held as one transaction fails here and lets go of the lock.
    const deadline = Date.now() + 3_000;
    let first = await storage.accounts.get(tokens[0]!);
    while (first?.note !== 'merged' && Date.now() < deadline) {
      await Bun.sleep(20);
      first = await storage.accounts.get(tokens[0]!);
    }
    expect(first?.note).toBe('merged');
    expect((await storage.accounts.get(tokens.at(-1)!))?.note).toBe('');
    released = true;
    await lock.release();
    const result = await merging;
    expect(result.added).toHaveLength(0);
    expect(result.merged).toHaveLength(tokens.length);
    expect((await storage.accounts.get(tokens.at(-1)!))?.note).toBe('merged');
  } finally {
    if (!released) await lock.release();
  }
}

/**
 * An import offers the insert only the tokens it found absent: a merge never sends whole stored
 * rows to be refused. A token another writer inserts after that read and before the insert is
 * merged like the rest. A plain `insert` offers only absent tokens too. `dialect` is a driver's
 * own, on a database emptied for the test.
 */
export async function expectImportInsertsOnlyAbsentTokens(dialect: SqlDialect): Promise<void> {
  const offered: string[] = [];
  let raceArmed = false;
  const watched: SqlDialect = {
    ...dialect,
    transaction: (work) =>
      dialect.transaction((session) =>
        work({
          ...session,
          insertMissing(accounts) {
            offered.push(...accounts.map((account) => account.token));
            return session.insertMissing(accounts);
          },
        }),
      ),
    async storedTokens(tokens) {
      const stored = await dialect.storedTokens(tokens);
      if (raceArmed) {
        raceArmed = false;
        // Another writer, on a connection of its own, inserts a token this read found absent.
        await dialect.transaction((session) =>
          session.insertMissing([newAccountRecord({ token: 'absent-then-raced', pool: 'ssoBasic' }, 1)]),
        );
      }
      return stored;
    },
  };
  const store = new SqlAccountStore(watched, Date.now);
  await store.importBatch([
    { token: 'stored-1', pool: 'ssoBasic' },
    { token: 'stored-2', pool: 'ssoBasic' },
  ]);
  offered.length = 0;
  raceArmed = true;
  const result = await store.importBatch(
    ['stored-1', 'stored-2', 'absent-then-raced', 'absent'].map((token) => ({
      token,
      pool: 'ssoBasic',
      note: 'imported',
    })),
  );
  expect(offered.sort()).toEqual(['absent', 'absent-then-raced']);
  expect(result.added.map((account) => account.token)).toEqual(['absent']);
  expect(result.merged.map((account) => account.token).sort()).toEqual(['absent-then-raced', 'stored-1', 'stored-2']);
  expect((await store.get('absent-then-raced'))?.note).toBe('imported');
  // The console's plain insert takes the same way: a stored token is a duplicate, never offered.
  offered.length = 0;
  const inserted = await store.insert([
    { token: 'stored-1', pool: 'ssoBasic' },
    { token: 'inserted', pool: 'ssoBasic' },
  ]);
  expect(offered).toEqual(['inserted']);
  expect(inserted).toEqual({ added: ['inserted'], duplicates: ['stored-1'] });
}
