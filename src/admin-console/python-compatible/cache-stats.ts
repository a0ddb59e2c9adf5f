import { maskSecret } from '../../logging/logger';
import type { MediaCache } from '../../media/media-cache';
import type { MediaKind } from '../../attachments/media-type';
import type { Account } from '../../storage/types';
import { accountId } from '../../admin/transfer/transfer-routes';

/**
 * The body of GET /v1/admin/cache (docs/python-compatibility.md §4.1): the local media cache per
 * kind, every account (masked, with its `id`; the Python project listed full tokens), and the
 * online asset counts of the accounts that were counted. We do not record when an account's
 * online assets were last cleared, so `last_asset_clear_at` is always null.
 */

export interface CacheStats {
  local_image: { count: number; size_mb: number };
  local_video: { count: number; size_mb: number };
  online: { count: number; status: string; token: string | null; token_masked?: string; last_asset_clear_at: null };
  online_accounts: AccountEntry[];
  online_scope: string;
  online_details: (Omit<AccountEntry, 'pool'> & { count: number })[];
}

interface AccountEntry {
  token: string;
  token_masked: string;
  id: string;
  pool: string;
  status: string;
  last_asset_clear_at: null;
}

export const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;

export async function localStats(cache: MediaCache, kind: MediaKind): Promise<{ count: number; size_mb: number }> {
  const files = await cache.list(kind);
  return { count: files.length, size_mb: megabytes(files.reduce((sum, file) => sum + file.size, 0)) };
}

/**
 * `counts`: for each counted account (full token), its number of online assets or an error text.
 * `scope`: `all`, `selected`, a single `token`, or `none` when nothing was counted.
 */
export async function cacheStats(input: {
  cache: MediaCache;
  accounts: readonly Account[];
  counts: Map<string, number | string>;
  scope: 'all' | 'selected' | 'token' | 'none';
}): Promise<CacheStats> {
  const entry = (account: Account): AccountEntry => {
    const masked = maskSecret(account.token);
    return {
      token: masked,
      token_masked: masked,
      id: accountId(account.token),
      pool: account.pool,
      status: account.status,
      last_asset_clear_at: null,
    };
  };
  const byToken = new Map(input.accounts.map((account) => [account.token, account]));
  const details = [...input.counts].flatMap(([token, count]) => {
    const account = byToken.get(token);
    if (!account) return [];
    const { pool: _pool, ...rest } = entry(account);
    return [
      { ...rest, count: typeof count === 'number' ? count : 0, status: typeof count === 'number' ? 'ok' : count },
    ];
  });
  const total = details.reduce((sum, detail) => sum + detail.count, 0);
  let online: CacheStats['online'] = { count: 0, status: 'not_loaded', token: null, last_asset_clear_at: null };
  if (input.scope === 'token' && details[0]) {
    online = {
      count: details[0].count,
      status: details[0].status,
      token: details[0].token,
      token_masked: details[0].token_masked,
      last_asset_clear_at: null,
    };
  } else if (input.scope === 'all' || input.scope === 'selected') {
    online = {
      count: total,
      status: input.accounts.length > 0 ? 'ok' : 'no_token',
      token: null,
      last_asset_clear_at: null,
    };
  }
  return {
    local_image: await localStats(input.cache, 'image'),
    local_video: await localStats(input.cache, 'video'),
    online,
    online_accounts: input.accounts.map(entry),
    online_scope: input.scope,
    online_details: input.scope === 'token' ? [] : details,
  };
}
