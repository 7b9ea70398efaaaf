import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { Connector, ImportFormat, ImportOptions, ImportSchedule, LearnerStatus, MoveInstruction, TeamKind } from '../events.js';
import { Actor, Channel } from '../metadata.js';
import { LearnerTable } from '../organization/learner-table.js';
import { foldedState, OPEN_SCIM_GUARD, type ImportRecord, type OrganizationFields, type OrganizationState, type ScheduleRecord, type ScimTokenRecord, type TeamRecord } from '../organization/state.js';

/*
 * The plain form of an OrganizationState: JSON, every map an array in its
 * iteration order (commands iterate maps, so order is part of the state).
 * Records keyed by their own id are stored as the records; the two name
 * indexes as [key, id] pairs, the instants kept for inactive learners as
 * [id, instant] pairs. Two states are the same when their plain forms
 * are; snapshots use the compact binary form (snapshot-encode.ts) instead.
 */

export const Ids = t.readonlyArray(t.string);
export const Count = new t.Type<number, number, unknown>(
  'Count',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c, 'a whole number ≥ 0')),
  t.identity,
);
const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);
export const Pairs = t.readonlyArray(t.tuple([t.string, t.string]));

export const TeamRecordCodec = t.type({ teamId: t.string, name: t.string, kind: TeamKind });
const LearnerRecordCodec = t.type({
  learnerId: t.string,
  email: t.string,
  firstName: t.string,
  lastName: t.string,
  employeeId: Nullable(t.string),
  status: LearnerStatus,
  licenseId: Nullable(t.string),
  teams: Ids,
  teamsBeforeDeactivation: Ids,
  activityCount: Count,
});
export const ScheduleRecordCodec = t.intersection([
  t.type({
    scheduleId: t.string,
    learnerIds: Ids,
    effectiveAt: t.string,
    move: Nullable(MoveInstruction),
    status: t.keyof({ pending: null, cancelled: null, completed: null }),
  }),
  t.partial({ reason: t.string, channel: Channel, actor: Actor }),
]);
export const ImportRecordCodec = t.intersection([
  t.type({
    importId: t.string,
    fileName: t.string,
    sha256: t.string,
    format: ImportFormat,
    targetTeamId: t.string,
    schedule: ImportSchedule,
    dueAt: t.string,
    options: ImportOptions,
    rowCount: Count,
    status: t.keyof({ received: null, applied: null, rejected: null }),
  }),
  t.partial({ location: t.string }),
]);

export const ScimTokenRecordCodec = t.type({ tokenId: t.string, client: t.string, sha256: t.string, status: t.keyof({ active: null, revoked: null }) });
export const ScimGuardCodec = t.type({
  minutes: t.readonlyArray(t.tuple([Count, Count])),
  held: t.boolean,
  allowedUntil: Nullable(t.string),
  allowedCount: Count,
});

/**
 * The organization's own fields and small maps, as plain data: what the
 * plain form and a snapshot's first section both hold. The optional ones are
 * absent in states written before SCIM tokens, erasure or the SCIM
 * mass-deactivation guard (none, no retention period, an open guard then).
 */
export const OrganizationFieldsCodec = t.intersection([
  t.type({
    exists: t.boolean,
    orgId: t.string,
    name: t.string,
    seats: Count,
    timeZone: t.string,
    connector: Connector,
    inactiveTeamId: Nullable(t.string),
    dailyImportTime: t.string,
    licensesInUse: Count,
    nextLicenseNumber: Count,
    teams: t.readonlyArray(TeamRecordCodec),
    teamIdsByName: Pairs,
    schedules: t.readonlyArray(ScheduleRecordCodec),
    imports: t.readonlyArray(ImportRecordCodec),
  }),
  t.partial({ scimTokens: t.readonlyArray(ScimTokenRecordCodec), retentionDays: Count, scimGuard: ScimGuardCodec }),
]);
export type PlainOrganizationFields = t.TypeOf<typeof OrganizationFieldsCodec>;

/** The organization's own fields and small maps of a state, as plain data. */
export const organizationFields = (state: OrganizationState): PlainOrganizationFields => ({
  exists: state.exists,
  orgId: state.orgId,
  name: state.name,
  seats: state.seats,
  timeZone: state.timeZone,
  connector: state.connector,
  inactiveTeamId: state.inactiveTeamId,
  dailyImportTime: state.dailyImportTime,
  licensesInUse: state.licensesInUse,
  nextLicenseNumber: state.nextLicenseNumber,
  teams: [...state.teams.values()],
  teamIdsByName: [...state.teamIdsByName.entries()],
  schedules: [...state.schedules.values()],
  imports: [...state.imports.values()],
  scimTokens: [...state.scimTokens.values()],
  retentionDays: state.retentionDays,
  scimGuard: state.scimGuard,
});

/** The fields {@link organizationFields} gave, read back. */
export const organizationFieldsOf = (plain: PlainOrganizationFields): OrganizationFields => ({
  exists: plain.exists,
  orgId: plain.orgId,
  name: plain.name,
  seats: plain.seats,
  timeZone: plain.timeZone,
  connector: plain.connector,
  inactiveTeamId: plain.inactiveTeamId,
  dailyImportTime: plain.dailyImportTime,
  licensesInUse: plain.licensesInUse,
  nextLicenseNumber: plain.nextLicenseNumber,
  teams: byId<TeamRecord, 'teamId'>(plain.teams, 'teamId'),
  teamIdsByName: new Map(plain.teamIdsByName),
  schedules: byId<ScheduleRecord, 'scheduleId'>(plain.schedules as readonly ScheduleRecord[], 'scheduleId'),
  imports: byId<ImportRecord, 'importId'>(plain.imports as readonly ImportRecord[], 'importId'),
  scimTokens: byId<ScimTokenRecord, 'tokenId'>(plain.scimTokens ?? [], 'tokenId'),
  retentionDays: plain.retentionDays ?? 0,
  scimGuard: plain.scimGuard ?? OPEN_SCIM_GUARD,
});

/** The plain form of an {@link OrganizationState}: its own fields, its learners, the e-mail index and the instants kept for inactive learners. */
export const SerializedOrganizationState = t.intersection([
  OrganizationFieldsCodec,
  t.type({ learners: t.readonlyArray(LearnerRecordCodec), learnerIdsByEmail: Pairs }),
  // Absent in states written before erasure: no instants kept.
  t.partial({ inactiveSince: Pairs }),
]);
export type SerializedOrganizationState = t.TypeOf<typeof SerializedOrganizationState>;

/** A state as plain JSON-able data (Maps become arrays in insertion order). */
export const serializeOrganizationState = (state: OrganizationState): SerializedOrganizationState => ({
  ...organizationFields(state),
  learners: [...state.learners.values()],
  learnerIdsByEmail: [...state.learnerIdsByEmail.entries()],
  inactiveSince: [...state.inactiveSince.entries()],
});

/** Records keyed by their own id, in order. */
export const byId = <R, K extends keyof R>(records: readonly R[], key: K): Map<string, R> => {
  const map = new Map<string, R>();
  for (const record of records) map.set(record[key] as string, record);
  return map;
};

/** Reads a plain state back, validating every field. Returns a description of the first problem on failure. */
export const deserializeOrganizationState = (json: unknown): E.Either<string, OrganizationState> => {
  const decoded = SerializedOrganizationState.decode(json);
  if (E.isLeft(decoded)) return E.left(describeFailure(decoded.left));
  const s = decoded.right;
  const learners = LearnerTable.empty();
  for (const learner of s.learners) learners.add(learner);
  const state = foldedState(learners, organizationFieldsOf(s));
  // The e-mail index points an address at the learner who has it, and only once.
  for (const [normalizedEmail, learnerId] of s.learnerIdsByEmail) {
    if (state.learnerIdsByEmail.has(normalizedEmail) || !learners.pointEmail(normalizedEmail, learnerId)) {
      return E.left(`learnerIdsByEmail: ${JSON.stringify(normalizedEmail)} cannot point at learner ${JSON.stringify(learnerId)}`);
    }
  }
  // An instant is kept for a learner of the organization, and only once.
  for (const [learnerId, instant] of s.inactiveSince ?? []) {
    if (state.inactiveSince.has(learnerId) || !learners.keepInactiveSince(learnerId, instant)) {
      return E.left(`inactiveSince: no instant can be kept for learner ${JSON.stringify(learnerId)}`);
    }
  }
  return E.right(state);
};

/** The first problem of an io-ts validation as `path: message`. */
export const describeFailure = (errors: t.Errors): string => {
  const first = errors[0];
  if (!first) return 'it does not decode';
  const path = first.context
    .map((entry) => entry.key)
    .filter((key) => key !== '')
    .join('.');
  return `${path || 'the value'}: ${first.message ?? `unexpected ${JSON.stringify(first.value)?.slice(0, 80)}`}`;
};
