/**
 * A full load, a large import or another instance's quota pass replaces many account rows at once.
 * The rows replaced are garbage the runtime collects on its own schedule, which at 100k accounts
 * left an idle instance holding ≈ 80 MB more than its live heap for minutes (a reload: RSS 222 MB
 * against 135 MB after one full collection). Once `bulkRows` rows have been replaced, one full
 * collection runs after the pool has been quiet for `quietMs`: it stops the event loop for
 * ≈ 50–120 ms at 100k accounts, so it waits for the bulk work to end rather than interrupt it.
 */
export class HeapRelease {
  private replaced = 0;
  private lastChangeAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly options: {
      collect?: () => void;
      clock?: () => number;
      quietMs?: number;
      bulkRows?: number;
    } = {},
  ) {}

  /** `count` rows of the pool were replaced or added just now. */
  rowsReplaced(count: number): void {
    this.replaced += count;
    this.lastChangeAt = this.now();
    if (this.timer || this.replaced < (this.options.bulkRows ?? 10_000)) return;
    this.arm(this.quietMs());
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref?.();
  }

  /** Runs the collection if nothing changed for quietMs; otherwise waits for the rest of the quiet spell. */
  private fire(): void {
    const remaining = this.lastChangeAt + this.quietMs() - this.now();
    if (remaining > 0) {
      this.arm(remaining);
      return;
    }
    this.timer = null;
    this.replaced = 0;
    (this.options.collect ?? (() => Bun.gc(true)))();
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private quietMs(): number {
    return this.options.quietMs ?? 5_000;
  }
}
