import type { FileIssue } from './errors.js';
import { refuseLine, type PlanEntry } from './plan.js';

/** Whether an entry is a line that changes nothing and says nothing: its line number and learner id are all there is to it. */
const isPlain = <C extends string>(entry: PlanEntry<C>): boolean =>
  entry.action === 'unchanged' && entry.ops === undefined && entry.message === undefined && entry.error === undefined && entry.matched === undefined;

/**
 * The lines of a plan, in file order, kept compact: a plain line (unchanged,
 * no operations, no message, no error) — most lines of a file imported again
 * — is its line number in a typed column and its learner id, not an object
 * of its own; every other line is its {@link PlanEntry}, the same object from
 * `push` to the end. Reading a plain line (`at`, iteration) builds a new
 * entry each time, so a plain line is changed only through {@link refuse}.
 * What it holds reads exactly as the array of entries it replaces.
 */
export class PlanLines<C extends string = never> implements Iterable<PlanEntry<C>> {
  private lineNumbers = new Int32Array(1024);
  private readonly ids: string[] = [];
  /** The entries of the lines that are not plain, by index. */
  private readonly kept = new Map<number, PlanEntry<C>>();

  /** The lines of `entries`, in their order. */
  static of<C extends string>(entries: Iterable<PlanEntry<C>>): PlanLines<C> {
    const lines = new PlanLines<C>();
    for (const entry of entries) lines.push(entry);
    return lines;
  }

  get length(): number {
    return this.ids.length;
  }

  /** Lines that are not plain. */
  get keptCount(): number {
    return this.kept.size;
  }

  /** Adds a line, done planning (a plain one is not kept as an object); returns its index. */
  push(entry: PlanEntry<C>): number {
    const index = this.ids.length;
    if (index === this.lineNumbers.length) {
      const grown = new Int32Array(index * 2);
      grown.set(this.lineNumbers);
      this.lineNumbers = grown;
    }
    this.lineNumbers[index] = entry.line;
    this.ids.push(entry.learnerId);
    if (!isPlain(entry)) this.kept.set(index, entry);
    return index;
  }

  /** The line at `index`: the kept entry, or a new entry of a plain line. */
  at(index: number): PlanEntry<C> {
    return this.kept.get(index) ?? { line: this.lineNumbers[index]!, learnerId: this.ids[index]!, action: 'unchanged' };
  }

  /** The kept entry of the line at `index`; undefined for a plain line. */
  keptAt(index: number): PlanEntry<C> | undefined {
    return this.kept.get(index);
  }

  line(index: number): number {
    return this.lineNumbers[index]!;
  }

  learnerId(index: number): string {
    return this.ids[index]!;
  }

  /** Marks the line at `index` refused (see `refuseLine`): a plain line is kept as an entry from then on. */
  refuse(index: number, error: FileIssue<C>): void {
    if (!(index >= 0 && index < this.ids.length)) throw new RangeError(`no line at index ${index} of ${this.ids.length}`);
    let entry = this.kept.get(index);
    if (!entry) {
      entry = { line: this.lineNumbers[index]!, learnerId: this.ids[index]!, action: 'unchanged' };
      this.kept.set(index, entry);
    }
    refuseLine(entry, error);
  }

  /** The kept entries in file order, with their indexes (the plain lines change nothing: what counts and checks need). */
  *keptInOrder(): Generator<[number, PlanEntry<C>]> {
    const indexes = [...this.kept.keys()].sort((a, b) => a - b);
    for (const index of indexes) yield [index, this.kept.get(index)!];
  }

  *[Symbol.iterator](): Generator<PlanEntry<C>> {
    for (let index = 0; index < this.ids.length; index++) yield this.at(index);
  }
}
