import type { LearnerStatus } from '../events.js';

/** One learner as the decider sees it. An immutable value: a change is a new record. */
export interface LearnerRecord {
  readonly learnerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly employeeId: string | null;
  readonly status: LearnerStatus;
  readonly licenseId: string | null;
  /** Team ids, in the order they were joined. */
  readonly teams: readonly string[];
  /** The teams the last deactivation removed: what a reactivation restores. */
  readonly teamsBeforeDeactivation: readonly string[];
  readonly activityCount: number;
}

/** Some fields of a learner, to change together (the id never changes). */
export type LearnerPatch = Partial<Omit<LearnerRecord, 'learnerId'>>;

/**
 * An organization's learners by id: readable as a map (records are built
 * when asked for), written by the fold through the narrow methods below, so
 * that a change to one field writes that field alone.
 */
export interface Learners extends ReadonlyMap<string, LearnerRecord> {
  /** One field of a learner, without building the whole record (undefined: no such learner). */
  read<K extends keyof LearnerRecord>(learnerId: string, field: K): LearnerRecord[K] | undefined;
  /** How many learners are active and in team `teamId`, without building their records. */
  countActiveInTeam(teamId: string): number;
  /** Adds a learner, or replaces the one with the same id in its place. */
  add(record: LearnerRecord): void;
  /** Changes some fields of a learner; false when there is no such learner. */
  update(learnerId: string, patch: LearnerPatch): boolean;
  delete(learnerId: string): boolean;
}

/** Normalized e-mail (see `normalizeEmail`) → the id of the learner who has it. */
export interface EmailIndex extends ReadonlyMap<string, string> {
  set(normalizedEmail: string, learnerId: string): unknown;
  delete(normalizedEmail: string): boolean;
}


/** Learner id → an instant (UTC ISO), e.g. when an inactive learner became inactive. */
export interface InstantIndex extends ReadonlyMap<string, string> {
  set(learnerId: string, instant: string): unknown;
  delete(learnerId: string): boolean;
}
