import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseReferenceEntry } from './reference-token-format';
import type { NewAccount, Storage } from './types';

/**
 * First start after moving from the reference: its `DATA_DIR/token.json`
 * (`{"ssoBasic":[…],"ssoSuper":[…],"<custom pool>":[…]}`) seeds an empty store. The file is only
 * read, never changed or removed, so going back to the reference stays possible. Missing quotas
 * get the pool default (80 Basic, 140 Super) from the account rules.
 */

export const TOKEN_JSON_FILE_NAME = 'token.json';

export interface TokenImportReport {
  added: number;
  duplicates: number;
  invalid: number;
}

/**
 * `path` is normally `DATA_DIR/token.json` (TOKEN_JSON_FILE_NAME). Null when there was nothing to
 * do: the store already has accounts, or there is no file.
 */
export async function importTokenJson(storage: Storage, path: string): Promise<TokenImportReport | null> {
  if ((await storage.accounts.count()) > 0) return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Refusing to start beats starting with an empty pool while the operator's tokens sit unread.
    throw new Error(`${basename(path)} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${basename(path)} must be an object of pools`);
  }

  const accounts: NewAccount[] = [];
  let invalid = 0;
  for (const [pool, entries] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(entries)) {
      invalid += 1;
      continue;
    }
    for (const entry of entries) {
      const account = parseReferenceEntry(entry, pool);
      if (account) accounts.push(account);
      else invalid += 1;
    }
  }
  const { added, duplicates } = await storage.accounts.insert(accounts);
  return { added: added.length, duplicates: duplicates.length, invalid };
}
