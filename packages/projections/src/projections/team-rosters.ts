import type { EventEnvelope, TeamKind } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { Table, boolean, rowKey, text } from '../table.js';

export interface TeamRow {
  [column: string]: string;
  org_id: string;
  team_id: string;
  name: string;
  kind: string;
}
export interface TeamMembershipRow {
  [column: string]: string;
  org_id: string;
  team_id: string;
  learner_id: string;
}
export interface TeamLearnerRow {
  [column: string]: string | boolean;
  org_id: string;
  learner_id: string;
  active: boolean;
}

export interface TeamRostersState {
  readonly teams: Table<TeamRow>;
  readonly memberships: Table<TeamMembershipRow>;
  readonly learners: Table<TeamLearnerRow>;
}

/** A team and its active members: the people reports and assignments see. */
export interface TeamRoster {
  readonly teamId: string;
  readonly name: string;
  readonly kind: TeamKind;
  /** Active learners only, sorted by learner id. */
  readonly members: readonly string[];
}

export const teamRostersTables = {
  teams: {
    name: 'll_teams',
    description: 'Every team of every organization, with its kind (standard or inactive).',
    columns: [text('org_id'), text('team_id'), text('name'), text('kind')],
    primaryKey: ['org_id', 'team_id'],
  },
  memberships: {
    name: 'll_team_memberships',
    description: 'Every team membership, active and inactive learners alike (ll_team_rosters keeps the active ones).',
    columns: [text('org_id'), text('team_id'), text('learner_id')],
    primaryKey: ['org_id', 'team_id', 'learner_id'],
    indexes: [['org_id', 'learner_id']],
  },
  learners: {
    name: 'll_team_learners',
    description: 'Whether each learner is active (what decides if their memberships count in ll_team_rosters).',
    columns: [text('org_id'), text('learner_id'), boolean('active')],
    primaryKey: ['org_id', 'learner_id'],
  },
} as const;

const setActive = (state: TeamRostersState, orgId: string, learnerId: string, active: boolean): void => {
  const row = state.learners.get(orgId, learnerId);
  if (row) {
    row.active = active;
    state.learners.touch(orgId, learnerId, row);
  } else {
    state.learners.set(orgId, learnerId, { org_id: orgId, learner_id: learnerId, active });
  }
};

const apply = (state: TeamRostersState, envelope: EventEnvelope): TeamRostersState => {
  const event = envelope.event;
  const orgId = envelope.metadata.orgId;
  switch (event.type) {
    case 'TeamCreated':
      state.teams.set(orgId, event.data.teamId, { org_id: orgId, team_id: event.data.teamId, name: event.data.name, kind: event.data.kind });
      return state;
    case 'LearnerRegistered':
      setActive(state, orgId, event.data.learnerId, event.data.status === 'active');
      return state;
    case 'LearnerDeactivated':
      setActive(state, orgId, event.data.learnerId, false);
      return state;
    case 'LearnerReactivated':
      setActive(state, orgId, event.data.learnerId, true);
      return state;
    case 'TeamMembershipChanged': {
      const learnerId = event.data.learnerId;
      for (const teamId of event.data.removed) state.memberships.delete(orgId, rowKey(teamId, learnerId));
      for (const teamId of event.data.added) {
        const key = rowKey(teamId, learnerId);
        if (!state.memberships.has(orgId, key)) state.memberships.set(orgId, key, { org_id: orgId, team_id: teamId, learner_id: learnerId });
      }
      return state;
    }
    default:
      return state;
  }
};

/**
 * Team rosters: every team and its active members. A learner's memberships
 * are kept while they are inactive (a reactivation may need them), but an
 * inactive learner never appears in a roster.
 */
export const teamRostersProjection: Projection<TeamRostersState> = {
  name: 'team-rosters',
  reads: ['TeamCreated', 'LearnerRegistered', 'LearnerDeactivated', 'LearnerReactivated', 'TeamMembershipChanged'],
  initialState: () => ({
    teams: new Table(teamRostersTables.teams),
    memberships: new Table(teamRostersTables.memberships),
    learners: new Table(teamRostersTables.learners),
  }),
  apply,
  scopedByOrganization: true,
  scopedByLearner: true,
  tables: (state) => [state.teams, state.memberships, state.learners],
  views: [
    {
      name: 'll_team_rosters',
      description: 'Active members of every team: one row per (team, active learner), with the team name and kind.',
      sql:
        'SELECT m.org_id, m.team_id, t.name AS team_name, t.kind AS team_kind, m.learner_id ' +
        'FROM ll_team_memberships m ' +
        'JOIN ll_teams t ON t.org_id = m.org_id AND t.team_id = m.team_id ' +
        'JOIN ll_team_learners l ON l.org_id = m.org_id AND l.learner_id = m.learner_id ' +
        'WHERE l.active',
    },
  ],
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every team of one organization with its active members, sorted by team name. */
export const teamRostersOf = (state: TeamRostersState, orgId: string): TeamRoster[] => {
  const members = new Map<string, string[]>();
  for (const membership of state.memberships.rowsOf(orgId)) {
    if (state.learners.get(orgId, membership.learner_id)?.active !== true) continue;
    let list = members.get(membership.team_id);
    if (!list) members.set(membership.team_id, (list = []));
    list.push(membership.learner_id);
  }
  return [...state.teams.rowsOf(orgId)]
    .sort((a, b) => byText(a.name.toLowerCase(), b.name.toLowerCase()) || byText(a.team_id, b.team_id))
    .map((team) => ({ teamId: team.team_id, name: team.name, kind: team.kind as TeamKind, members: (members.get(team.team_id) ?? []).sort(byText) }));
};
