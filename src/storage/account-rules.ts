import {
  BASIC_POOL,
  SUPER_POOL,
  type Account,
  type AccountPatch,
  type NewAccount,
  type ModeWindow,
  type StatusChange,
  type SuccessChange,
  type SyncResult,
} from './types';
import {
  estimatedWindow,
  hasModeLimit,
  modeWindowsKey,
  parseModeWindows,
  PRIMARY_MODE,
  windowOf,
} from './mode-windows';
import { NO_MODES, sharedPool, sharedTags } from './interned-values';

/**
 * The account state rules as pure functions: every driver applies them inside its own atomic
 * operation, and the pool applies them to its in-memory copy, so the rules exist exactly once.
 * A function returns its input unchanged (same object) when nothing changes, so a driver can
 * skip the write.
 */

/** Local quota estimate of a new account (docs/upstream-protocol.md §14.2, P1 defaults). */
export function defaultQuota(pool: string): number {
  return pool === SUPER_POOL ? 140 : 80;
}

export const QUOTA_EXHAUSTED = 'quota_exhausted';

const uniqueTags = (tags: readonly string[]) =>
  sharedTags([...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))]);

/** A complete account from what a caller gave; `updatedAt`/`version` are the driver's to set. */
export function newAccountRecord(input: NewAccount, at: number): Account {
  return {
    token: input.token,
    pool: sharedPool(input.pool || BASIC_POOL),
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
    modes: parseModeWindows(input.modes ?? {}),
  };
}

const isLocked = (account: Account) => account.status === 'disabled' || account.status === 'expired';

export function withSuccess(account: Account, change: SuccessChange): Account {
  const window = change.mode === undefined ? undefined : windowOf(account, change.mode);
  if (window && change.mode !== undefined) return withModeSuccess(account, change.mode, window, change);
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
  // A request that succeeded after the cooldown is proof the account is back (unless a mode is
  // still limited: then the account stays cooling for that mode).
  const cooldownOver = account.cooldownUntil !== null && account.cooldownUntil <= change.at;
  if (account.status === 'cooling' && cooldownOver && !hasModeLimit(account)) {
    return { ...next, status: 'active', statusReason: null, cooldownUntil: null, statusChangedAt: change.at };
  }
  return next;
}

/**
 * A charge on a mode with its own window: only that window (and `quota` when it is the mirrored
 * `fast` one) goes down. An emptied window is limited until a sync; a success after a limited
 * window's wait time proves it is back.
 */
function withModeSuccess(account: Account, mode: string, window: ModeWindow, change: SuccessChange): Account {
  const units = Math.max(0, change.units);
  const remaining = Math.max(0, window.remaining - units);
  let nextWindow: ModeWindow = { ...window, remaining };
  if (remaining === 0) nextWindow = { ...nextWindow, limitedReason: QUOTA_EXHAUSTED, limitedUntil: null };
  else if (window.limitedReason !== null && window.limitedUntil !== null && window.limitedUntil <= change.at) {
    nextWindow = { ...nextWindow, limitedReason: null, limitedUntil: null };
  }
  const next: Account = {
    ...account,
    modes: { ...account.modes, [mode]: nextWindow },
    quota: mode === PRIMARY_MODE ? remaining : account.quota,
    consumed: account.consumed + units,
    useCount: account.useCount + units,
    lastUsedAt: change.at,
    failCount: 0,
  };
  return isLocked(account) ? next : withModeSummary(next, change.at, nextWindow.limitedReason ?? QUOTA_EXHAUSTED);
}

/**
 * The account-wide status of an account whose modes changed: `cooling` while any mode is limited
 * (so the refresh scheduler re-syncs it), `active` again once none is. `reason` is used when the
 * account starts cooling.
 */
function withModeSummary(account: Account, at: number, reason: string): Account {
  if (hasModeLimit(account)) {
    if (account.status === 'cooling') return account;
    return { ...account, status: 'cooling', statusReason: reason, cooldownUntil: null, statusChangedAt: at };
  }
  if (account.status !== 'cooling' || account.quota === 0) return account;
  return { ...account, status: 'active', statusReason: null, cooldownUntil: null, statusChangedAt: at };
}

export function withFailure(account: Account, change: { reason: string; at: number; threshold: number }): Account {
  const failCount = account.failCount + 1;
  const next: Account = { ...account, failCount, lastFailAt: change.at, lastFailReason: change.reason };
  if (isLocked(account) || failCount < Math.max(1, change.threshold)) return next;
  return { ...next, status: 'expired', statusReason: change.reason, cooldownUntil: null, statusChangedAt: change.at };
}

export function withSync(account: Account, sync: SyncResult): Account {
  const remaining = Math.max(0, sync.remaining);
  // P1's single call describes the whole account: quota back means every mode draws on it again.
  const modes: Record<string, ModeWindow> = sync.modes
    ? { ...account.modes }
    : remaining > 0
      ? NO_MODES
      : account.modes;
  if (sync.modes && sync.modesAsked) {
    for (const [mode, window] of Object.entries(modes)) {
      // A running rate limit (a 429 with Retry-After) stays until its time is up.
      const limited = window.limitedUntil !== null && window.limitedUntil > sync.at;
      if (!sync.modesAsked.includes(mode) && !limited) delete modes[mode];
    }
  }
  for (const [mode, answer] of Object.entries(sync.modes ?? {})) {
    const left = Math.max(0, answer.remaining);
    // A mode with a window of its own that is used up waits for the next sync; a mode the tier
    // does not have (total 0) is simply never picked, without keeping the account cooling.
    const exhausted = left === 0 && (answer.total ?? 0) > 0;
    modes[mode] = {
      remaining: left,
      total: answer.total,
      windowSeconds: answer.windowSeconds,
      syncedAt: sync.at,
      limitedReason: exhausted ? QUOTA_EXHAUSTED : null,
      limitedUntil: null,
    };
  }
  const next: Account = {
    ...account,
    pool: sync.pool ?? account.pool,
    quota: remaining,
    quotaTotal: sync.total,
    windowSeconds: sync.windowSeconds,
    lastSyncAt: sync.at,
    failCount: 0,
    modes,
  };
  if (account.status === 'disabled') return next; // sticky: only an operator enables it
  const usable =
    remaining > 0 || Object.values(modes).some((window) => window.remaining > 0 && window.limitedReason === null);
  if (usable && !hasModeLimit(next)) {
    if (account.status === 'active') return next;
    // Coming back from cooling means a new window: `consumed` counts from zero again.
    const consumed = account.status === 'cooling' ? 0 : account.consumed;
    return { ...next, consumed, status: 'active', statusReason: null, cooldownUntil: null, statusChangedAt: sync.at };
  }
  // A sync that answered proves the session works, so an expired account with no quota cools;
  // so does one with a mode used up (the other modes stay usable: see mode-windows.ts).
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
  if (change.to === 'cooling' && change.mode !== undefined) {
    // A limit on one mode: the account is cooling for that mode, the others stay usable.
    const window = windowOf(account, change.mode) ?? estimatedWindow(account);
    next.modes = {
      ...account.modes,
      [change.mode]: {
        ...window,
        limitedReason: change.reason ?? 'rate_limited',
        limitedUntil: change.cooldownUntil ?? null,
      },
    };
  }
  return sameAccount(account, next) ? account : next;
}

export function withPatch(account: Account, patch: AccountPatch, at: number): Account {
  const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as AccountPatch;
  const next: Account = { ...account, ...given };
  if (given.tags) next.tags = uniqueTags(given.tags);
  if (given.modes) next.modes = parseModeWindows(given.modes);
  if (given.quota !== undefined) next.quota = Math.max(0, given.quota);
  if (next.status !== account.status) next.statusChangedAt = at;
  return sameAccount(account, next) ? account : next;
}

/**
 * An import of a stored token: the fields the import gives replace the stored ones (`createdAt`
 * never changes), its tags join the stored tags, counters it does not give are kept.
 */
export function withImported(account: Account, input: NewAccount, at: number): Account {
  const { token: _token, createdAt: _createdAt, ...given } = input;
  return withPatch(account, { ...given, tags: [...account.tags, ...(input.tags ?? [])] }, at);
}

/** Field-by-field equality, ignoring the storage bookkeeping (`updatedAt`, `version`). */
export function sameAccount(a: Account, b: Account): boolean {
  for (const key of Object.keys(a) as (keyof Account)[]) {
    if (key === 'updatedAt' || key === 'version') continue;
    if (key === 'tags') {
      if (a.tags.join('\n') !== b.tags.join('\n')) return false;
    } else if (key === 'modes') {
      if (a.modes !== b.modes && modeWindowsKey(a.modes) !== modeWindowsKey(b.modes)) return false;
    } else if (a[key] !== b[key]) return false;
  }
  return true;
}
