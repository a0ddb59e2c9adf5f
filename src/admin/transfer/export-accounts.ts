import { toReferenceToken } from '../../storage/reference-token-format';
import type { Account } from '../../storage/types';
import type { ImportFormat } from './parse-import';

/**
 * The accounts as a file in one of the import formats, so an export imports back unchanged
 * (every format but TXT keeps state, counters, tags and notes). Full tokens: an export is the
 * one place they leave the gateway, on purpose.
 */
export function exportAccounts(
  accounts: readonly Account[],
  format: ImportFormat,
): { body: string; contentType: string; fileName: string } {
  switch (format) {
    case 'txt':
      return {
        body: accounts.map((account) => account.token).join('\n') + (accounts.length > 0 ? '\n' : ''),
        contentType: 'text/plain; charset=utf-8',
        fileName: 'tokens.txt',
      };
    case 'jsonl':
      return {
        body:
          accounts.map((account) => JSON.stringify({ pool: account.pool, ...toReferenceToken(account) })).join('\n') +
          (accounts.length > 0 ? '\n' : ''),
        contentType: 'application/x-ndjson',
        fileName: 'tokens.jsonl',
      };
    case 'json':
      return {
        body: JSON.stringify(
          accounts.map((account) => ({ pool: account.pool, ...toReferenceToken(account) })),
          null,
          2,
        ),
        contentType: 'application/json',
        fileName: 'tokens.json',
      };
    case 'token.json': {
      const pools: Record<string, ReturnType<typeof toReferenceToken>[]> = {};
      for (const account of accounts) (pools[account.pool] ??= []).push(toReferenceToken(account));
      return { body: JSON.stringify(pools, null, 2), contentType: 'application/json', fileName: 'token.json' };
    }
  }
}
