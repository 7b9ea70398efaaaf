import * as t from 'io-ts';
import { EntityIdCodec, OrgIdCodec } from './ids.js';
import { isTimeOfDay } from './validation.js';

/*
 * Every event is defined once, here, as an io-ts codec; its TypeScript type is
 * derived from the codec. Each codec is tied to a schema version. Older
 * versions stay defined so stored events keep loading, and are upcast to the
 * current shape on read (see serialization.ts).
 */

const NonNegativeInt = new t.Type<number, number, unknown>(
  'NonNegativeInt',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c, 'a whole number ≥ 0')),
  t.identity,
);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
/** An ISO-8601 instant in UTC, e.g. `2026-03-31T23:59:59.999Z`. */
export const IsoInstant = new t.Type<string, string, unknown>(
  'IsoInstant',
  (u): u is string => typeof u === 'string' && ISO_INSTANT.test(u) && !Number.isNaN(Date.parse(u)),
  (u, c) =>
    typeof u === 'string' && ISO_INSTANT.test(u) && !Number.isNaN(Date.parse(u))
      ? t.success(u)
      : t.failure(u, c, 'an ISO-8601 UTC instant like 2026-03-31T12:00:00Z'),
  t.identity,
);
export const LocalTimeOfDay = new t.Type<string, string, unknown>(
  'LocalTimeOfDay',
  (u): u is string => typeof u === 'string' && isTimeOfDay(u),
  (u, c) => (typeof u === 'string' && isTimeOfDay(u) ? t.success(u) : t.failure(u, c, 'a time of day HH:mm')),
  t.identity,
);
const Text = t.string;
const Sha256 = new t.Type<string, string, unknown>(
  'Sha256',
  (u): u is string => typeof u === 'string' && /^[0-9a-f]{64}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[0-9a-f]{64}$/.test(u) ? t.success(u) : t.failure(u, c, 'a SHA-256 hex digest')),
  t.identity,
);

export const Connector = t.keyof({ none: null, oracle: null, workday: null });
export type Connector = t.TypeOf<typeof Connector>;
export const TeamKind = t.keyof({ standard: null, inactive: null });
export type TeamKind = t.TypeOf<typeof TeamKind>;
export const LearnerStatus = t.keyof({ active: null, inactive: null });
export type LearnerStatus = t.TypeOf<typeof LearnerStatus>;
export const ImportFormat = t.keyof({ 'data-services': null, 'learner-page': null });
export type ImportFormat = t.TypeOf<typeof ImportFormat>;

/** Where a deactivation moves the learner: into the inactive team, out of all (or some) others. */
export const MoveInstruction = t.type({
  addTo: EntityIdCodec,
  removeFrom: t.union([t.literal('all'), t.array(EntityIdCodec)]),
});
export type MoveInstruction = t.TypeOf<typeof MoveInstruction>;

const event = <T extends string, P extends t.Mixed>(type: T, data: P) =>
  t.type({ type: t.literal(type), data }, type);

// ---------------------------------------------------------------- organization

export const OrganizationOnboardedV1 = event(
  'OrganizationOnboarded',
  t.type({
    orgId: OrgIdCodec,
    name: Text,
    seats: NonNegativeInt,
    timeZone: Text,
    connector: Connector,
    inactiveTeamId: t.union([EntityIdCodec, t.null]),
    dailyImportTime: LocalTimeOfDay,
  }),
);
export const LicensePoolResizedV1 = event('LicensePoolResized', t.type({ seats: NonNegativeInt, previousSeats: NonNegativeInt }));
export const TeamCreatedV1 = event('TeamCreated', t.type({ teamId: EntityIdCodec, name: Text, kind: TeamKind }));

// ---------------------------------------------------------------- learners

export const LearnerRegisteredV1 = event(
  'LearnerRegistered',
  t.type({
    learnerId: EntityIdCodec,
    email: Text,
    firstName: Text,
    lastName: Text,
    employeeId: t.union([Text, t.null]),
    status: LearnerStatus,
  }),
);
export const LicenseAssignedV1 = event('LicenseAssigned', t.type({ learnerId: EntityIdCodec, licenseId: EntityIdCodec }));
export const LicenseReleasedV1 = event(
  'LicenseReleased',
  t.intersection([t.type({ learnerId: EntityIdCodec }), t.partial({ licenseId: EntityIdCodec })]),
);
export const TeamMembershipChangedV1 = event(
  'TeamMembershipChanged',
  t.type({ learnerId: EntityIdCodec, added: t.array(EntityIdCodec), removed: t.array(EntityIdCodec) }),
);
/** Version 1 did not record which teams the move removed, so a reactivation could not restore them. */
export const LearnerDeactivatedV1 = event(
  'LearnerDeactivated',
  t.intersection([t.type({ learnerId: EntityIdCodec }), t.partial({ reason: Text })]),
);
export const LearnerDeactivatedV2 = event(
  'LearnerDeactivated',
  t.intersection([
    t.type({ learnerId: EntityIdCodec, removedTeams: t.array(EntityIdCodec) }),
    t.partial({ reason: Text, scheduleId: EntityIdCodec }),
  ]),
);
export const LearnerReactivatedV1 = event(
  'LearnerReactivated',
  t.type({ learnerId: EntityIdCodec, restoredTeams: t.array(EntityIdCodec) }),
);
export const ProfileChanges = t.partial({ email: Text, firstName: Text, lastName: Text, employeeId: t.union([Text, t.null]) });
export type ProfileChanges = t.TypeOf<typeof ProfileChanges>;
export const LearnerProfileUpdatedV1 = event('LearnerProfileUpdated', t.type({ learnerId: EntityIdCodec, changes: ProfileChanges }));
export const ActivityKind = t.keyof({ assignment: null, completion: null });
export type ActivityKind = t.TypeOf<typeof ActivityKind>;
export const ActivityRecordedV1 = event(
  'ActivityRecorded',
  t.intersection([
    t.type({ learnerId: EntityIdCodec, activityId: EntityIdCodec, kind: ActivityKind, courseId: EntityIdCodec }),
    t.partial({ at: IsoInstant }),
  ]),
);

/**
 * A learner's personal data (name, e-mail, employee id) was erased: their key
 * is shredded, so every event that holds it sealed reads as erased; counts,
 * teams and the audit trail stay.
 */
export const LearnerPersonalDataErasedV1 = event('LearnerPersonalDataErased', t.type({ learnerId: EntityIdCodec, reason: Text }));
/** How many days an inactive learner's personal data is kept before it may be erased (0: no wait). */
export const RetentionPeriodSetV1 = event('RetentionPeriodSet', t.type({ days: NonNegativeInt, previousDays: NonNegativeInt }));

// ---------------------------------------------------------------- scheduled deactivation

export const DeactivationScheduledV1 = event(
  'DeactivationScheduled',
  t.intersection([
    t.type({
      scheduleId: EntityIdCodec,
      learnerIds: t.array(EntityIdCodec),
      effectiveAt: IsoInstant,
      move: t.union([MoveInstruction, t.null]),
    }),
    t.partial({ reason: Text }),
  ]),
);
export const ScheduledDeactivationCancelledV1 = event(
  'ScheduledDeactivationCancelled',
  t.intersection([t.type({ scheduleId: EntityIdCodec }), t.partial({ reason: Text })]),
);
export const ScheduledDeactivationCompletedV1 = event(
  'ScheduledDeactivationCompleted',
  t.type({ scheduleId: EntityIdCodec, deactivated: t.array(EntityIdCodec), skipped: t.array(EntityIdCodec) }),
);

// ---------------------------------------------------------------- imports (audit)

export const ImportCounts = t.intersection([
  t.type({
    registered: NonNegativeInt,
    deactivated: NonNegativeInt,
    reactivated: NonNegativeInt,
    updated: NonNegativeInt,
    unchanged: NonNegativeInt,
    skipped: NonNegativeInt,
    errors: NonNegativeInt,
  }),
  /** Lines that scheduled a future deactivation (`Deactivation Date`). */
  t.partial({ scheduled: NonNegativeInt }),
]);
export type ImportCounts = t.TypeOf<typeof ImportCounts>;
export const ImportOptions = t.intersection([
  t.type({
    partial: t.boolean,
    fullSync: t.boolean,
    allowMassDeactivation: t.boolean,
    move: t.boolean,
  }),
  /** Lines whose ids a spreadsheet changed are matched to their learner (absent: refused with a repair hint). */
  t.partial({ matchMangledIds: t.boolean }),
]);
export type ImportOptions = t.TypeOf<typeof ImportOptions>;
export const ImportSchedule = t.keyof({ now: null, 'top-of-hour': null, daily: null });
export type ImportSchedule = t.TypeOf<typeof ImportSchedule>;

export const ImportReceivedV1 = event(
  'ImportReceived',
  t.intersection([
    t.type({
      importId: EntityIdCodec,
      fileName: Text,
      sha256: Sha256,
      format: ImportFormat,
      targetTeamId: EntityIdCodec,
      rowCount: NonNegativeInt,
      schedule: ImportSchedule,
      dueAt: IsoInstant,
      options: ImportOptions,
    }),
    t.partial({ location: Text }),
  ]),
);
export const ImportLineAction = t.keyof({
  register: null,
  deactivate: null,
  reactivate: null,
  update: null,
  schedule: null,
  unchanged: null,
  skipped: null,
  error: null,
});
export type ImportLineAction = t.TypeOf<typeof ImportLineAction>;
/** `line` 0: a learner the file does not list (deactivated by a full-sync import). */
export const ImportLineRecord = t.intersection([
  t.type({ line: NonNegativeInt, learnerId: t.string, action: ImportLineAction }),
  t.partial({ code: t.string, column: t.string, message: t.string }),
]);
export type ImportLineRecord = t.TypeOf<typeof ImportLineRecord>;
/** Per-line outcomes of an import, written in chunks beside the batches they describe. */
export const ImportLinesRecordedV1 = event('ImportLinesRecorded', t.type({ importId: EntityIdCodec, lines: t.array(ImportLineRecord) }));
export const ImportAppliedV1 = event(
  'ImportApplied',
  t.type({ importId: EntityIdCodec, sha256: Sha256, counts: ImportCounts }),
);
export const ImportRejectedV1 = event(
  'ImportRejected',
  t.intersection([
    t.type({ importId: EntityIdCodec, sha256: Sha256, code: t.string, message: t.string }),
    t.partial({ counts: ImportCounts }),
  ]),
);

// ---------------------------------------------------------------- provisioning clients

/** A SCIM client's bearer token was issued: kept as its SHA-256 digest only, never the token. */
export const ScimTokenIssuedV1 = event('ScimTokenIssued', t.type({ tokenId: EntityIdCodec, client: Text, sha256: Sha256 }));
export const ScimTokenRevokedV1 = event('ScimTokenRevoked', t.type({ tokenId: EntityIdCodec }));
/**
 * The mass-deactivation guard held SCIM deactivations: `learnerIds` were
 * refused, because with the `deactivations` SCIM already applied within the
 * hour they would pass `limit` of the `activeLearners` the hour started
 * with. Recorded once per hold; the hold lasts until an administrator allows.
 */
export const ScimDeactivationsHeldV1 = event(
  'ScimDeactivationsHeld',
  t.type({
    learnerIds: t.array(EntityIdCodec),
    deactivations: NonNegativeInt,
    activeLearners: NonNegativeInt,
    limit: t.type({ share: t.number, minimum: NonNegativeInt }),
  }),
);
/**
 * An administrator released the guard: a hold ends and the hour's count
 * starts again; with `until`, SCIM deactivations pass the guard until that
 * instant; with `count`, that many more pass it.
 */
export const ScimDeactivationsAllowedV1 = event('ScimDeactivationsAllowed', t.partial({ until: IsoInstant, count: NonNegativeInt }));

/** The codec of every event type at its current schema version. */
export const CURRENT_EVENT_CODECS = {
  OrganizationOnboarded: { version: 1, codec: OrganizationOnboardedV1 },
  LicensePoolResized: { version: 1, codec: LicensePoolResizedV1 },
  TeamCreated: { version: 1, codec: TeamCreatedV1 },
  LearnerRegistered: { version: 1, codec: LearnerRegisteredV1 },
  LicenseAssigned: { version: 1, codec: LicenseAssignedV1 },
  LicenseReleased: { version: 1, codec: LicenseReleasedV1 },
  TeamMembershipChanged: { version: 1, codec: TeamMembershipChangedV1 },
  LearnerDeactivated: { version: 2, codec: LearnerDeactivatedV2 },
  LearnerReactivated: { version: 1, codec: LearnerReactivatedV1 },
  LearnerProfileUpdated: { version: 1, codec: LearnerProfileUpdatedV1 },
  ActivityRecorded: { version: 1, codec: ActivityRecordedV1 },
  LearnerPersonalDataErased: { version: 1, codec: LearnerPersonalDataErasedV1 },
  RetentionPeriodSet: { version: 1, codec: RetentionPeriodSetV1 },
  DeactivationScheduled: { version: 1, codec: DeactivationScheduledV1 },
  ScheduledDeactivationCancelled: { version: 1, codec: ScheduledDeactivationCancelledV1 },
  ScheduledDeactivationCompleted: { version: 1, codec: ScheduledDeactivationCompletedV1 },
  ImportReceived: { version: 1, codec: ImportReceivedV1 },
  ImportLinesRecorded: { version: 1, codec: ImportLinesRecordedV1 },
  ImportApplied: { version: 1, codec: ImportAppliedV1 },
  ImportRejected: { version: 1, codec: ImportRejectedV1 },
  ScimTokenIssued: { version: 1, codec: ScimTokenIssuedV1 },
  ScimTokenRevoked: { version: 1, codec: ScimTokenRevokedV1 },
  ScimDeactivationsHeld: { version: 1, codec: ScimDeactivationsHeldV1 },
  ScimDeactivationsAllowed: { version: 1, codec: ScimDeactivationsAllowedV1 },
} as const;

export type EventType = keyof typeof CURRENT_EVENT_CODECS;
export const EVENT_TYPES = Object.keys(CURRENT_EVENT_CODECS) as EventType[];

export type OrganizationOnboarded = t.TypeOf<typeof OrganizationOnboardedV1>;
export type LicensePoolResized = t.TypeOf<typeof LicensePoolResizedV1>;
export type TeamCreated = t.TypeOf<typeof TeamCreatedV1>;
export type LearnerRegistered = t.TypeOf<typeof LearnerRegisteredV1>;
export type LicenseAssigned = t.TypeOf<typeof LicenseAssignedV1>;
export type LicenseReleased = t.TypeOf<typeof LicenseReleasedV1>;
export type TeamMembershipChanged = t.TypeOf<typeof TeamMembershipChangedV1>;
export type LearnerDeactivatedV1 = t.TypeOf<typeof LearnerDeactivatedV1>;
export type LearnerDeactivated = t.TypeOf<typeof LearnerDeactivatedV2>;
export type LearnerReactivated = t.TypeOf<typeof LearnerReactivatedV1>;
export type LearnerProfileUpdated = t.TypeOf<typeof LearnerProfileUpdatedV1>;
export type ActivityRecorded = t.TypeOf<typeof ActivityRecordedV1>;
export type LearnerPersonalDataErased = t.TypeOf<typeof LearnerPersonalDataErasedV1>;
export type RetentionPeriodSet = t.TypeOf<typeof RetentionPeriodSetV1>;
export type DeactivationScheduled = t.TypeOf<typeof DeactivationScheduledV1>;
export type ScheduledDeactivationCancelled = t.TypeOf<typeof ScheduledDeactivationCancelledV1>;
export type ScheduledDeactivationCompleted = t.TypeOf<typeof ScheduledDeactivationCompletedV1>;
export type ImportReceived = t.TypeOf<typeof ImportReceivedV1>;
export type ImportLinesRecorded = t.TypeOf<typeof ImportLinesRecordedV1>;
export type ImportApplied = t.TypeOf<typeof ImportAppliedV1>;
export type ImportRejected = t.TypeOf<typeof ImportRejectedV1>;
export type ScimTokenIssued = t.TypeOf<typeof ScimTokenIssuedV1>;
export type ScimTokenRevoked = t.TypeOf<typeof ScimTokenRevokedV1>;
export type ScimDeactivationsHeld = t.TypeOf<typeof ScimDeactivationsHeldV1>;
export type ScimDeactivationsAllowed = t.TypeOf<typeof ScimDeactivationsAllowedV1>;

/** Every domain event, at its current schema version. */
export type DomainEvent =
  | OrganizationOnboarded
  | LicensePoolResized
  | TeamCreated
  | LearnerRegistered
  | LicenseAssigned
  | LicenseReleased
  | TeamMembershipChanged
  | LearnerDeactivated
  | LearnerReactivated
  | LearnerProfileUpdated
  | ActivityRecorded
  | LearnerPersonalDataErased
  | RetentionPeriodSet
  | DeactivationScheduled
  | ScheduledDeactivationCancelled
  | ScheduledDeactivationCompleted
  | ImportReceived
  | ImportLinesRecorded
  | ImportApplied
  | ImportRejected
  | ScimTokenIssued
  | ScimTokenRevoked
  | ScimDeactivationsHeld
  | ScimDeactivationsAllowed;

export type EventOfType<T extends EventType> = Extract<DomainEvent, { type: T }>;
