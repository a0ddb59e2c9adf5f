import { maskSecret } from '../../logging/logger';
import { isNsfw, type Account } from '../../storage/types';

/** An account as the console shows it: the token masked, everything else as stored (snake_case like the rest of the API). */
export function toConsoleAccount(account: Account, id: string) {
  return {
    id,
    token: maskSecret(account.token),
    pool: account.pool,
    status: account.status,
    status_reason: account.statusReason,
    quota: account.quota,
    quota_total: account.quotaTotal,
    use_count: account.useCount,
    fail_count: account.failCount,
    last_fail_reason: account.lastFailReason,
    last_used_at: account.lastUsedAt,
    last_sync_at: account.lastSyncAt,
    cooldown_until: account.cooldownUntil,
    created_at: account.createdAt,
    tags: account.tags,
    note: account.note,
    nsfw: isNsfw(account),
  };
}
