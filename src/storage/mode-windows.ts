import { NO_MODES, sharedModes } from './interned-values';
import type { Account, ModeWindow } from './types';

/**
 * Quota per upstream mode (docs/upstream-protocol.md §14.1: one rate-limits window per
 * `auto`, `fast`, `expert`, `heavy`). An account keeps a window for each mode it has been synced
 * for or rate limited on; a mode without one draws on the account-wide estimate `quota`, which is
 * what P1 knew (one window per account). Pure functions, shared by the drivers and the pool.
 */

export const QUOTA_MODES = ['auto', 'fast', 'expert', 'heavy'] as const;
export type QuotaMode = (typeof QUOTA_MODES)[number];

/**
 * The mode whose window the account-wide `quota` mirrors once it is synced: P1's single
 * rate-limits call was answered with it, so `quota` keeps meaning what it meant for P1 tools.
 */
export const PRIMARY_MODE: QuotaMode = 'fast';

export function windowOf(account: Pick<Account, 'modes'>, mode: string): ModeWindow | undefined {
  return Object.hasOwn(account.modes, mode) ? account.modes[mode] : undefined;
}

/** Requests left for this mode: its own window, or the account-wide estimate. */
export function remainingFor(account: Pick<Account, 'modes' | 'quota'>, mode: string): number {
  return windowOf(account, mode)?.remaining ?? account.quota;
}

/** Rate limited (or exhausted) and not yet past the upstream's wait time. */
export function isModeBlocked(window: ModeWindow, now: number): boolean {
  return window.limitedReason !== null && (window.limitedUntil === null || window.limitedUntil > now);
}

/** True when the account's `cooling` status is about some modes only (the others stay usable). */
export function hasModeLimit(account: Pick<Account, 'modes'>): boolean {
  return Object.values(account.modes).some((window) => window.limitedReason !== null);
}

/** The next moment a limited mode comes back by itself, after `now`; null when none will. */
export function nextModeRelease(account: Pick<Account, 'modes'>, now: number): number | null {
  let next: number | null = null;
  for (const window of Object.values(account.modes)) {
    if (window.limitedReason === null || window.limitedUntil === null || window.limitedUntil <= now) continue;
    if (next === null || window.limitedUntil < next) next = window.limitedUntil;
  }
  return next;
}

/** The window a mode starts with when it is first charged or limited: a copy of the estimate. */
export function estimatedWindow(account: Pick<Account, 'quota'>): ModeWindow {
  return {
    remaining: account.quota,
    total: null,
    windowSeconds: null,
    syncedAt: null,
    limitedReason: null,
    limitedUntil: null,
  };
}

const isNumberOrNull = (value: unknown): value is number | null =>
  value === null || (typeof value === 'number' && Number.isFinite(value));

/**
 * Windows from stored JSON. A hand-edited or foreign value must not make the account unreadable,
 * so anything that is not a well-formed window is dropped (the mode then uses the estimate).
 */
export function parseModeWindows(value: unknown): Record<string, ModeWindow> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return NO_MODES;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return NO_MODES;
  const windows: Record<string, ModeWindow> = {};
  for (const [mode, candidate] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const fields = candidate as Record<string, unknown>;
    if (typeof fields.remaining !== 'number' || !Number.isFinite(fields.remaining)) continue;
    const optional = (key: string) => (isNumberOrNull(fields[key]) ? (fields[key] as number | null) : null);
    windows[mode] = {
      remaining: Math.max(0, fields.remaining),
      total: optional('total'),
      windowSeconds: optional('windowSeconds'),
      syncedAt: optional('syncedAt'),
      limitedReason: typeof fields.limitedReason === 'string' ? fields.limitedReason : null,
      limitedUntil: optional('limitedUntil'),
    };
  }
  return sharedModes(windows);
}

/** Stable text for comparing two window sets (key order does not matter). */
export function modeWindowsKey(windows: Record<string, ModeWindow>): string {
  return JSON.stringify(
    Object.keys(windows)
      .sort()
      .map((mode) => [mode, windows[mode]]),
  );
}
