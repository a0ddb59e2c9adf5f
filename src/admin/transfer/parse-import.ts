import { tokenSyntaxProblem } from '../../upstream/grok/token';
import { entryToken, parseReferenceEntry } from '../../storage/reference-token-format';
import type { NewAccount } from '../../storage/types';

/**
 * Account files an operator brings: TXT (one token per line, `#` comments), JSON (an array of
 * tokens or token objects, or the reference's token.json `{pool: [...]}`), JSONL (one token or
 * token object per line). Entries use the reference's token object fields; an object may name its
 * own `pool`. Repeats inside one file are merged here: later fields win, tags add up.
 */

export type ImportFormat = 'txt' | 'json' | 'jsonl' | 'token.json';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['txt', 'json', 'jsonl', 'token.json'];

export interface ParsedImport {
  accounts: NewAccount[];
  /** Entries that were not a usable token (counted, never echoed: they may be secrets). */
  invalid: number;
  /** Entries merged into an earlier entry for the same token. */
  repeated: number;
  /** Where each invalid entry was and why ("line 3: spaces inside the token"), at most 50; never its text. */
  rejected: string[];
}

const MAX_REJECTED_LISTED = 50;

export class ImportFormatError extends Error {}

/** Picks the format from the content when the caller did not name one. */
export function detectFormat(content: string): ImportFormat {
  const trimmed = content.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return Array.isArray(parsed) ? 'json' : isPoolMap(parsed) ? 'token.json' : 'jsonl';
    } catch {
      return 'jsonl'; // several JSON values, one per line
    }
  }
  return 'txt';
}

function isPoolMap(value: unknown): value is Record<string, unknown[]> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(Array.isArray)
  );
}

export function entryPool(entry: unknown, fallback: string): string {
  if (
    typeof entry === 'object' &&
    entry !== null &&
    'pool' in entry &&
    typeof entry.pool === 'string' &&
    entry.pool.trim() !== ''
  ) {
    return entry.pool.trim().slice(0, 64);
  }
  return fallback;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ImportFormatError(`${what} is not valid JSON`);
  }
}

export function parseImport(content: string, format: ImportFormat, defaultPool: string): ParsedImport {
  const entries: { entry: unknown; pool: string; where: string }[] = [];
  if (format === 'txt') {
    content.split(/\r?\n/).forEach((line, index) => {
      const trimmed = line.trim();
      if (trimmed !== '' && !trimmed.startsWith('#'))
        entries.push({ entry: trimmed, pool: defaultPool, where: `line ${index + 1}` });
    });
  } else if (format === 'jsonl') {
    content.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      const entry = parseJson(line, `line ${index + 1}`);
      entries.push({ entry, pool: entryPool(entry, defaultPool), where: `line ${index + 1}` });
    });
  } else {
    const parsed = parseJson(content, 'the content');
    if (format === 'token.json') {
      if (!isPoolMap(parsed)) throw new ImportFormatError('token.json must be an object of pool name → list of tokens');
      for (const [pool, list] of Object.entries(parsed)) {
        list.forEach((entry, index) => {
          entries.push({ entry, pool, where: `${pool}[${index}]` });
        });
      }
    } else {
      if (!Array.isArray(parsed))
        throw new ImportFormatError('a JSON import must be an array of tokens or token objects');
      parsed.forEach((entry, index) => {
        entries.push({ entry, pool: entryPool(entry, defaultPool), where: `item ${index + 1}` });
      });
    }
  }
  return mergeEntries(entries);
}

/** Why an entry is not an account, for the import summary. */
function rejectionReason(entry: unknown): string {
  const raw = entryToken(entry);
  if (typeof raw !== 'string') return 'no token';
  return tokenSyntaxProblem(raw) ?? 'not a valid account entry';
}

/** `where` names an entry in the summary's list of refused ones (a streamed import has no line numbers per batch). */
export function mergeEntries(entries: { entry: unknown; pool: string; where?: string }[]): ParsedImport {
  const byToken = new Map<string, NewAccount>();
  let invalid = 0;
  let repeated = 0;
  const rejected: string[] = [];
  for (const { entry, pool, where } of entries) {
    const account = parseReferenceEntry(entry, pool);
    if (!account) {
      invalid += 1;
      if (rejected.length < MAX_REJECTED_LISTED) rejected.push(`${where ?? 'an entry'}: ${rejectionReason(entry)}`);
      continue;
    }
    const earlier = byToken.get(account.token);
    if (!earlier) {
      byToken.set(account.token, account);
      continue;
    }
    repeated += 1;
    const tags =
      earlier.tags || account.tags ? [...new Set([...(earlier.tags ?? []), ...(account.tags ?? [])])] : undefined;
    byToken.set(account.token, { ...earlier, ...account, ...(tags ? { tags } : {}) });
  }
  return { accounts: [...byToken.values()], invalid, repeated, rejected };
}
