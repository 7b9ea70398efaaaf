import type { Connector, ImportCounts, ImportFormat, ImportLineRecord, ImportOptions, ImportSchedule, ProfileChanges, ActivityKind } from './events.js';

/**
 * Commands: what a caller asks for. Every command names its organization; the
 * organization is the consistency boundary (one stream each, see README).
 */

/** `removeFrom: 'all'` removes the learner from every team but the inactive one. */
export interface MoveOptions {
  /** The team to add the learner to; defaults to the organization's inactive team. */
  readonly addTo?: string;
  readonly removeFrom: 'all' | readonly string[];
}

export interface OnboardOrganization {
  readonly type: 'OnboardOrganization';
  readonly orgId: string;
  readonly name: string;
  readonly seats: number;
  /** IANA time zone, e.g. `America/Chicago`. Default `UTC`. */
  readonly timeZone?: string;
  readonly connector?: Connector;
  /** `null`: no inactive team (only for `oracle`/`workday` connector organizations). Default: "Inactive Learners". */
  readonly inactiveTeam?: { readonly name?: string; readonly teamId?: string } | null;
  /** Local time of the daily import run, `HH:mm`. Default `02:00`. */
  readonly dailyImportTime?: string;
}

export interface ResizeLicensePool {
  readonly type: 'ResizeLicensePool';
  readonly orgId: string;
  readonly seats: number;
}

export interface CreateTeam {
  readonly type: 'CreateTeam';
  readonly orgId: string;
  readonly name: string;
  /** Default: derived from the name (`Sales EMEA` → `sales-emea`). */
  readonly teamId?: string;
}

export interface RegisterLearner {
  readonly type: 'RegisterLearner';
  readonly orgId: string;
  readonly learnerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly employeeId?: string | null;
  /** Team ids to join. */
  readonly teams?: readonly string[];
  /** `false` registers the learner inactive, holding no license. Default `true`. */
  readonly active?: boolean;
}

export interface DeactivateLearners {
  readonly type: 'DeactivateLearners';
  readonly orgId: string;
  readonly learnerIds: readonly string[];
  /** The move step. `undefined`: the organization's policy (inactive team, remove from all). `null`: no move. */
  readonly move?: MoveOptions | null;
  readonly reason?: string;
  /** Apply the learners that can be, report the others, instead of rejecting the whole command. */
  readonly partial?: boolean;
}

export interface ReactivateLearner {
  readonly type: 'ReactivateLearner';
  readonly orgId: string;
  readonly learnerId: string;
  /** Teams to join; default: the teams the deactivation removed. */
  readonly teams?: readonly string[];
}

export interface ScheduleDeactivation {
  readonly type: 'ScheduleDeactivation';
  readonly orgId: string;
  readonly scheduleId: string;
  readonly learnerIds: readonly string[];
  /** ISO instant, or an ISO date (`2026-06-30`) read as the start of that day in the organization's time zone. */
  readonly effectiveAt: string;
  readonly move?: MoveOptions | null;
  readonly reason?: string;
}

export interface CancelScheduledDeactivation {
  readonly type: 'CancelScheduledDeactivation';
  readonly orgId: string;
  readonly scheduleId: string;
  readonly reason?: string;
}

/** Applies every scheduled deactivation due at `now` (the `process due work` step). */
export interface ProcessDueDeactivations {
  readonly type: 'ProcessDueDeactivations';
  readonly orgId: string;
}

export interface ChangeTeamMembership {
  readonly type: 'ChangeTeamMembership';
  readonly orgId: string;
  readonly learnerId: string;
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

export interface UpdateLearnerProfile {
  readonly type: 'UpdateLearnerProfile';
  readonly orgId: string;
  readonly learnerId: string;
  readonly changes: ProfileChanges;
}

export interface RecordActivity {
  readonly type: 'RecordActivity';
  readonly orgId: string;
  readonly learnerId: string;
  readonly activityId: string;
  readonly kind: ActivityKind;
  readonly courseId: string;
  /** When it happened, if not now. */
  readonly at?: string;
}

/**
 * Erases an inactive learner's personal data (name, e-mail, employee id) once
 * the organization's retention period has passed since they became inactive.
 * Their counts, teams and audit lines stay.
 */
export interface EraseLearnerPersonalData {
  readonly type: 'EraseLearnerPersonalData';
  readonly orgId: string;
  readonly learnerId: string;
  /** Why (a request, a retention policy): recorded with the erasure. */
  readonly reason: string;
}

/** Sets how many days an inactive learner's personal data is kept before it may be erased. */
export interface SetRetentionPeriod {
  readonly type: 'SetRetentionPeriod';
  readonly orgId: string;
  readonly days: number;
}

/** One line of an import, already planned: what it asks of one learner. */
export type ImportOperation =
  | ({ readonly op: 'register'; readonly line: number } & Omit<RegisterLearner, 'type' | 'orgId'>)
  | ({ readonly op: 'deactivate'; readonly line: number; readonly learnerId: string; readonly reason?: string; readonly move?: MoveOptions | null })
  | ({ readonly op: 'reactivate'; readonly line: number; readonly learnerId: string; readonly teams?: readonly string[] })
  | ({ readonly op: 'update'; readonly line: number; readonly learnerId: string; readonly changes: ProfileChanges; readonly add?: readonly string[] })
  | ({
      readonly op: 'schedule';
      readonly line: number;
      readonly learnerId: string;
      readonly scheduleId: string;
      readonly effectiveAt: string;
      readonly reason?: string;
      readonly move?: MoveOptions | null;
    });

export interface RecordImportReceived {
  readonly type: 'RecordImportReceived';
  readonly orgId: string;
  readonly importId: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly format: ImportFormat;
  readonly targetTeamId: string;
  readonly rowCount: number;
  readonly schedule: ImportSchedule;
  readonly dueAt: string;
  readonly options: ImportOptions;
  readonly location?: string;
}

/**
 * A batch of planned import lines applied as one decision. Each line's events
 * carry its line number; `lines` is the per-line audit written with them.
 */
export interface ApplyImportBatch {
  readonly type: 'ApplyImportBatch';
  readonly orgId: string;
  readonly importId: string;
  readonly operations: readonly ImportOperation[];
  readonly lines: readonly ImportLineRecord[];
  readonly partial?: boolean;
}

export interface FinishImport {
  readonly type: 'FinishImport';
  readonly orgId: string;
  readonly importId: string;
  readonly sha256: string;
  readonly outcome: { readonly applied: true; readonly counts: ImportCounts } | { readonly applied: false; readonly code: string; readonly message: string; readonly counts?: ImportCounts };
  /** Lines recorded in the same append (for rejections and unchanged lines). */
  readonly lines?: readonly ImportLineRecord[];
}

/** Issues a bearer token to an identity provider's SCIM client; the organization keeps only its digest. */
export interface IssueScimToken {
  readonly type: 'IssueScimToken';
  readonly orgId: string;
  readonly tokenId: string;
  /** The client's name, the actor of the changes it makes (`okta`, `entra`). */
  readonly client: string;
  /** Hex SHA-256 of the token. */
  readonly sha256: string;
}

/** Revokes a SCIM token by its id, or every token of a client by the client's name. */
export interface RevokeScimToken {
  readonly type: 'RevokeScimToken';
  readonly orgId: string;
  /** A token id, or a client name (all of its tokens). */
  readonly token: string;
}

/**
 * An administrator's release of the SCIM mass-deactivation guard: ends a
 * hold and starts the hour's count again. `forMinutes`: SCIM deactivations
 * pass the guard for that long; `count`: that many more pass it (at most
 * one of the two).
 */
export interface AllowScimDeactivations {
  readonly type: 'AllowScimDeactivations';
  readonly orgId: string;
  readonly forMinutes?: number;
  readonly count?: number;
}

export type Command =
  | OnboardOrganization
  | ResizeLicensePool
  | CreateTeam
  | RegisterLearner
  | DeactivateLearners
  | ReactivateLearner
  | ScheduleDeactivation
  | CancelScheduledDeactivation
  | ProcessDueDeactivations
  | ChangeTeamMembership
  | UpdateLearnerProfile
  | RecordActivity
  | EraseLearnerPersonalData
  | SetRetentionPeriod
  | RecordImportReceived
  | ApplyImportBatch
  | FinishImport
  | IssueScimToken
  | RevokeScimToken
  | AllowScimDeactivations;

export type CommandType = Command['type'];
