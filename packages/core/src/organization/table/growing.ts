import { PagedColumn, U32 } from './paged-column.js';

/**
 * A hash table of 32-bit slots (0: empty, linear probing) while it doubles:
 * the table it grows from and how far its entries have moved to the new one.
 * Entries move cluster by cluster from the old table's first empty slot, so
 * a key's whole cluster is in one of the two tables and its home slot in the
 * old table says which.
 */
export interface Growing {
  readonly old: PagedColumn<Uint32Array>;
  readonly oldMask: number;
  /** The first empty slot of the old table: moving starts there. */
  readonly from: number;
  /** The next old slot to move (moved: the slots from `from` up to here, wrapping). */
  next: number;
  /** Whether `next` has wrapped past the end of the old table. */
  wrapped: boolean;
}

/** Starts doubling `old` (a table of `oldMask + 1` slots, never full): the new, empty table, its mask, and the move. */
export const startGrowing = (old: PagedColumn<Uint32Array>, oldMask: number): { slots: PagedColumn<Uint32Array>; mask: number; growing: Growing } => {
  let from = 0;
  while (from <= oldMask && old.get(from) !== 0) from++;
  const capacity = (oldMask + 1) * 2;
  const slots = PagedColumn.empty(U32);
  slots.reserve(capacity);
  return { slots, mask: capacity - 1, growing: { old, oldMask, from, next: from, wrapped: false } };
};

/** Whether the old slot `home` has moved. A removal in the old table shifts entries within their cluster, never across the boundary. */
export const hasMoved = (growing: Growing, home: number): boolean => {
  const { from, next, wrapped } = growing;
  return wrapped ? home >= from || home < next : home >= from && home < next;
};

/**
 * Hands `place` the entries of at least `slots` old slots, up to the end of a
 * cluster; true once every old slot has moved.
 */
export const moveSlots = (growing: Growing, slots: number, place: (value: number) => void): boolean => {
  const { old, oldMask, from } = growing;
  for (let walked = 0; ; walked++) {
    const value = old.get(growing.next);
    // `next` rests on an empty slot (the end of the last cluster moved): at least that one is passed.
    if (value === 0 && walked > 0 && walked >= slots) return false;
    if (value !== 0) place(value);
    growing.next = (growing.next + 1) & oldMask;
    if (growing.next === 0) growing.wrapped = true;
    if (growing.next === from) return true;
  }
};
