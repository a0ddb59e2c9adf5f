import { parseModeWindows } from './mode-windows';
import { NO_TAGS, sharedPool, sharedStatus, sharedTags } from './interned-values';
import type { Account } from './types';

/** The `accounts` row as the SQL drivers store it, and the conversions to and from `Account`. */

export interface AccountRow {
  token: string;
  pool: string;
  status: string;
  status_reason: string | null;
  status_changed_at: number;
  quota: number;
  quota_total: number | null;
  window_seconds: number | null;
  consumed: number;
  use_count: number;
  fail_count: number;
  last_fail_at: number | null;
  last_fail_reason: string | null;
  last_used_at: number | null;
  last_sync_at: number | null;
  cooldown_until: number | null;
  created_at: number;
  tags: string;
  note: string;
  updated_at: number;
  version: number;
  /** JSON of `Account.modes` (schema version 4). */
  modes: string;
}

export const ACCOUNT_COLUMNS = [
  'token',
  'pool',
  'status',
  'status_reason',
  'status_changed_at',
  'quota',
  'quota_total',
  'window_seconds',
  'consumed',
  'use_count',
  'fail_count',
  'last_fail_at',
  'last_fail_reason',
  'last_used_at',
  'last_sync_at',
  'cooldown_until',
  'created_at',
  'tags',
  'note',
  'updated_at',
  'version',
  'modes',
] as const satisfies readonly (keyof AccountRow)[];

function parseTags(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? sharedTags(parsed.filter((tag): tag is string => typeof tag === 'string')) : NO_TAGS;
  } catch {
    return NO_TAGS; // a hand-edited row must not make the whole pool unreadable
  }
}

export function toAccount(row: AccountRow): Account {
  return {
    token: row.token,
    pool: sharedPool(row.pool),
    status: sharedStatus(row.status),
    statusReason: row.status_reason,
    statusChangedAt: row.status_changed_at,
    quota: row.quota,
    quotaTotal: row.quota_total,
    windowSeconds: row.window_seconds,
    consumed: row.consumed,
    useCount: row.use_count,
    failCount: row.fail_count,
    lastFailAt: row.last_fail_at,
    lastFailReason: row.last_fail_reason,
    lastUsedAt: row.last_used_at,
    lastSyncAt: row.last_sync_at,
    cooldownUntil: row.cooldown_until,
    createdAt: row.created_at,
    tags: parseTags(row.tags),
    note: row.note,
    updatedAt: row.updated_at,
    version: row.version,
    modes: parseModeWindows(row.modes),
  };
}

export function toRow(account: Account): AccountRow {
  return {
    token: account.token,
    pool: account.pool,
    status: account.status,
    status_reason: account.statusReason,
    status_changed_at: account.statusChangedAt,
    quota: account.quota,
    quota_total: account.quotaTotal,
    window_seconds: account.windowSeconds,
    consumed: account.consumed,
    use_count: account.useCount,
    fail_count: account.failCount,
    last_fail_at: account.lastFailAt,
    last_fail_reason: account.lastFailReason,
    last_used_at: account.lastUsedAt,
    last_sync_at: account.lastSyncAt,
    cooldown_until: account.cooldownUntil,
    created_at: account.createdAt,
    tags: JSON.stringify(account.tags),
    note: account.note,
    updated_at: account.updatedAt,
    version: account.version,
    modes: JSON.stringify(account.modes),
  };
}

const NUMERIC_COLUMNS = [
  'status_changed_at',
  'quota',
  'quota_total',
  'window_seconds',
  'consumed',
  'use_count',
  'fail_count',
  'last_fail_at',
  'last_used_at',
  'last_sync_at',
  'cooldown_until',
  'created_at',
  'updated_at',
  'version',
] as const satisfies readonly (keyof AccountRow)[];

/**
 * A row from a network driver, where BIGINT columns may arrive as strings or bigints (PostgreSQL's
 * int8, MySQL's BIGINT): numbers again before `toAccount`. Epoch milliseconds fit a double exactly.
 */
export function fromNetworkRow(row: Record<string, unknown>): Account {
  const normalised = { ...row } as Record<string, unknown>;
  for (const column of NUMERIC_COLUMNS) {
    const value = normalised[column];
    normalised[column] = value === null || value === undefined ? null : Number(value);
  }
  return toAccount(normalised as unknown as AccountRow);
}
