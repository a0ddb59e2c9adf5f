import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { normalizeToken, tokenSyntaxProblem } from '../upstream/grok/token';
import { ACCOUNT_STATUSES, type Account, type AccountStatus, type ModeWindow, type NewAccount } from './types';

/**
 * The reference's token objects (snake_case, docs/python-compatibility.md §3.1, §3.6):
 * read from its token.json and from `POST /v1/admin/tokens`, written by `GET /v1/admin/tokens`,
 * so an export can be imported back unchanged.
 */

const Time = Type.Union([Type.Number(), Type.Null()]);
const Count = Type.Number({ minimum: 0 });
const OptionalText = Type.Union([Type.String(), Type.Null()]);

export const ReferenceTokenObject = Type.Object(
  {
    token: Type.String(),
    status: Type.Optional(Type.String()),
    quota: Type.Optional(Count),
    consumed: Type.Optional(Count),
    created_at: Type.Optional(Type.Number()),
    last_used_at: Type.Optional(Time),
    use_count: Type.Optional(Count),
    fail_count: Type.Optional(Count),
    last_fail_at: Type.Optional(Time),
    last_fail_reason: Type.Optional(OptionalText),
    last_sync_at: Type.Optional(Time),
    tags: Type.Optional(Type.Array(Type.String())),
    note: Type.Optional(Type.String()),
    // Ours: present in our exports, absent from the reference's files.
    status_reason: Type.Optional(OptionalText),
    cooldown_until: Type.Optional(Time),
    quota_total: Type.Optional(Time),
    window_seconds: Type.Optional(Time),
    quota_by_mode: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object({
          remaining: Count,
          total: Type.Optional(Time),
          window_seconds: Type.Optional(Time),
          synced_at: Type.Optional(Time),
          limited_reason: Type.Optional(OptionalText),
          limited_until: Type.Optional(Time),
        }),
      ),
    ),
  },
  { additionalProperties: true }, // e.g. the reference's last_asset_clear_at: accepted, not kept
);
export type ReferenceTokenObject = Static<typeof ReferenceTokenObject>;

/** `GET /v1/admin/tokens` item: every field present. */
export interface ReferenceToken {
  token: string;
  status: AccountStatus;
  quota: number;
  consumed: number;
  created_at: number;
  last_used_at: number | null;
  use_count: number;
  fail_count: number;
  last_fail_at: number | null;
  last_fail_reason: string | null;
  last_sync_at: number | null;
  tags: string[];
  note: string;
  status_reason: string | null;
  cooldown_until: number | null;
  quota_total: number | null;
  window_seconds: number | null;
  /**
   * Ours: the quota window of each upstream mode the account was synced for or limited on. The
   * reference-compatible `quota` above is the `fast` window once synced (the one P1's single call
   * described), else the account-wide estimate every mode without a window draws on.
   */
  quota_by_mode: Record<string, ReferenceModeWindow>;
}

export interface ReferenceModeWindow {
  remaining: number;
  total: number | null;
  window_seconds: number | null;
  synced_at: number | null;
  limited_reason: string | null;
  limited_until: number | null;
}

/** `active`, `ACTIVE`, or the enum spelling `TokenStatus.ACTIVE` older files contain. */
export function parseStatus(value: string): AccountStatus | null {
  const word = value.trim().toLowerCase().split('.').at(-1) ?? '';
  return (ACCOUNT_STATUSES as readonly string[]).includes(word) ? (word as AccountStatus) : null;
}

/** The token an entry names: the entry itself when it is a string, else its `token` field. */
export function entryToken(entry: unknown): unknown {
  if (typeof entry === 'string') return entry;
  return typeof entry === 'object' && entry !== null ? (entry as { token?: unknown }).token : undefined;
}

/**
 * One entry (a bare token string, maybe `sso=`-prefixed, or a token object) as a NewAccount in
 * `pool`; null when unusable. Only fields present in the entry are set, so a caller merging into a
 * stored account keeps the stored values of the others.
 */
export function parseReferenceEntry(entry: unknown, pool: string): NewAccount | null {
  const raw = entryToken(entry);
  // Words with spaces are refused, not squashed into a token that was never there.
  if (typeof raw === 'string' && tokenSyntaxProblem(raw) !== null) return null;
  if (typeof entry === 'string') {
    const token = normalizeToken(entry);
    return token ? { token, pool } : null;
  }
  if (!Value.Check(ReferenceTokenObject, entry)) return null;
  const token = normalizeToken(entry.token);
  const status = entry.status === undefined ? undefined : parseStatus(entry.status);
  if (!token || status === null) return null;
  const account: NewAccount = {
    token,
    pool,
    status,
    quota: entry.quota,
    consumed: entry.consumed,
    createdAt: entry.created_at,
    lastUsedAt: entry.last_used_at,
    useCount: entry.use_count,
    failCount: entry.fail_count,
    lastFailAt: entry.last_fail_at,
    lastFailReason: entry.last_fail_reason,
    lastSyncAt: entry.last_sync_at,
    tags: entry.tags,
    note: entry.note,
    statusReason: entry.status_reason,
    cooldownUntil: entry.cooldown_until,
    quotaTotal: entry.quota_total,
    windowSeconds: entry.window_seconds,
    modes: entry.quota_by_mode === undefined ? undefined : fromReferenceModes(entry.quota_by_mode),
  };
  return Object.fromEntries(Object.entries(account).filter(([, value]) => value !== undefined)) as NewAccount;
}

export function toReferenceToken(account: Account): ReferenceToken {
  return {
    token: account.token,
    status: account.status,
    quota: account.quota,
    consumed: account.consumed,
    created_at: account.createdAt,
    last_used_at: account.lastUsedAt,
    use_count: account.useCount,
    fail_count: account.failCount,
    last_fail_at: account.lastFailAt,
    last_fail_reason: account.lastFailReason,
    last_sync_at: account.lastSyncAt,
    tags: [...account.tags],
    note: account.note,
    status_reason: account.statusReason,
    cooldown_until: account.cooldownUntil,
    quota_total: account.quotaTotal,
    window_seconds: account.windowSeconds,
    quota_by_mode: Object.fromEntries(
      Object.entries(account.modes).map(([mode, window]) => [
        mode,
        {
          remaining: window.remaining,
          total: window.total,
          window_seconds: window.windowSeconds,
          synced_at: window.syncedAt,
          limited_reason: window.limitedReason,
          limited_until: window.limitedUntil,
        },
      ]),
    ),
  };
}

function fromReferenceModes(modes: NonNullable<ReferenceTokenObject['quota_by_mode']>): Record<string, ModeWindow> {
  return Object.fromEntries(
    Object.entries(modes).map(([mode, window]) => [
      mode,
      {
        remaining: window.remaining,
        total: window.total ?? null,
        windowSeconds: window.window_seconds ?? null,
        syncedAt: window.synced_at ?? null,
        limitedReason: window.limited_reason ?? null,
        limitedUntil: window.limited_until ?? null,
      },
    ]),
  );
}
