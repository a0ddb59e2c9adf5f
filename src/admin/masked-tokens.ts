import { maskSecret } from '../logging/logger';
import { ApiError } from '../http/errors';
import { toReferenceToken, type ReferenceToken } from '../storage/reference-token-format';
import type { Account } from '../storage/types';
import { accountId } from './transfer/transfer-routes';

/**
 * Account tokens are secrets: admin listings show them masked, with the account's stable `id`
 * (a hash of the token) to tell accounts apart and to address them. Full tokens only go out when
 * the caller asks for an export explicitly (`GET /v1/admin/tokens?export=true`,
 * `GET /v1/admin/tokens/export`).
 */

export type ListedToken = Omit<ReferenceToken, 'token'> & { token: string; id: string };

export function maskedReferenceToken(account: Account): ListedToken {
  return { ...toReferenceToken(account), token: maskSecret(account.token), id: accountId(account.token) };
}

/** What maskSecret produces: never a usable token (real tokens have no `…` and are not all `*`). */
export function isMaskedToken(value: string): boolean {
  return value.includes('…') || /^\*+$/.test(value);
}

/**
 * The reference's admin page saves by posting back the whole listing it read. When that listing
 * was masked, each masked entry is put back to the stored token it stands for: by its `id`, or by a
 * mask only one stored token has. An entry that cannot be resolved stops the request, because the
 * replace would otherwise delete the account it stands for.
 */
export function unmaskReplaceBody(
  body: Record<string, unknown[]>,
  stored: readonly Account[],
): Record<string, unknown[]> {
  const byId = new Map(stored.map((account) => [accountId(account.token), account.token]));
  const byMask = new Map<string, string | null>();
  for (const account of stored) {
    const mask = maskSecret(account.token);
    byMask.set(mask, byMask.has(mask) ? null : account.token); // null: more than one token shares it
  }
  const resolved: Record<string, unknown[]> = {};
  for (const [pool, entries] of Object.entries(body)) {
    resolved[pool] = entries.map((entry, position) => {
      const fields =
        typeof entry === 'object' && entry !== null && !Array.isArray(entry)
          ? (entry as Record<string, unknown>)
          : null;
      const token = typeof entry === 'string' ? entry : typeof fields?.token === 'string' ? fields.token : null;
      if (token === null || !isMaskedToken(token)) return entry;
      const id = typeof fields?.id === 'string' ? fields.id : undefined;
      const full = (id === undefined ? undefined : byId.get(id)) ?? byMask.get(token) ?? null;
      if (full === null) {
        throw new ApiError({
          status: 400,
          message: `${pool}[${position}] has a masked token that matches no single stored account; send its id or the full token (GET /v1/admin/tokens?export=true)`,
          param: `${pool}[${position}].token`,
          code: 'masked_token',
        });
      }
      return fields ? { ...fields, token: full } : full;
    });
  }
  return resolved;
}
