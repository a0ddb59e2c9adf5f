/**
 * Where each member of a PriorityBuckets sits: one number per token. An ordering with few members
 * (a tag's) keeps a map of its own: a `Map<string, number>` is a SlotTable as it is. The orderings
 * of a pool (one per mode) all hold nearly every account of the pool, and a map entry costs ≈ 68
 * bytes at 100k: they share one number per member instead (`MemberNumbers`) and keep their slots
 * in typed arrays indexed by it, 8 bytes a member each (≈ 100 bytes per account less with three
 * modes in use).
 */
export interface SlotTable {
  readonly size: number;
  get(token: string): number | undefined;
  set(token: string, slot: number): void;
  delete(token: string): void;
}

/** A number per member of one pool, reused once the member leaves; the tables of the pool's orderings are indexed by it. */
export class MemberNumbers {
  private readonly numbers = new Map<string, number>();
  private readonly free: number[] = [];
  private readonly tables: DenseSlots[] = [];

  numberOf(token: string): number | undefined {
    return this.numbers.get(token);
  }

  assign(token: string): number {
    let number = this.numbers.get(token);
    if (number === undefined) {
      number = this.free.pop() ?? this.numbers.size;
      this.numbers.set(token, number);
    }
    return number;
  }

  /** The token left the pool (it is in none of the pool's orderings): its number goes to the next newcomer. */
  release(token: string): void {
    const number = this.numbers.get(token);
    if (number === undefined) return;
    // A slot left behind would seat the next newcomer in a bucket it never joined.
    if (this.tables.some((table) => table.get(token) !== undefined))
      throw new Error('a member left the pool while still in one of its orderings');
    this.numbers.delete(token);
    this.free.push(number);
  }

  /** A new table over these numbers. */
  table(): SlotTable {
    const table = new DenseSlots(this);
    this.tables.push(table);
    return table;
  }
}

/** Slots in a typed array indexed by the member's number; 0 means absent, so a slot is stored plus one. */
class DenseSlots implements SlotTable {
  private slots = new Float64Array(1024);
  private count = 0;

  constructor(private readonly numbers: MemberNumbers) {}

  get size(): number {
    return this.count;
  }

  get(token: string): number | undefined {
    const number = this.numbers.numberOf(token);
    const stored = number === undefined ? 0 : (this.slots[number] ?? 0);
    return stored === 0 ? undefined : stored - 1;
  }

  set(token: string, slot: number): void {
    const number = this.numbers.assign(token);
    if (number >= this.slots.length) {
      const grown = new Float64Array(Math.max(number + 1, this.slots.length * 2));
      grown.set(this.slots);
      this.slots = grown;
    }
    if (this.slots[number] === 0) this.count++;
    this.slots[number] = slot + 1;
  }

  delete(token: string): void {
    const number = this.numbers.numberOf(token);
    if (number === undefined || number >= this.slots.length || this.slots[number] === 0) return;
    this.slots[number] = 0;
    this.count--;
  }
}
