import type { CommandField, ErrorCode } from '../errors.js';

/** Why a subject was skipped, or a note on an applied one: the codes of outcomes that are not errors. */
export const OUTCOME_NOTES = [
  /** Deactivation of a learner who is inactive already: nothing to do. */
  'ALREADY_INACTIVE',
  /** Reactivation of a learner who is active already: nothing to do. */
  'ALREADY_ACTIVE',
  /** The command asks for what is already so (same seats, same teams, same profile). */
  'UNCHANGED',
  /** Applied without the move step: a connector organization has no inactive team. */
  'MOVE_SKIPPED',
  /** Cancelling a scheduled deactivation that was cancelled already. */
  'CANCELLED',
  /** Cancelling a scheduled deactivation that has already taken effect. */
  'COMPLETED',
  /** Erasing a learner whose personal data is erased already. */
  'ALREADY_ERASED',
] as const;

export type OutcomeNote = (typeof OUTCOME_NOTES)[number];

/** The code of an outcome: a note, or the error that refused or skipped the subject. */
export type OutcomeCode = ErrorCode | OutcomeNote;

/** What a command did to one subject. */
export const OUTCOME_ACTIONS = [
  'onboard',
  'resize',
  'create-team',
  'register',
  'deactivate',
  'scheduled-deactivate',
  'reactivate',
  'change-teams',
  'update',
  'record-activity',
  'schedule',
  'cancel-schedule',
  'complete-schedule',
  'receive-import',
  'finish-import',
  'reject-import',
  'issue-token',
  'revoke-token',
  'erase',
  'set-retention',
  'allow-deactivations',
] as const;

export type OutcomeAction = (typeof OUTCOME_ACTIONS)[number];

/** What an applied outcome changed, so callers need not search the events for it. */
export interface OutcomeEffects {
  /** The license the learner was given (registered active, reactivated). */
  readonly licenseAssigned?: string;
  /** The license returned to the pool (deactivated). */
  readonly licenseReleased?: string;
  /** Teams joined; set, with `removedFrom`, whenever the learner's memberships changed. */
  readonly addedTo?: readonly string[];
  /** Teams left; set, with `addedTo`, whenever the learner's memberships changed. */
  readonly removedFrom?: readonly string[];
  /** The teams a reactivation joins: those the deactivation removed, or the ones asked for. */
  readonly restoredTeams?: readonly string[];
  /** When a scheduled deactivation takes effect (UTC instant). */
  readonly scheduledFor?: string;
  /** A completed schedule: the learners it deactivated. */
  readonly deactivated?: readonly string[];
  /** A completed schedule: the learners it left alone (already inactive, or no longer there). */
  readonly skipped?: readonly string[];
}

interface OutcomeOf<S extends string> {
  /** The learner, team, schedule, import or organization id (the learner ids, joined by commas, of a new schedule). */
  readonly subject: string;
  readonly action: OutcomeAction;
  readonly status: S;
  readonly message?: string;
  /** The import line the subject came from. */
  readonly line?: number;
}

export interface AppliedOutcome extends OutcomeOf<'applied'> {
  readonly code?: OutcomeNote;
  readonly effects?: OutcomeEffects;
}

export interface SkippedOutcome extends OutcomeOf<'skipped'> {
  readonly code: OutcomeCode;
}

/** A subject refused inside a `partial` command: the error's code, message, field and value. */
export interface RejectedOutcome extends OutcomeOf<'rejected'> {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: CommandField;
  readonly value?: string;
}

/** What happened to one subject (learner, team, schedule, import) of a command. */
export type Outcome = AppliedOutcome | SkippedOutcome | RejectedOutcome;
