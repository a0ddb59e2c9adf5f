import { quotaFor } from './tier-quotas';
import { MODES, type AccountView, type Mode, type QuotaWindow, type SimulatorAccount } from './types';
import { emailForToken, userIdForToken } from './user-identity';

export interface ResolvedAccount extends SimulatorAccount {
  tier: NonNullable<SimulatorAccount['tier']>;
  userId: string;
  email: string;
}

export interface WindowState {
  quota: QuotaWindow;
  used: number;
  remaining: number;
  /** Whole seconds until the window starts over (the full window when nothing was used yet). */
  secondsUntilReset: number;
}

interface UsageWindow {
  used: number;
  startedAt: number;
}

// Windows start at the first counted turn and start over once they have elapsed: a fixed
// window is simple to compute with an injected clock and is what the gateway estimates too.
export class AccountRegistry {
  private readonly accounts = new Map<string, ResolvedAccount>();
  private readonly usage = new Map<string, Partial<Record<Mode, UsageWindow>>>();

  constructor(private readonly now: () => number) {}

  add(account: SimulatorAccount): ResolvedAccount {
    const resolved: ResolvedAccount = {
      ...account,
      tier: account.tier ?? 'basic',
      userId: account.userId ?? userIdForToken(account.token),
      email: account.email ?? emailForToken(account.token),
    };
    this.accounts.set(account.token, resolved);
    return resolved;
  }

  get(token: string): ResolvedAccount | undefined {
    return this.accounts.get(token);
  }

  view(token: string): AccountView | undefined {
    const account = this.accounts.get(token);
    if (!account) return undefined;
    const usage = {} as Record<Mode, number>;
    for (const mode of MODES) usage[mode] = this.window(account, mode).used;
    return { ...account, usage };
  }

  window(account: ResolvedAccount, mode: Mode): WindowState {
    const quota = quotaFor(account, mode);
    const current = this.currentWindow(account.token, mode, quota);
    const used = current?.used ?? 0;
    const elapsedMs = current ? this.now() - current.startedAt : 0;
    return {
      quota,
      used,
      remaining: Math.max(0, quota.total - used),
      secondsUntilReset: Math.max(1, Math.ceil(quota.windowSeconds - elapsedMs / 1000)),
    };
  }

  consume(account: ResolvedAccount, mode: Mode): void {
    const quota = quotaFor(account, mode);
    const windows = this.usage.get(account.token) ?? {};
    const current = this.currentWindow(account.token, mode, quota) ?? { used: 0, startedAt: this.now() };
    current.used += 1;
    windows[mode] = current;
    this.usage.set(account.token, windows);
  }

  resetUsage(): void {
    this.usage.clear();
  }

  private currentWindow(token: string, mode: Mode, quota: QuotaWindow): UsageWindow | undefined {
    const current = this.usage.get(token)?.[mode];
    if (!current) return undefined;
    if (this.now() - current.startedAt >= quota.windowSeconds * 1000) {
      delete this.usage.get(token)?.[mode];
      return undefined;
    }
    return current;
  }
}
