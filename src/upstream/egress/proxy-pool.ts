import { maskSecret } from '../../logging/logger';

/**
 * A comma-separated `proxy.base_proxy_url` / `asset_proxy_url` is a pool: each account sticks to
 * one proxy (so its Cloudflare clearance and the upstream's view of it stay on one IP), a proxy
 * that failed with a status in `retry.reset_session_status_codes` or at the transport level
 * cools down, and the account moves on to the next healthy one. Pure apart from the injected clock.
 */

export function proxyList(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export interface ProxyHealth {
  proxy: string;
  healthy: boolean;
  failures: number;
  coolingUntil: string | null;
}

interface State {
  failures: number;
  coolingUntil: number;
}

export class ProxyPool {
  private readonly assignments = new Map<string, string>();
  private readonly health = new Map<string, State>();
  private readonly now: () => number;
  private readonly cooldownMs: number;

  constructor(options: { now?: () => number; cooldownSeconds?: number } = {}) {
    this.now = options.now ?? Date.now;
    this.cooldownMs = (options.cooldownSeconds ?? 60) * 1000;
  }

  /** The proxy for `key` (an account) from the configured value; '' for a direct connection. */
  pick(value: string, key: string): string {
    const list = proxyList(value);
    if (list.length <= 1) return list[0] ?? '';
    const assignmentKey = `${value}\n${key}`;
    const assigned = this.assignments.get(assignmentKey);
    if (assigned && list.includes(assigned) && this.healthy(assigned)) return assigned;
    const start = assigned && list.includes(assigned) ? list.indexOf(assigned) + 1 : hash(key) % list.length;
    let chosen: string | undefined;
    for (let offset = 0; offset < list.length && !chosen; offset++) {
      const candidate = list[(start + offset) % list.length]!;
      if (this.healthy(candidate)) chosen = candidate;
    }
    // All cooling: the one that recovers first.
    chosen ??= [...list].sort(
      (a, b) => (this.health.get(a)?.coolingUntil ?? 0) - (this.health.get(b)?.coolingUntil ?? 0),
    )[0]!;
    this.assignments.set(assignmentKey, chosen);
    return chosen;
  }

  /** A failure that is the egress's (challenge, transport): cool the proxy and move the account on. */
  failed(proxy: string): void {
    if (!proxy) return;
    const state = this.health.get(proxy) ?? { failures: 0, coolingUntil: 0 };
    state.failures++;
    state.coolingUntil = this.now() + this.cooldownMs;
    this.health.set(proxy, state);
  }

  succeeded(proxy: string): void {
    if (proxy) this.health.delete(proxy);
  }

  status(value: string): ProxyHealth[] {
    return proxyList(value).map((proxy) => {
      const state = this.health.get(proxy);
      return {
        proxy: maskProxy(proxy),
        healthy: this.healthy(proxy),
        failures: state?.failures ?? 0,
        coolingUntil: state && state.coolingUntil > this.now() ? new Date(state.coolingUntil).toISOString() : null,
      };
    });
  }

  private healthy(proxy: string): boolean {
    return (this.health.get(proxy)?.coolingUntil ?? 0) <= this.now();
  }
}

/** Credentials in a proxy URL are secrets. */
function maskProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password) url.password = maskSecret(url.password);
    return url.toString();
  } catch {
    return maskSecret(proxy);
  }
}

function hash(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  return value >>> 0;
}
