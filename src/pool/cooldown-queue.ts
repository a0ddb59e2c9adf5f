/**
 * Cooling accounts ordered by when their cooldown ends (a binary min-heap). The pool looks at the
 * head on each pick instead of arming a timer per account. Entries are never updated in place: a
 * newer cooldown pushes a new entry and the owner ignores stale ones when they come out.
 */

export interface CooldownEntry {
  token: string;
  until: number;
}

export class CooldownQueue {
  private readonly heap: CooldownEntry[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(token: string, until: number): void {
    this.heap.push({ token, until });
    this.siftUp(this.heap.length - 1);
  }

  /** Removes and returns every entry whose time has come, earliest first. */
  takeDue(now: number): CooldownEntry[] {
    const due: CooldownEntry[] = [];
    while (this.heap.length > 0 && this.heap[0]!.until <= now) due.push(this.pop());
    return due;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private pop(): CooldownEntry {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >>> 1;
      if (this.heap[parent]!.until <= this.heap[index]!.until) return;
      this.swap(parent, index);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.heap[left]!.until < this.heap[smallest]!.until) smallest = left;
      if (right < this.heap.length && this.heap[right]!.until < this.heap[smallest]!.until) smallest = right;
      if (smallest === index) return;
      this.swap(smallest, index);
      index = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }
}
