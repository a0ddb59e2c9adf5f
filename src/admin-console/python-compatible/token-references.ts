import { maskSecret } from '../../logging/logger';
import type { Account } from '../../storage/types';
import { normalizeToken } from '../../upstream/grok/token';
import { isMaskedToken } from '../../admin/masked-tokens';
import { accountId } from '../../admin/transfer/transfer-routes';

/**
 * How the Python project's admin scripts name accounts (docs/python-compatibility.md §4.1): a
 * full token in `token` and/or `tokens`. Our own listings mask tokens and add an `id`, so a script
 * that read them sends masks or ids back; both are accepted here when they stand for exactly one
 * stored account.
 */

/** The entries of `{"token": …, "tokens": [...]}` (either may be absent), trimmed, blanks and repeats dropped. */
export function tokenEntries(body: Record<string, unknown>): string[] {
  const entries: string[] = [];
  if (typeof body.token === 'string') entries.push(body.token);
  if (Array.isArray(body.tokens))
    for (const entry of body.tokens)
      if (typeof entry === 'string' || typeof entry === 'number') entries.push(String(entry));
  return [...new Set(entries.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
}

export interface ResolvedReferences {
  /** Stored tokens, each once, in the order they were named. */
  tokens: string[];
  /** The entry each token was named by (what the caller sent). */
  sentAs: Map<string, string>;
  /** Entries that name no stored account. */
  unknown: string[];
}

export function resolveTokenReferences(entries: readonly string[], stored: readonly Account[]): ResolvedReferences {
  const tokens = new Set(stored.map((account) => account.token));
  const byId = new Map(stored.map((account) => [accountId(account.token), account.token]));
  const byMask = new Map<string, string | null>();
  for (const account of stored) {
    const mask = maskSecret(account.token);
    byMask.set(mask, byMask.has(mask) ? null : account.token); // null: more than one token shares it
  }
  const result: ResolvedReferences = { tokens: [], sentAs: new Map(), unknown: [] };
  for (const entry of entries) {
    const normalized = normalizeToken(entry);
    const token =
      (normalized !== null && tokens.has(normalized) ? normalized : undefined) ??
      byId.get(entry) ??
      (isMaskedToken(entry) ? (byMask.get(entry) ?? undefined) : undefined);
    if (token === undefined) result.unknown.push(entry);
    else if (!result.sentAs.has(token)) {
      result.tokens.push(token);
      result.sentAs.set(token, entry);
    }
  }
  return result;
}
