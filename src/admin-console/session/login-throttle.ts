/**
 * Slows password guessing: a client (by address) gets `maxFailures` wrong passwords per window;
 * after that every attempt is refused until the window that started with its first failure ends.
 * A right password clears the client's record. Kept per instance: behind N instances a guesser
 * gets at most N × maxFailures tries per window, still far too few to matter.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds until the client may try again; 0 when it may try now. */
  retryAfter(client: string): number {
    const entry = this.failures.get(client);
    if (!entry) return 0;
    const elapsed = this.clock() - entry.windowStart;
    if (elapsed >= this.windowMs) {
      this.failures.delete(client);
      return 0;
    }
    return entry.count >= this.maxFailures ? this.windowMs - elapsed : 0;
  }

  recordFailure(client: string): void {
    this.retryAfter(client); // drops an ended window first
    const entry = this.failures.get(client);
    if (entry) entry.count += 1;
    else this.failures.set(client, { count: 1, windowStart: this.clock() });
    if (this.failures.size > 10_000) this.forgetEnded();
  }

  recordSuccess(client: string): void {
    this.failures.delete(client);
  }

  /** Keeps memory bounded when many addresses fail once. */
  private forgetEnded(): void {
    const now = this.clock();
    for (const [client, entry] of this.failures) if (now - entry.windowStart >= this.windowMs) this.failures.delete(client);
  }
}
