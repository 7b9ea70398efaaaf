import type { LearnerPatch, LearnerRecord, Learners } from './learners.js';

const DELETED = Symbol('deleted');

/**
 * Learners that read through to a base and keep their own changes apart:
 * what a decision folds its events onto without touching (or copying) the
 * state it was given. O(1) per read and write, memory O(learners changed).
 * Iterates in the base's order, changed learners in their place, new ones
 * after.
 */
export class LearnerDraft implements Learners {
  private readonly changes = new Map<string, LearnerRecord | typeof DELETED>();
  private sizeChange = 0;

  constructor(private readonly base: Learners) {}

  get size(): number {
    return this.base.size + this.sizeChange;
  }

  has(learnerId: string): boolean {
    const changed = this.changes.get(learnerId);
    if (changed !== undefined) return changed !== DELETED;
    return this.base.has(learnerId);
  }

  get(learnerId: string): LearnerRecord | undefined {
    const changed = this.changes.get(learnerId);
    if (changed !== undefined) return changed === DELETED ? undefined : changed;
    return this.base.get(learnerId);
  }

  read<K extends keyof LearnerRecord>(learnerId: string, field: K): LearnerRecord[K] | undefined {
    const changed = this.changes.get(learnerId);
    if (changed !== undefined) return changed === DELETED ? undefined : changed[field];
    return this.base.read(learnerId, field);
  }

  countActiveInTeam(teamId: string): number {
    let count = this.base.countActiveInTeam(teamId);
    const counts = (learner: LearnerRecord | undefined): boolean => learner !== undefined && learner.status === 'active' && learner.teams.includes(teamId);
    // The changed learners count as they are now, not as the base has them.
    for (const [learnerId, changed] of this.changes) {
      if (counts(this.base.get(learnerId))) count--;
      if (changed !== DELETED && counts(changed)) count++;
    }
    return count;
  }

  add(record: LearnerRecord): void {
    if (!this.has(record.learnerId)) this.sizeChange++;
    this.changes.set(record.learnerId, record);
  }

  update(learnerId: string, patch: LearnerPatch): boolean {
    const current = this.get(learnerId);
    if (current === undefined) return false;
    this.changes.set(learnerId, { ...current, ...patch });
    return true;
  }

  delete(learnerId: string): boolean {
    const existed = this.has(learnerId);
    if (existed) this.sizeChange--;
    this.changes.set(learnerId, DELETED);
    return existed;
  }

  *entries(): MapIterator<[string, LearnerRecord]> {
    for (const [key, value] of this.base.entries()) {
      const changed = this.changes.get(key);
      if (changed === undefined) yield [key, value];
      else if (changed !== DELETED) yield [key, changed];
    }
    for (const [key, changed] of this.changes) {
      if (changed !== DELETED && !this.base.has(key)) yield [key, changed];
    }
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<LearnerRecord> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, LearnerRecord]> {
    return this.entries();
  }

  forEach(callback: (value: LearnerRecord, key: string, map: ReadonlyMap<string, LearnerRecord>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
