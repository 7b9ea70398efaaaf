import { PagedColumn, U32 } from './paged-column.js';

/**
 * An open-addressing hash index from a key to a row number, linear probing.
 * It keeps no keys: the rows hold them (in the text arena), and a lookup
 * compares against the row. Each slot is 32 bits: the row + 1 in the low
 * {@link ROW_BITS} bits (0: empty) and 7 bits of the key's hash above them, so
 * a probe compares a key only when those bits agree (1 time in 128 otherwise).
 */
const ROW_BITS = 25;
/** The most rows an index can address. */
export const MAX_INDEXED_ROWS = (1 << ROW_BITS) - 2;
const ROW_MASK = (1 << ROW_BITS) - 1;
const MIN_CAPACITY = 1 << 12;
/** Grow when more than 3/4 of the slots are taken. */
const MAX_LOAD_NUMERATOR = 3;
const MAX_LOAD_DENOMINATOR = 4;

/** What the index needs from the table it indexes. */
export interface RowKeys {
  /** The 32-bit hash of the key `row` holds now. */
  hashOfRow(row: number): number;
}

/** Compares the key being looked up with the key of `row`. */
export type RowMatcher = (row: number) => boolean;

const tagOf = (hash: number): number => hash >>> ROW_BITS;

/** log2 of the groups {@link RowIndex.build} sorts entries into. */
const GROUP_BITS = 11;

/** Entry numbers `0..hashes.length-1` grouped by the top {@link GROUP_BITS} bits of their home slot (`hash & mask`): one pass of a counting sort. */
const groupedByHome = (hashes: Uint32Array, mask: number): Uint32Array => {
  const shift = Math.max(0, 32 - Math.clz32(mask) - GROUP_BITS);
  const counts = new Uint32Array((1 << GROUP_BITS) + 1);
  for (let i = 0; i < hashes.length; i++) counts[((hashes[i]! & mask) >>> shift) + 1]!++;
  for (let group = 1; group < counts.length; group++) counts[group]! += counts[group - 1]!;
  const order = new Uint32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) order[counts[(hashes[i]! & mask) >>> shift]!++] = i;
  return order;
};

export class RowIndex {
  private constructor(
    private slots: PagedColumn<Uint32Array>,
    private mask: number,
    private count: number,
  ) {}

  /** An empty index with room for `rows` rows before it grows. */
  static withRoomFor(rows: number): RowIndex {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD_NUMERATOR < rows * MAX_LOAD_DENOMINATOR) capacity *= 2;
    const slots = PagedColumn.empty(U32);
    slots.reserve(capacity);
    return new RowIndex(slots, capacity - 1, 0);
  }

  /**
   * An index of `rows` (keys hashed to `hashes`, in the same order), built
   * from scratch: the entries are first grouped by the range of 1/2048 of the
   * slots their home is in, then inserted group after group, so that the
   * inserts of a group probe a few kilobytes of slots rather than the whole
   * index at random. Undefined when `sameKey` finds two rows holding one key.
   */
  static build(rows: Uint32Array, hashes: Uint32Array, sameKey: (a: number, b: number) => boolean): RowIndex | undefined {
    const count = rows.length;
    if (count > MAX_INDEXED_ROWS + 1) throw new RangeError(`An organization holds at most ${MAX_INDEXED_ROWS} learners`);
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD_NUMERATOR < count * MAX_LOAD_DENOMINATOR) capacity *= 2;
    const mask = capacity - 1;
    const slots = new Uint32Array(capacity);
    const order = groupedByHome(hashes, mask);
    for (let i = 0; i < count; i++) {
      const entry = order[i]!;
      const hash = hashes[entry]!;
      const tag = tagOf(hash);
      for (let index = hash & mask; ; index = (index + 1) & mask) {
        const value = slots[index]!;
        if (value === 0) {
          slots[index] = ((tag << ROW_BITS) | (rows[entry]! + 1)) >>> 0;
          break;
        }
        if (value >>> ROW_BITS === tag && sameKey((value & ROW_MASK) - 1, rows[entry]!)) return undefined;
      }
    }
    return new RowIndex(PagedColumn.fromBytes(U32, new Uint8Array(slots.buffer), capacity), mask, count);
  }

  get size(): number {
    return this.count;
  }

  /** The row whose key matches, or -1. */
  find(hash: number, matches: RowMatcher): number {
    const slot = this.slotOf(hash, matches);
    return slot < 0 ? -1 : (this.slots.get(slot) & ROW_MASK) - 1;
  }

  /** Points the key at `row`, replacing the row it pointed at (returned; -1 when the key was not there). */
  set(hash: number, row: number, matches: RowMatcher, keys: RowKeys): number {
    if (row > MAX_INDEXED_ROWS) throw new RangeError(`An organization holds at most ${MAX_INDEXED_ROWS} learners`);
    // Grown first (even when the key is there), so one probe finds the key or the empty slot it goes to.
    if ((this.count + 1) * MAX_LOAD_DENOMINATOR > (this.mask + 1) * MAX_LOAD_NUMERATOR) this.grow(keys);
    const tag = tagOf(hash);
    const tagged = ((tag << ROW_BITS) | (row + 1)) >>> 0;
    for (let index = hash & this.mask; ; index = (index + 1) & this.mask) {
      const value = this.slots.get(index);
      if (value === 0) {
        this.slots.set(index, tagged);
        this.count++;
        return -1;
      }
      if (value >>> ROW_BITS === tag && matches((value & ROW_MASK) - 1)) {
        this.slots.set(index, tagged);
        return (value & ROW_MASK) - 1;
      }
    }
  }

  /** Removes the key; returns the row it pointed at, or -1. */
  remove(hash: number, matches: RowMatcher, keys: RowKeys): number {
    let hole = this.slotOf(hash, matches);
    if (hole < 0) return -1;
    const removed = (this.slots.get(hole) & ROW_MASK) - 1;
    // Backward-shift deletion: move later entries of the cluster into the hole when their home allows it.
    for (let next = (hole + 1) & this.mask; ; next = (next + 1) & this.mask) {
      const value = this.slots.get(next);
      if (value === 0) break;
      const home = keys.hashOfRow((value & ROW_MASK) - 1) & this.mask;
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (between) continue;
      this.slots.set(hole, value);
      hole = next;
    }
    this.slots.set(hole, 0);
    this.count--;
    return removed;
  }

  /** A copy that later changes to this index never reach. O(pages). */
  freeze(): RowIndex {
    return new RowIndex(this.slots.freeze(), this.mask, this.count);
  }

  /** Bytes the slots take. */
  get byteSize(): number {
    return this.slots.byteSize;
  }

  private slotOf(hash: number, matches: RowMatcher): number {
    const tag = tagOf(hash);
    for (let index = hash & this.mask; ; index = (index + 1) & this.mask) {
      const value = this.slots.get(index);
      if (value === 0) return -1;
      if (value >>> ROW_BITS === tag && matches((value & ROW_MASK) - 1)) return index;
    }
  }

  private grow(keys: RowKeys): void {
    const old = this.slots;
    const oldCapacity = this.mask + 1;
    const capacity = oldCapacity * 2;
    const slots = PagedColumn.empty(U32);
    slots.reserve(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < oldCapacity; i++) {
      const value = old.get(i);
      if (value === 0) continue;
      let index = keys.hashOfRow((value & ROW_MASK) - 1) & mask;
      while (slots.get(index) !== 0) index = (index + 1) & mask;
      slots.set(index, value);
    }
    this.slots = slots;
    this.mask = mask;
  }
}
