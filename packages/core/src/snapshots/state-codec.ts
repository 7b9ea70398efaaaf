import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { Connector, ImportFormat, ImportOptions, ImportSchedule, LearnerStatus, MoveInstruction, TeamKind } from '../events.js';
import { Actor, Channel } from '../metadata.js';
import { LearnerTable } from '../organization/learner-table.js';
import { foldedState, OPEN_SCIM_GUARD, type ImportRecord, type OrganizationState, type ScheduleRecord, type ScimTokenRecord, type TeamRecord } from '../organization/state.js';

/*
 * The plain form of an OrganizationState: JSON, every map an array in its
 * iteration order (commands iterate maps, so order is part of the state).
 * Records keyed by their own id are stored as the records; the two name
 * indexes as [key, id] pairs. Two states are the same when their plain forms
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
/** Absent in states written before SCIM tokens were kept: none then. */
export const ScimTokensField = t.partial({ scimTokens: t.readonlyArray(ScimTokenRecordCodec) });
export const ScimGuardCodec = t.type({
  minutes: t.readonlyArray(t.tuple([Count, Count])),
  held: t.boolean,
  allowedUntil: Nullable(t.string),
  allowedCount: Count,
});
/** Absent in states written before the SCIM mass-deactivation guard: an open guard then. */
export const ScimGuardField = t.partial({ scimGuard: ScimGuardCodec });

/** Absent in states written before erasure: no retention period and no instants kept. */
export const ErasureFields = t.partial({ retentionDays: Count, inactiveSince: Pairs });

/** The organization's erasure fields as plain data. */
export const erasureFields = (state: OrganizationState) => ({ retentionDays: state.retentionDays, inactiveSince: [...state.inactiveSince.entries()] });

/** The erasure fields of a plain state read back (absent: none). */
export const erasureState = (plain: t.TypeOf<typeof ErasureFields>) => ({ retentionDays: plain.retentionDays ?? 0, inactiveSince: new Map(plain.inactiveSince ?? []) });

/** The plain form of an {@link OrganizationState}. */
export const SerializedOrganizationState = t.intersection([t.type({
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
  learners: t.readonlyArray(LearnerRecordCodec),
  learnerIdsByEmail: Pairs,
  schedules: t.readonlyArray(ScheduleRecordCodec),
  imports: t.readonlyArray(ImportRecordCodec),
}), ScimTokensField, ErasureFields, ScimGuardField]);
export type SerializedOrganizationState = t.TypeOf<typeof SerializedOrganizationState>;

/** A state as plain JSON-able data (Maps become arrays in insertion order). */
export const serializeOrganizationState = (state: OrganizationState): SerializedOrganizationState => ({
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
  learners: [...state.learners.values()],
  learnerIdsByEmail: [...state.learnerIdsByEmail.entries()],
  schedules: [...state.schedules.values()],
  imports: [...state.imports.values()],
  scimTokens: [...state.scimTokens.values()],
  ...erasureFields(state),
  scimGuard: state.scimGuard,
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
  const state = foldedState(learners, {
    exists: s.exists,
    orgId: s.orgId,
    name: s.name,
    seats: s.seats,
    timeZone: s.timeZone,
    connector: s.connector,
    inactiveTeamId: s.inactiveTeamId,
    dailyImportTime: s.dailyImportTime,
    licensesInUse: s.licensesInUse,
    nextLicenseNumber: s.nextLicenseNumber,
    teams: byId<TeamRecord, 'teamId'>(s.teams, 'teamId'),
    teamIdsByName: new Map(s.teamIdsByName),
    schedules: byId<ScheduleRecord, 'scheduleId'>(s.schedules as readonly ScheduleRecord[], 'scheduleId'),
    imports: byId<ImportRecord, 'importId'>(s.imports as readonly ImportRecord[], 'importId'),
    scimTokens: byId<ScimTokenRecord, 'tokenId'>(s.scimTokens ?? [], 'tokenId'),
    ...erasureState(s),
    scimGuard: s.scimGuard ?? OPEN_SCIM_GUARD,
  });
  // The e-mail index points an address at the learner who has it, and only once.
  for (const [normalizedEmail, learnerId] of s.learnerIdsByEmail) {
    if (state.learnerIdsByEmail.has(normalizedEmail) || !learners.pointEmail(normalizedEmail, learnerId)) {
      return E.left(`learnerIdsByEmail: ${JSON.stringify(normalizedEmail)} cannot point at learner ${JSON.stringify(learnerId)}`);
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
