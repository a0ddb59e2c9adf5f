import { yieldToRequests } from '../storage/yield-to-requests';

/**
 * Spaces upstream calls to at most `rate()` per second (read on every call, so a config change
 * applies at once; 0 = unpaced): each caller is handed the next free start time and waits for it
 * on a timer, so a quota pass over 100k accounts is spread over time instead of bursting, and the
 * requests this instance serves run in between; while the instance is busy (`slowdown`), calls go
 * further apart still. An unpaced call still yields to pending I/O first.
 */
export class CallPacer {
  private nextStart = 0;

  constructor(
    private readonly rate: () => number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    /** ≥ 1: how much further apart calls go right now, because the instance is busy (LoopLag). */
    private readonly slowdown: () => number = () => 1,
  ) {}

  async wait(): Promise<void> {
    const rate = this.rate();
    const now = this.clock();
    if (rate <= 0) return yieldToRequests();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + (1000 / rate) * this.slowdown();
    if (start > now) await this.sleep(start - now);
    else await yieldToRequests();
  }
}
