/**
 * How late this process's timers fire: a measure of how busy its event loop (and the machine
 * under it) is right now. Refresh work uses it to give way to requests: at a busy moment the pacer
 * spaces quota calls further apart (CallPacer's `slowdown`), so a quota pass at a high
 * token.refresh_calls_per_sec does not take the CPU the chat requests of the same instance need.
 */

/** Timer period of the measurement. */
const PERIOD_MS = 50;
/** Lateness (smoothed) below which the loop counts as not busy. */
const CALM_MS = 5;
/** Each this many milliseconds of lateness beyond CALM_MS doubles the spacing once more… */
const STEP_MS = 10;
/** …up to this factor: a pass keeps going at a quarter of its pace, however busy the instance. */
const MOST_SLOWDOWN = 4;

export class LoopLag {
  private smoothedMs = 0;
  private expectedAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  start(): void {
    if (this.timer) return;
    this.expectedAt = this.clock() + PERIOD_MS;
    this.timer = setInterval(() => this.observe(this.clock()), PERIOD_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One tick of the timer, at `now` (separate so a test can drive it). */
  observe(now: number): void {
    const lateMs = Math.max(0, now - this.expectedAt);
    this.expectedAt = now + PERIOD_MS;
    this.smoothedMs = this.smoothedMs * 0.75 + lateMs * 0.25;
  }

  /** 1 when calm, growing with the lateness, at most MOST_SLOWDOWN: what a refresh call's spacing is multiplied by. */
  slowdown(): number {
    const over = this.smoothedMs - CALM_MS;
    if (over <= 0) return 1;
    return Math.min(MOST_SLOWDOWN, 2 ** (over / STEP_MS));
  }
}
