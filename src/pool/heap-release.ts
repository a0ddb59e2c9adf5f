/**
 * A full load, a large import or another instance's quota pass replaces many account rows at once.
 * The rows replaced are garbage the runtime collects on its own schedule, which at 100k accounts
 * left an idle instance holding ≈ 80 MB more than its live heap for minutes (a reload: RSS 222 MB
 * against 135 MB after one full collection). Once `bulkRows` rows have been replaced, the heap is
 * released (`releaseHeap`) after the pool has been free of bulk work for `quietMs`: its full
 * collection stops the event loop for ≈ 50–120 ms at 100k accounts, so it waits for the bulk work
 * to end rather than interrupt it. Bulk work is `busyRows` or more rows replaced within a second;
 * fewer (the charges of light chat traffic, a pass at the default pace) do not hold the release
 * back, or an instance that is never idle for `quietMs` would keep the pages for good.
 */
export class HeapRelease {
  private replaced = 0;
  private lastBusyAt = 0;
  /** Rows replaced in the second that began at `secondStartedAt`. */
  private rowsThisSecond = 0;
  private secondStartedAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly options: {
      collect?: () => void;
      clock?: () => number;
      quietMs?: number;
      bulkRows?: number;
      busyRows?: number;
    } = {},
  ) {}

  /** `count` rows of the pool were replaced or added just now. */
  rowsReplaced(count: number): void {
    if (count === 0) return; // a read that changed nothing is no work
    const now = this.now();
    this.replaced += count;
    if (now - this.secondStartedAt >= 1_000) {
      this.secondStartedAt = now;
      this.rowsThisSecond = 0;
    }
    this.rowsThisSecond += count;
    if (this.rowsThisSecond >= (this.options.busyRows ?? 50)) this.lastBusyAt = now;
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

  /** Releases the heap if no bulk work ran for quietMs; otherwise waits for the rest of the quiet spell. */
  private fire(): void {
    const remaining = this.lastBusyAt + this.quietMs() - this.now();
    if (remaining > 0) {
      this.arm(remaining);
      return;
    }
    this.timer = null;
    this.replaced = 0;
    (this.options.collect ?? releaseHeap)();
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private quietMs(): number {
    return this.options.quietMs ?? 5_000;
  }
}

/**
 * At the runtime's next idle moment: drop compiled code (which can hold a finished call's scope
 * and what it referenced), collect everything, and hand free pages back to the system
 * (`Bun.shrink`, JavaScriptCore's "shrink footprint when idle"). A full collection alone left them
 * with the allocator: at 100k accounts after another instance's quota pass, an instance stood at
 * 210 MB after its full collection, and at 173 MB three seconds after `Bun.shrink`. Code is compiled
 * again as requests come (the next 300 chat requests took 850 ms of CPU against 640 ms); this runs
 * only after bulk work. Bun's types mark `shrink` deprecated, so a runtime without it gets the full
 * collection.
 */
function releaseHeap(): void {
  if (typeof Bun.shrink === 'function') Bun.shrink();
  else Bun.gc(true);
}
