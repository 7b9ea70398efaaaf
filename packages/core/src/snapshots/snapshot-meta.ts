import * as t from 'io-ts';
import { Connector } from '../events.js';
import type { FoldedOrganizationState } from '../organization/state.js';
import { Count, ErasureFields, erasureFields, Ids, ImportRecordCodec, Pairs, ScheduleRecordCodec, ScimGuardField, ScimTokensField, TeamRecordCodec } from './state-codec.js';

/**
 * The first section of a snapshot's payload: the organization's own fields,
 * its small maps, the interned tables the learners' columns refer to, and
 * how many rows, text bytes and commands the other sections hold.
 */
export const SnapshotMeta = t.intersection([t.type({
  exists: t.boolean,
  orgId: t.string,
  name: t.string,
  seats: Count,
  timeZone: t.string,
  connector: Connector,
  inactiveTeamId: t.union([t.string, t.null]),
  dailyImportTime: t.string,
  licensesInUse: Count,
  nextLicenseNumber: Count,
  teams: t.readonlyArray(TeamRecordCodec),
  teamIdsByName: Pairs,
  schedules: t.readonlyArray(ScheduleRecordCodec),
  imports: t.readonlyArray(ImportRecordCodec),
  /** Learner rows (deleted ones included). */
  rows: Count,
  /** Bytes of the text section: every row's text record, in row order. */
  textBytes: Count,
  /** Team lists by number; list 0 is the empty list. */
  teamLists: t.readonlyArray(Ids),
  /** License ids that are not `L-n`, by code (-1, -2, …). */
  otherLicenses: Ids,
  /** Commands in the command sections. */
  commands: Count,
  /** The version of the last event the command index tracked. */
  lastCommandVersion: Count,
}), ScimTokensField, ErasureFields, ScimGuardField]);
export type SnapshotMeta = t.TypeOf<typeof SnapshotMeta>;

/** The organization's own fields and small maps, as plain data. */
export const organizationFields = (state: FoldedOrganizationState) => ({
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
  ...erasureFields(state),
  scimGuard: state.scimGuard,
});
