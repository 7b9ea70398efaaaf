import type { Actor, Channel, EventEnvelope, EventType, LearnerStatus } from '@learner-ledger/core';
import { ERASED } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { Table, boolean, integer, json, text } from '../table.js';

export interface LearnerDirectoryRow {
  [column: string]: string | number | boolean | null | readonly string[];
  org_id: string;
  learner_id: string;
  email: string;
  first_name: string;
  last_name: string;
  employee_id: string | null;
  status: string;
  teams: readonly string[];
  holds_license: boolean;
  license_id: string | null;
  registered_at: string;
  last_change_at: string;
  last_change_event: string;
  last_change_actor_kind: string;
  last_change_actor_id: string;
  last_change_channel: string;
  last_change_import_id: string | null;
  last_change_line: number | null;
}

export interface LearnerDirectoryState {
  readonly learners: Table<LearnerDirectoryRow>;
}

/** The last change to a learner's account: when, which event, who, through which channel, from which import line. */
export interface LastChange {
  readonly at: string;
  readonly event: EventType;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly importId?: string;
  readonly line?: number;
}

/** One learner as the directory shows them. */
export interface DirectoryEntry {
  readonly learnerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly employeeId: string | null;
  readonly status: LearnerStatus;
  /** Team ids, in the order they were joined. */
  readonly teams: readonly string[];
  readonly holdsLicense: boolean;
  readonly licenseId: string | null;
  readonly registeredAt: string;
  readonly lastChange: LastChange;
}

export const learnerDirectoryTables = {
  learners: {
    name: 'll_learner_directory',
    description:
      'One row per learner: profile, status, teams (JSON array of team ids), whether they hold a license, and the last change (time, event, actor, channel, import and line).',
    columns: [
      text('org_id'),
      text('learner_id'),
      text('email'),
      text('first_name'),
      text('last_name'),
      text('employee_id', true),
      text('status'),
      json('teams'),
      boolean('holds_license'),
      text('license_id', true),
      text('registered_at'),
      text('last_change_at'),
      text('last_change_event'),
      text('last_change_actor_kind'),
      text('last_change_actor_id'),
      text('last_change_channel'),
      text('last_change_import_id', true),
      integer('last_change_line', true),
    ],
    primaryKey: ['org_id', 'learner_id'],
    indexes: [['org_id', 'status']],
  },
} as const;

const stamp = (row: LearnerDirectoryRow, envelope: EventEnvelope): void => {
  const m = envelope.metadata;
  row.last_change_at = m.occurredAt;
  row.last_change_event = envelope.event.type;
  row.last_change_actor_kind = m.actor.kind;
  row.last_change_actor_id = m.actor.id;
  row.last_change_channel = m.channel;
  row.last_change_import_id = m.importId ?? null;
  row.last_change_line = m.line ?? null;
};

const apply = (state: LearnerDirectoryState, envelope: EventEnvelope): LearnerDirectoryState => {
  const event = envelope.event;
  const orgId = envelope.metadata.orgId;
  if (event.type === 'LearnerRegistered') {
    const d = event.data;
    const row: LearnerDirectoryRow = {
      org_id: orgId,
      learner_id: d.learnerId,
      email: d.email,
      first_name: d.firstName,
      last_name: d.lastName,
      employee_id: d.employeeId,
      status: d.status,
      teams: [],
      holds_license: false,
      license_id: null,
      registered_at: envelope.metadata.occurredAt,
      last_change_at: '',
      last_change_event: '',
      last_change_actor_kind: '',
      last_change_actor_id: '',
      last_change_channel: '',
      last_change_import_id: null,
      last_change_line: null,
    };
    stamp(row, envelope);
    state.learners.set(orgId, d.learnerId, row);
    return state;
  }
  if (!('learnerId' in event.data)) return state;
  const row = state.learners.get(orgId, event.data.learnerId);
  if (!row) return state;
  switch (event.type) {
    case 'LicenseAssigned':
      row.holds_license = true;
      row.license_id = event.data.licenseId;
      break;
    case 'LicenseReleased':
      row.holds_license = false;
      row.license_id = null;
      break;
    case 'TeamMembershipChanged': {
      const removed = event.data.removed;
      const teams = removed.length === 0 ? [...row.teams] : row.teams.filter((teamId) => !removed.includes(teamId));
      for (const teamId of event.data.added) if (!teams.includes(teamId)) teams.push(teamId);
      row.teams = teams;
      break;
    }
    case 'LearnerDeactivated':
      row.status = 'inactive';
      break;
    case 'LearnerReactivated':
      row.status = 'active';
      break;
    case 'LearnerProfileUpdated': {
      const c = event.data.changes;
      if (c.email !== undefined) row.email = c.email;
      if (c.firstName !== undefined) row.first_name = c.firstName;
      if (c.lastName !== undefined) row.last_name = c.lastName;
      if (c.employeeId !== undefined) row.employee_id = c.employeeId;
      break;
    }
    case 'LearnerPersonalDataErased':
      row.email = ERASED;
      row.first_name = ERASED;
      row.last_name = ERASED;
      row.employee_id = ERASED;
      break;
    default:
      return state;
  }
  stamp(row, envelope);
  state.learners.touch(orgId, row.learner_id, row);
  return state;
};

/** Learner directory: status, teams, license and the last change of every learner. */
export const learnerDirectoryProjection: Projection<LearnerDirectoryState> = {
  name: 'learner-directory',
  reads: ['LearnerRegistered', 'LicenseAssigned', 'LicenseReleased', 'TeamMembershipChanged', 'LearnerDeactivated', 'LearnerReactivated', 'LearnerProfileUpdated', 'LearnerPersonalDataErased'],
  initialState: () => ({ learners: new Table(learnerDirectoryTables.learners) }),
  apply,
  tables: (state) => [state.learners],
};

export const toDirectoryEntry = (row: LearnerDirectoryRow): DirectoryEntry => ({
  learnerId: row.learner_id,
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  employeeId: row.employee_id,
  status: row.status as LearnerStatus,
  teams: [...row.teams],
  holdsLicense: row.holds_license,
  licenseId: row.license_id,
  registeredAt: row.registered_at,
  lastChange: {
    at: row.last_change_at,
    event: row.last_change_event as EventType,
    actor: { kind: row.last_change_actor_kind as Actor['kind'], id: row.last_change_actor_id },
    channel: row.last_change_channel as Channel,
    ...(row.last_change_import_id !== null ? { importId: row.last_change_import_id } : {}),
    ...(row.last_change_line !== null ? { line: row.last_change_line } : {}),
  },
});

/** Every learner of one organization, sorted by learner id. */
export const directoryOf = (state: LearnerDirectoryState, orgId: string): DirectoryEntry[] =>
  [...state.learners.rowsOf(orgId)].sort((a, b) => (a.learner_id < b.learner_id ? -1 : a.learner_id > b.learner_id ? 1 : 0)).map(toDirectoryEntry);

/** One learner of one organization, if known. */
export const directoryEntryOf = (state: LearnerDirectoryState, orgId: string, learnerId: string): DirectoryEntry | undefined => {
  const row = state.learners.get(orgId, learnerId);
  return row ? toDirectoryEntry(row) : undefined;
};
