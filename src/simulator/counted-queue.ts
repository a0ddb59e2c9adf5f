// Faults and scripts share these semantics: entries are used in the order they were queued,
// each one a limited number of times, and an entry that does not apply to a request is
// skipped without being used up.
interface Entry<T> {
  value: T;
  usesLeft: number;
}

/** JSON cannot carry Infinity, so the HTTP control API sends -1 for "forever". */
export function normaliseTimes(times: number | undefined): number {
  if (times === undefined || Number.isNaN(times)) return 1;
  if (times < 0) return Infinity;
  return Math.floor(times);
}

export class CountedQueue<T extends { times?: number }> {
  private entries: Entry<T>[] = [];

  push(value: T): void {
    const usesLeft = normaliseTimes(value.times);
    if (usesLeft > 0) this.entries.push({ value, usesLeft });
  }

  /** Uses up one turn of the first entry that satisfies `applies`. */
  take(applies: (value: T) => boolean): T | undefined {
    const index = this.entries.findIndex((entry) => applies(entry.value));
    if (index < 0) return undefined;
    const entry = this.entries[index];
    entry.usesLeft -= 1;
    if (entry.usesLeft <= 0) this.entries.splice(index, 1);
    return entry.value;
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}
