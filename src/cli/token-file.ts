import { parseReferenceEntry } from '../storage/reference-token-format';
import { BASIC_POOL, type NewAccount } from '../storage/types';

/**
 * Account files operators bring to `grok2api import`, recognised by content rather than by name:
 * - a `token.json` of the Python project / our export: `{"ssoBasic":[…],"ssoSuper":[…]}`;
 * - a JSON array of tokens or token objects (`{"token":…,"pool"?:…}`);
 * - JSON lines: one token object (or JSON string) per line;
 * - plain text: one token per line (`#` comments and blank lines skipped).
 */

export type TokenFileFormat = 'token-json' | 'json-array' | 'jsonl' | 'text';

export interface ParsedTokenFile {
  format: TokenFileFormat;
  accounts: NewAccount[];
  /** Entries that were not a usable token; the 1-based line for line formats, else the index. */
  invalid: string[];
}

function entryPool(entry: unknown, fallback: string): string {
  if (typeof entry === 'object' && entry !== null && 'pool' in entry && typeof entry.pool === 'string' && entry.pool)
    return entry.pool;
  return fallback;
}

function collect(
  entries: { entry: unknown; where: string; pool?: string }[],
  defaultPool: string,
  format: TokenFileFormat,
): ParsedTokenFile {
  const accounts: NewAccount[] = [];
  const invalid: string[] = [];
  for (const { entry, where, pool } of entries) {
    const account = parseReferenceEntry(entry, pool ?? entryPool(entry, defaultPool));
    if (account) accounts.push(account);
    else invalid.push(where);
  }
  return { format, accounts, invalid };
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function parseTokenFile(text: string, defaultPool = BASIC_POOL): ParsedTokenFile {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const whole = trimmed.startsWith('{') || trimmed.startsWith('[') ? tryJson(trimmed) : { ok: false as const };
  if (whole.ok && Array.isArray(whole.value)) {
    return collect(
      whole.value.map((entry, index) => ({ entry, where: `item ${index + 1}` })),
      defaultPool,
      'json-array',
    );
  }
  if (whole.ok && typeof whole.value === 'object' && whole.value !== null && !('token' in whole.value)) {
    const entries: { entry: unknown; where: string; pool?: string }[] = [];
    for (const [pool, list] of Object.entries(whole.value)) {
      if (!Array.isArray(list)) entries.push({ entry: null, where: `pool ${pool}`, pool });
      else list.forEach((entry, index) => entries.push({ entry, where: `${pool}[${index}]`, pool }));
    }
    return collect(entries, defaultPool, 'token-json');
  }
  const lines = trimmed.split(/\r?\n/).map((line, index) => ({ line: line.trim(), where: `line ${index + 1}` }));
  const meaningful = lines.filter(({ line }) => line !== '' && !line.startsWith('#'));
  const looksJsonLines =
    meaningful.length > 0 && meaningful.every(({ line }) => line.startsWith('{') || line.startsWith('"'));
  if (looksJsonLines) {
    return collect(
      meaningful.map(({ line, where }) => {
        const parsed = tryJson(line);
        return { entry: parsed.ok ? parsed.value : null, where };
      }),
      defaultPool,
      'jsonl',
    );
  }
  return collect(
    meaningful.map(({ line, where }) => ({ entry: line, where })),
    defaultPool,
    'text',
  );
}
