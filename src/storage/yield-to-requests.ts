/**
 * Lets requests whose I/O is already waiting run before the next piece of background work (a
 * slice of a bulk write, of a pass over the pool, of a paced quota pass). In the lowest layer that
 * needs it, so the stores and the pool above them share one.
 */
export const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Visits every item, letting the event loop serve other work after every `every` items: a pass
 * over 100k accounts (a console page, rows from the change feed) must not hold up the requests of
 * the same instance.
 */
export async function forEachYielding<T>(items: Iterable<T>, every: number, visit: (item: T) => void): Promise<void> {
  let seen = 0;
  for (const item of items) {
    if (seen > 0 && seen % every === 0) await yieldToRequests();
    seen++;
    visit(item);
  }
}
