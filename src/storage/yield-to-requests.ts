/**
 * Lets requests whose I/O is already waiting run before the next piece of background work (a
 * slice of a bulk write, of a pass over the pool, of a paced quota pass). In the lowest layer that
 * needs it, so the stores and the pool above them share one.
 */
export const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));
