import type { LearnerTable } from './learner-table.js';
import type { InstantIndex } from './learners.js';

/**
 * When each inactive learner of a {@link LearnerTable} became inactive, as a
 * map: learner id → instant. An entry is a cell of the learner's row, so it
 * costs no object of its own; only a learner of the table can have one.
 */
export class TableInactiveSince implements InstantIndex {
  constructor(private readonly table: LearnerTable) {}

  get size(): number {
    return this.table.inactiveSinceCount;
  }

  get(learnerId: string): string | undefined {
    return this.table.inactiveSince(learnerId);
  }

  has(learnerId: string): boolean {
    return this.table.inactiveSince(learnerId) !== undefined;
  }

  /** Keeps the instant for the learner, who must be in the table (the fold sets the learner first). */
  set(learnerId: string, instant: string): this {
    if (!this.table.keepInactiveSince(learnerId, instant)) throw new Error(`An instant is kept for a learner of the organization: there is no learner ${learnerId}`);
    return this;
  }

  delete(learnerId: string): boolean {
    return this.table.keepInactiveSince(learnerId, undefined);
  }

  entries(): MapIterator<[string, string]> {
    return this.table.inactiveSinceEntries();
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.table.inactiveSinceEntries()) yield key;
  }

  *values(): MapIterator<string> {
    for (const [, value] of this.table.inactiveSinceEntries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.table.inactiveSinceEntries()) callback.call(thisArg, value, key, this);
  }
}
