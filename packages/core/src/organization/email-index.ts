import type { LearnerTable } from './learner-table.js';
import type { EmailIndex } from './learners.js';

/**
 * The e-mail index of a {@link LearnerTable} as a map: normalized e-mail →
 * learner id. An entry is a row of the table, keyed by that learner's own
 * e-mail, so it follows the learner when their e-mail changes; it can only
 * point an address at the learner who has it.
 */
export class TableEmailIndex implements EmailIndex {
  constructor(private readonly table: LearnerTable) {}

  get size(): number {
    return this.table.emailCount;
  }

  get(normalizedEmail: string): string | undefined {
    const row = this.table.emailRow(normalizedEmail);
    return row < 0 ? undefined : this.table.idOfRow(row);
  }

  has(normalizedEmail: string): boolean {
    return this.table.emailRow(normalizedEmail) >= 0;
  }

  /** Points the address at the learner, whose e-mail must normalize to it (the fold sets the learner first). */
  set(normalizedEmail: string, learnerId: string): this {
    if (!this.table.pointEmail(normalizedEmail, learnerId)) {
      throw new Error(`The e-mail index points an address at the learner who has it: learner ${learnerId} does not have ${normalizedEmail}`);
    }
    return this;
  }

  delete(normalizedEmail: string): boolean {
    return this.table.unpointEmail(normalizedEmail);
  }

  entries(): MapIterator<[string, string]> {
    return this.table.emailEntries();
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.table.emailEntries()) yield key;
  }

  *values(): MapIterator<string> {
    for (const [, value] of this.table.emailEntries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.table.emailEntries()) callback.call(thisArg, value, key, this);
  }
}
