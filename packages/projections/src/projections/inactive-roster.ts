import type { Actor, Channel, EventEnvelope } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { Table, integer, text } from '../table.js';

export interface InactiveRosterRow {
  [column: string]: string | number | null;
  org_id: string;
  learner_id: string;
  team_id: string;
  since: string;
  actor_kind: string;
  actor_id: string;
  channel: string;
  import_id: string | null;
  file_name: string | null;
  line: number | null;
  reason: string | null;
  command_id: string;
}

export interface InactiveTeamRow {
  [column: string]: string;
  org_id: string;
  team_id: string;
}

export interface InactiveRosterState {
  readonly roster: Table<InactiveRosterRow>;
  readonly inactiveTeams: Table<InactiveTeamRow>;
}

/** One learner in the inactive team: since when, put there by whom, through which channel, from which import line. */
export interface InactiveLearner {
  readonly learnerId: string;
  /** When the learner joined the inactive team (for a deactivation with move: the deactivation). */
  readonly since: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly importId?: string;
  readonly fileName?: string;
  readonly line?: number;
  readonly reason?: string;
}

export const inactiveRosterTables = {
  roster: {
    name: 'll_inactive_roster',
    description:
      'One row per learner in an organization’s inactive team: since when, who put them there (actor), through which channel, and the import, file and line when an import did.',
    columns: [
      text('org_id'),
      text('learner_id'),
      text('team_id'),
      text('since'),
      text('actor_kind'),
      text('actor_id'),
      text('channel'),
      text('import_id', true),
      text('file_name', true),
      integer('line', true),
      text('reason', true),
      text('command_id'),
    ],
    primaryKey: ['org_id', 'learner_id'],
  },
  inactiveTeams: {
    name: 'll_inactive_teams',
    description: 'The inactive team of each organization that has one.',
    columns: [text('org_id'), text('team_id')],
    primaryKey: ['org_id'],
  },
} as const;

const apply = (state: InactiveRosterState, envelope: EventEnvelope): InactiveRosterState => {
  const event = envelope.event;
  const orgId = envelope.metadata.orgId;
  switch (event.type) {
    case 'OrganizationOnboarded':
      if (event.data.inactiveTeamId !== null) state.inactiveTeams.set(orgId, orgId, { org_id: orgId, team_id: event.data.inactiveTeamId });
      return state;
    case 'TeamCreated':
      if (event.data.kind === 'inactive' && !state.inactiveTeams.has(orgId, orgId)) {
        state.inactiveTeams.set(orgId, orgId, { org_id: orgId, team_id: event.data.teamId });
      }
      return state;
    case 'TeamMembershipChanged': {
      const teamId = state.inactiveTeams.get(orgId, orgId)?.team_id;
      if (teamId === undefined) return state;
      const learnerId = event.data.learnerId;
      if (event.data.removed.length > 0 && event.data.removed.includes(teamId)) state.roster.remove(orgId, learnerId);
      if (event.data.added.includes(teamId) && !state.roster.has(orgId, learnerId)) {
        const m = envelope.metadata;
        state.roster.set(orgId, learnerId, {
          org_id: orgId,
          learner_id: learnerId,
          team_id: teamId,
          since: m.occurredAt,
          actor_kind: m.actor.kind,
          actor_id: m.actor.id,
          channel: m.channel,
          import_id: m.importId ?? null,
          file_name: m.fileName ?? null,
          line: m.line ?? null,
          reason: null,
          command_id: m.commandId,
        });
      }
      return state;
    }
    case 'LearnerDeactivated': {
      const row = state.roster.get(orgId, event.data.learnerId);
      if (row && event.data.reason !== undefined) {
        row.reason = event.data.reason;
        state.roster.touch(orgId, row.learner_id, row);
      }
      return state;
    }
    default:
      return state;
  }
};

/**
 * Inactive team roster per organization: who sits in the inactive team, since
 * when, and the actor, channel, import and line of the change that put them
 * there (for a deactivation with move, the deactivation itself: the move and
 * the deactivation are one command), with the deactivation's reason.
 */
export const inactiveRosterProjection: Projection<InactiveRosterState> = {
  name: 'inactive-roster',
  reads: ['OrganizationOnboarded', 'TeamCreated', 'TeamMembershipChanged', 'LearnerDeactivated'],
  initialState: () => ({ roster: new Table(inactiveRosterTables.roster), inactiveTeams: new Table(inactiveRosterTables.inactiveTeams) }),
  apply,
  scopedByOrganization: true,
  scopedByLearner: true,
  tables: (state) => [state.roster, state.inactiveTeams],
};

/** The inactive learners of one organization, oldest first (then by learner id). */
export const inactiveLearnersOf = (state: InactiveRosterState, orgId: string): InactiveLearner[] => inactiveLearnersOfRows(state.roster.rowsOf(orgId));

/** Roster rows as inactive learners, oldest first (then by learner id): the one view of the roster, from the current state or from the versions that held at an instant. */
export const inactiveLearnersOfRows = (rows: Iterable<InactiveRosterRow>): InactiveLearner[] =>
  [...rows]
    .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.learner_id < b.learner_id ? -1 : a.learner_id > b.learner_id ? 1 : 0))
    .map((row) => {
      const learner: { -readonly [K in keyof InactiveLearner]: InactiveLearner[K] } = {
        learnerId: row.learner_id,
        since: row.since,
        actor: { kind: row.actor_kind as Actor['kind'], id: row.actor_id },
        channel: row.channel as Channel,
      };
      if (row.import_id !== null) learner.importId = row.import_id;
      if (row.file_name !== null) learner.fileName = row.file_name;
      if (row.line !== null) learner.line = row.line;
      if (row.reason !== null) learner.reason = row.reason;
      return learner;
    });
