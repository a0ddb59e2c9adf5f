/**
 * The user id of each account (docs/upstream-protocol.md §6), looked up once and kept,
 * because the gateway needs it on every turn and it never changes for a session. Concurrent
 * lookups for one account share one call; a failed lookup is not cached.
 */

export interface IdentityCacheOptions {
  /** Seconds a looked-up id is trusted. */
  ttlSeconds: number;
  now?: () => number;
}

interface Entry {
  userId: string | null;
  expiresAt: number;
}

export class IdentityCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string | null>>();
  private readonly now: () => number;

  constructor(private readonly options: IdentityCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The cached id, or `lookup()`'s answer (a UUID, or null when the session names none). */
  async userId(token: string, lookup: () => Promise<string | null>): Promise<string | null> {
    const entry = this.entries.get(token);
    if (entry && entry.expiresAt > this.now()) return entry.userId;
    const running = this.pending.get(token);
    if (running) return running;
    const call = lookup()
      .then((userId) => {
        this.entries.set(token, { userId, expiresAt: this.now() + this.options.ttlSeconds * 1000 });
        return userId;
      })
      .finally(() => this.pending.delete(token));
    this.pending.set(token, call);
    return call;
  }

  /** After the upstream rejected the account: the next turn asks again. */
  forget(token: string): void {
    this.entries.delete(token);
  }
}
