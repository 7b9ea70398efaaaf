import { type Growing, hasMoved, moveSlots, startGrowing } from './growing.js';
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

/**
 * Slots of the old table a write moves on while the index grows: the new
 * table (twice the size) takes another 3/4 of its old size in entries
 * before it grows in turn, so 2 would do; 8 leaves room for removals.
 */
const MOVE_SLOTS_PER_WRITE = 8;

/** How small the table starts and how many old slots a write moves while it grows (at least to the end of a cluster). */
export interface IndexSizing {
  /** A power of two. */
  readonly minCapacity: number;
  readonly moveSlotsPerWrite: number;
}

const DEFAULT_SIZING: IndexSizing = { minCapacity: MIN_CAPACITY, moveSlotsPerWrite: MOVE_SLOTS_PER_WRITE };

export class RowIndex {
  private constructor(
    private slots: PagedColumn<Uint32Array>,
    private mask: number,
    private count: number,
    private readonly sizing: IndexSizing = DEFAULT_SIZING,
    private growing: Growing | undefined = undefined,
  ) {}

  /** An empty index with room for `rows` rows before it grows. `sizing`: for tests that make the index grow often and slowly. */
  static withRoomFor(rows: number, sizing: IndexSizing = DEFAULT_SIZING): RowIndex {
    let capacity = sizing.minCapacity;
    while (capacity * MAX_LOAD_NUMERATOR < rows * MAX_LOAD_DENOMINATOR) capacity *= 2;
    const slots = PagedColumn.empty(U32);
    slots.reserve(capacity);
    return new RowIndex(slots, capacity - 1, 0, sizing);
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
    const slot = this.slotOf(this.slots, this.mask, hash, matches);
    if (slot >= 0) return (this.slots.get(slot) & ROW_MASK) - 1;
    const growing = this.growing;
    if (growing === undefined || hasMoved(growing, hash & growing.oldMask)) return -1;
    const old = this.slotOf(growing.old, growing.oldMask, hash, matches);
    return old < 0 ? -1 : (growing.old.get(old) & ROW_MASK) - 1;
  }

  /** Points the key at `row`, replacing the row it pointed at (returned; -1 when the key was not there). */
  set(hash: number, row: number, matches: RowMatcher, keys: RowKeys): number {
    if (row > MAX_INDEXED_ROWS) throw new RangeError(`An organization holds at most ${MAX_INDEXED_ROWS} learners`);
    this.moveOn(keys);
    // Grown first (even when the key is there), so one probe finds the key or the empty slot it goes to.
    if ((this.count + 1) * MAX_LOAD_DENOMINATOR > (this.mask + 1) * MAX_LOAD_NUMERATOR) this.grow(keys);
    const tag = tagOf(hash);
    const tagged = ((tag << ROW_BITS) | (row + 1)) >>> 0;
    for (let index = hash & this.mask; ; index = (index + 1) & this.mask) {
      const value = this.slots.get(index);
      if (value === 0) {
        // A key not yet moved out of the old table moves now, to the slot found for it.
        const before = this.takeFromOld(hash, matches, keys);
        this.slots.set(index, tagged);
        if (before < 0) this.count++;
        return before;
      }
      if (value >>> ROW_BITS === tag && matches((value & ROW_MASK) - 1)) {
        this.slots.set(index, tagged);
        return (value & ROW_MASK) - 1;
      }
    }
  }

  /** Removes the key; returns the row it pointed at, or -1. */
  remove(hash: number, matches: RowMatcher, keys: RowKeys): number {
    this.moveOn(keys);
    const removed = this.removeFrom(this.slots, this.mask, hash, matches, keys);
    const gone = removed >= 0 ? removed : this.takeFromOld(hash, matches, keys);
    if (gone >= 0) this.count--;
    return gone;
  }

  /** A copy that later changes to this index never reach. O(pages). */
  freeze(): RowIndex {
    const growing = this.growing;
    return new RowIndex(this.slots.freeze(), this.mask, this.count, this.sizing, growing && { ...growing, old: growing.old.freeze() });
  }

  /** Bytes the slots take (both tables while the index grows). */
  get byteSize(): number {
    return this.slots.byteSize + (this.growing?.old.byteSize ?? 0);
  }

  private slotOf(slots: PagedColumn<Uint32Array>, mask: number, hash: number, matches: RowMatcher): number {
    const tag = tagOf(hash);
    for (let index = hash & mask; ; index = (index + 1) & mask) {
      const value = slots.get(index);
      if (value === 0) return -1;
      if (value >>> ROW_BITS === tag && matches((value & ROW_MASK) - 1)) return index;
    }
  }

  /** Removes the key from `slots`, shifting later entries of its cluster back (within the cluster); returns its row or -1. */
  private removeFrom(slots: PagedColumn<Uint32Array>, mask: number, hash: number, matches: RowMatcher, keys: RowKeys): number {
    let hole = this.slotOf(slots, mask, hash, matches);
    if (hole < 0) return -1;
    const removed = (slots.get(hole) & ROW_MASK) - 1;
    // Backward-shift deletion: move later entries of the cluster into the hole when their home allows it.
    for (let next = (hole + 1) & mask; ; next = (next + 1) & mask) {
      const value = slots.get(next);
      if (value === 0) break;
      const home = keys.hashOfRow((value & ROW_MASK) - 1) & mask;
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (between) continue;
      slots.set(hole, value);
      hole = next;
    }
    slots.set(hole, 0);
    return removed;
  }

  /** Removes the key from the old table when it is still there (its cluster not moved yet); returns its row or -1. */
  private takeFromOld(hash: number, matches: RowMatcher, keys: RowKeys): number {
    const growing = this.growing;
    if (growing === undefined || hasMoved(growing, hash & growing.oldMask)) return -1;
    return this.removeFrom(growing.old, growing.oldMask, hash, matches, keys);
  }

  /** Moves at least `moveSlotsPerWrite` old slots into the table, up to the end of a cluster (see growing.ts). */
  private moveOn(keys: RowKeys): void {
    if (this.growing === undefined) return;
    const done = moveSlots(this.growing, this.sizing.moveSlotsPerWrite, (value) => {
      let index = keys.hashOfRow((value & ROW_MASK) - 1) & this.mask;
      while (this.slots.get(index) !== 0) index = (index + 1) & this.mask;
      this.slots.set(index, value);
    });
    if (done) this.growing = undefined;
  }

  /**
   * Doubles the table. The entries move over the next writes, a few slots
   * each ({@link RowIndex.moveOn}), not all at once: at a million learners
   * moving them in one go held one command up for a second or more.
   */
  private grow(keys: RowKeys): void {
    while (this.growing !== undefined) this.moveOn(keys);
    // A table grows before it is full, so it has an empty slot to start from.
    ({ slots: this.slots, mask: this.mask, growing: this.growing } = startGrowing(this.slots, this.mask));
  }

}
