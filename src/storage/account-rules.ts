import {
  BASIC_POOL,
  SUPER_POOL,
  type Account,
  type AccountPatch,
  type NewAccount,
  type StatusChange,
  type SyncResult,
} from './types';

/**
 * The account state rules as pure functions: every driver applies them inside its own atomic
 * operation, and the pool applies them to its in-memory copy, so the rules exist exactly once.
 * A function returns its input unchanged (same object) when nothing changes, so a driver can
 * skip the write.
 */

/** Local quota estimate of a new account (../shared/spec/grok-web-protocol.md §14.2, P1 defaults). */
export function defaultQuota(pool: string): number {
  return pool === SUPER_POOL ? 140 : 80;
}

export const QUOTA_EXHAUSTED = 'quota_exhausted';

const uniqueTags = (tags: readonly string[]) => [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];

/** A complete account from what a caller gave; `updatedAt`/`version` are the driver's to set. */
export function newAccountRecord(input: NewAccount, at: number): Account {
  return {
    token: input.token,
    pool: input.pool || BASIC_POOL,
    status: input.status ?? 'active',
    statusReason: input.statusReason ?? null,
    statusChangedAt: at,
    quota: Math.max(0, input.quota ?? defaultQuota(input.pool)),
    quotaTotal: input.quotaTotal ?? null,
    windowSeconds: input.windowSeconds ?? null,
    consumed: input.consumed ?? 0,
    useCount: input.useCount ?? 0,
    failCount: input.failCount ?? 0,
    lastFailAt: input.lastFailAt ?? null,
    lastFailReason: input.lastFailReason ?? null,
    lastUsedAt: input.lastUsedAt ?? null,
    lastSyncAt: input.lastSyncAt ?? null,
    cooldownUntil: input.cooldownUntil ?? null,
    createdAt: input.createdAt ?? at,
    tags: uniqueTags(input.tags ?? []),
    note: input.note ?? '',
    updatedAt: at,
    version: 1,
  };
}

const isLocked = (account: Account) => account.status === 'disabled' || account.status === 'expired';

export function withSuccess(account: Account, change: { units: number; at: number }): Account {
  const units = Math.max(0, change.units);
  const quota = Math.max(0, account.quota - units);
  const next: Account = {
    ...account,
    quota,
    consumed: account.consumed + units,
    useCount: account.useCount + units,
    lastUsedAt: change.at,
    failCount: 0,
  };
  if (isLocked(account)) return next;
  if (quota === 0) {
    const statusChangedAt = account.status === 'cooling' ? account.statusChangedAt : change.at;
    return { ...next, status: 'cooling', statusReason: QUOTA_EXHAUSTED, cooldownUntil: null, statusChangedAt };
  }
  // A request that succeeded after the cooldown is proof the account is back.
  const cooldownOver = account.cooldownUntil !== null && account.cooldownUntil <= change.at;
  if (account.status === 'cooling' && cooldownOver) {
    return { ...next, status: 'active', statusReason: null, cooldownUntil: null, statusChangedAt: change.at };
  }
  return next;
}

export function withFailure(account: Account, change: { reason: string; at: number; threshold: number }): Account {
  const failCount = account.failCount + 1;
  const next: Account = { ...account, failCount, lastFailAt: change.at, lastFailReason: change.reason };
  if (isLocked(account) || failCount < Math.max(1, change.threshold)) return next;
  return { ...next, status: 'expired', statusReason: change.reason, cooldownUntil: null, statusChangedAt: change.at };
}

export function withSync(account: Account, sync: SyncResult): Account {
  const remaining = Math.max(0, sync.remaining);
  const next: Account = {
    ...account,
    pool: sync.pool ?? account.pool,
    quota: remaining,
    quotaTotal: sync.total,
    windowSeconds: sync.windowSeconds,
    lastSyncAt: sync.at,
    failCount: 0,
  };
  if (account.status === 'disabled') return next; // sticky: only an operator enables it
  if (remaining > 0) {
    if (account.status === 'active') return next;
    // Coming back from cooling means a new window: `consumed` counts from zero again.
    const consumed = account.status === 'cooling' ? 0 : account.consumed;
    return { ...next, consumed, status: 'active', statusReason: null, cooldownUntil: null, statusChangedAt: sync.at };
  }
  // A sync that answered proves the session works, so an expired account with no quota cools.
  const statusChangedAt = account.status === 'cooling' ? account.statusChangedAt : sync.at;
  return { ...next, status: 'cooling', statusReason: QUOTA_EXHAUSTED, cooldownUntil: null, statusChangedAt };
}

export function withStatusChange(account: Account, change: StatusChange): Account {
  if (change.from && !change.from.includes(account.status)) return account;
  const next: Account = {
    ...account,
    status: change.to,
    statusReason: change.reason,
    statusChangedAt: change.to === account.status ? account.statusChangedAt : change.at,
    cooldownUntil: change.to === 'cooling' ? (change.cooldownUntil ?? null) : null,
  };
  return sameAccount(account, next) ? account : next;
}

export function withPatch(account: Account, patch: AccountPatch, at: number): Account {
  const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as AccountPatch;
  const next: Account = { ...account, ...given };
  if (given.tags) next.tags = uniqueTags(given.tags);
  if (given.quota !== undefined) next.quota = Math.max(0, given.quota);
  if (next.status !== account.status) next.statusChangedAt = at;
  return sameAccount(account, next) ? account : next;
}

/** Field-by-field equality, ignoring the storage bookkeeping (`updatedAt`, `version`). */
export function sameAccount(a: Account, b: Account): boolean {
  for (const key of Object.keys(a) as (keyof Account)[]) {
    if (key === 'updatedAt' || key === 'version') continue;
    if (key === 'tags' ? a.tags.join('\n') !== b.tags.join('\n') : a[key] !== b[key]) return false;
  }
  return true;
}
