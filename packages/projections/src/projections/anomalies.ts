import type { EventEnvelope } from '@learner-ledger/core';
import type { Projection } from '../projection.js';
import { Table, integer, json, text } from '../table.js';

/** The kinds of inconsistency the anomalies projection reports. */
export type AnomalyKind =
  /** An inactive learner still belongs to a standard team (e.g. deactivated by an import without the move). */
  | 'deactivated-on-standard-team'
  /** An active learner sits in the inactive team. */
  | 'active-in-inactive-team'
  /** More licenses are in use than the organization has seats. */
  | 'licenses-above-seats'
  /** An inactive learner still holds a license. */
  | 'license-held-by-inactive-learner'
  /** The SCIM mass-deactivation guard holds deactivations until an administrator allows them. */
  | 'scim-deactivations-held';

export interface AnomalyRow {
  [column: string]: string | null;
  org_id: string;
  anomaly_id: string;
  kind: string;
  learner_id: string | null;
  team_id: string | null;
  detail: string;
  since: string;
}
export interface AnomalyOrgRow {
  [column: string]: string | number | null;
  org_id: string;
  seats: number;
  in_use: number;
  inactive_team_id: string | null;
}
export interface AnomalyTeamRow {
  [column: string]: string;
  org_id: string;
  team_id: string;
  kind: string;
}
export interface AnomalyLearnerRow {
  [column: string]: string | null | readonly string[];
  org_id: string;
  learner_id: string;
  status: string;
  license_id: string | null;
  teams: readonly string[];
  anomalies: readonly string[];
}

export interface AnomaliesState {
  readonly anomalies: Table<AnomalyRow>;
  readonly orgs: Table<AnomalyOrgRow>;
  readonly teams: Table<AnomalyTeamRow>;
  readonly learners: Table<AnomalyLearnerRow>;
}

/** One inconsistency: what, who, which team, since when. */
export interface Anomaly {
  readonly kind: AnomalyKind;
  readonly learnerId?: string;
  readonly teamId?: string;
  readonly detail: string;
  /** When the anomaly appeared (the time of the event that caused it). */
  readonly since: string;
}

export const anomaliesTables = {
  anomalies: {
    name: 'll_anomalies',
    description:
      'Current inconsistencies: deactivated learners on standard teams, active learners in the inactive team, licenses in use above seats, licenses held by inactive learners, SCIM deactivations held by the mass-deactivation guard — with the learner, team and since when.',
    columns: [text('org_id'), text('anomaly_id'), text('kind'), text('learner_id', true), text('team_id', true), text('detail'), text('since')],
    primaryKey: ['org_id', 'anomaly_id'],
  },
  orgs: {
    name: 'll_anomaly_organizations',
    description: 'Working state of the anomalies projection: seats, licenses in use and inactive team per organization.',
    columns: [text('org_id'), integer('seats'), integer('in_use'), text('inactive_team_id', true)],
    primaryKey: ['org_id'],
  },
  teams: {
    name: 'll_anomaly_teams',
    description: 'Working state of the anomalies projection: the kind of every team.',
    columns: [text('org_id'), text('team_id'), text('kind')],
    primaryKey: ['org_id', 'team_id'],
  },
  learners: {
    name: 'll_anomaly_learners',
    description: 'Working state of the anomalies projection: status, license, teams (JSON) and current anomaly ids (JSON) of every learner.',
    columns: [text('org_id'), text('learner_id'), text('status'), text('license_id', true), json('teams'), json('anomalies')],
    primaryKey: ['org_id', 'learner_id'],
  },
} as const;

const orgOf = (state: AnomaliesState, orgId: string): AnomalyOrgRow => {
  let row = state.orgs.get(orgId, orgId);
  if (!row) {
    row = { org_id: orgId, seats: 0, in_use: 0, inactive_team_id: null };
    state.orgs.set(orgId, orgId, row);
  }
  return row;
};

const isInactiveTeam = (state: AnomaliesState, org: AnomalyOrgRow, teamId: string): boolean =>
  teamId === org.inactive_team_id || state.teams.get(org.org_id, teamId)?.kind === 'inactive';

/** Brings the anomaly rows of one learner in line with their current state. */
const checkLearner = (state: AnomaliesState, learner: AnomalyLearnerRow, at: string): void => {
  const orgId = learner.org_id;
  const org = orgOf(state, orgId);
  const wanted = new Map<string, AnomalyRow>();
  const add = (kind: AnomalyKind, teamId: string | null, detail: string) => {
    const anomalyId = teamId === null ? `${kind}:${learner.learner_id}` : `${kind}:${learner.learner_id}:${teamId}`;
    wanted.set(anomalyId, { org_id: orgId, anomaly_id: anomalyId, kind, learner_id: learner.learner_id, team_id: teamId, detail, since: at });
  };
  for (const teamId of learner.teams) {
    const inactiveTeam = isInactiveTeam(state, org, teamId);
    if (learner.status === 'inactive' && !inactiveTeam) {
      add('deactivated-on-standard-team', teamId, `Learner ${learner.learner_id} is inactive but still on standard team ${teamId}`);
    } else if (learner.status === 'active' && inactiveTeam) {
      add('active-in-inactive-team', teamId, `Learner ${learner.learner_id} is active but sits in the inactive team ${teamId}`);
    }
  }
  if (learner.status === 'inactive' && learner.license_id !== null) {
    add('license-held-by-inactive-learner', null, `Learner ${learner.learner_id} is inactive but still holds license ${learner.license_id}`);
  }
  const before = learner.anomalies;
  if (before.length === 0 && wanted.size === 0) return;
  for (const anomalyId of before) if (!wanted.has(anomalyId)) state.anomalies.delete(orgId, anomalyId);
  for (const [anomalyId, anomaly] of wanted) {
    const existing = state.anomalies.get(orgId, anomalyId);
    if (existing) {
      if (existing.detail !== anomaly.detail) {
        existing.detail = anomaly.detail;
        state.anomalies.touch(orgId, anomalyId, existing);
      }
    } else {
      state.anomalies.set(orgId, anomalyId, anomaly);
    }
  }
  learner.anomalies = [...wanted.keys()];
};

const checkOrganization = (state: AnomaliesState, org: AnomalyOrgRow, at: string): void => {
  const anomalyId = 'licenses-above-seats';
  const existing = state.anomalies.get(org.org_id, anomalyId);
  if (org.in_use <= org.seats) {
    if (existing) state.anomalies.delete(org.org_id, anomalyId);
    return;
  }
  const detail = `${org.in_use} licenses are in use but organization ${org.org_id} has ${org.seats} seats`;
  if (!existing) {
    state.anomalies.set(org.org_id, anomalyId, { org_id: org.org_id, anomaly_id: anomalyId, kind: 'licenses-above-seats', learner_id: null, team_id: null, detail, since: at });
  } else if (existing.detail !== detail) {
    existing.detail = detail;
    state.anomalies.touch(org.org_id, anomalyId, existing);
  }
};

/** The one anomaly row of an organization's SCIM hold. */
const SCIM_HOLD = 'scim-deactivations-held';

const apply = (state: AnomaliesState, envelope: EventEnvelope): AnomaliesState => {
  const event = envelope.event;
  const orgId = envelope.metadata.orgId;
  const at = envelope.metadata.occurredAt;
  switch (event.type) {
    case 'OrganizationOnboarded': {
      const org = orgOf(state, orgId);
      org.seats = event.data.seats;
      org.inactive_team_id = event.data.inactiveTeamId;
      state.orgs.touch(orgId, orgId, org);
      checkOrganization(state, org, at);
      return state;
    }
    case 'LicensePoolResized': {
      const org = orgOf(state, orgId);
      org.seats = event.data.seats;
      state.orgs.touch(orgId, orgId, org);
      checkOrganization(state, org, at);
      return state;
    }
    case 'TeamCreated': {
      state.teams.set(orgId, event.data.teamId, { org_id: orgId, team_id: event.data.teamId, kind: event.data.kind });
      const org = orgOf(state, orgId);
      if (event.data.kind === 'inactive' && org.inactive_team_id === null) {
        org.inactive_team_id = event.data.teamId;
        state.orgs.touch(orgId, orgId, org);
      }
      return state;
    }
    case 'ScimDeactivationsHeld': {
      const { deactivations, activeLearners, limit, learnerIds } = event.data;
      const detail =
        `SCIM deactivations held: ${learnerIds.length} more (${learnerIds.join(', ')}) on top of ${deactivations} within the hour would pass ${Math.round(limit.share * 100)}% ` +
        `of the ${activeLearners} learners active when it began (checked from ${limit.minimum}); further SCIM deactivations are refused until an administrator allows them (scim allow-deactivations ${orgId})`;
      state.anomalies.set(orgId, SCIM_HOLD, { org_id: orgId, anomaly_id: SCIM_HOLD, kind: 'scim-deactivations-held', learner_id: null, team_id: null, detail, since: at });
      return state;
    }
    case 'ScimDeactivationsAllowed':
      if (state.anomalies.get(orgId, SCIM_HOLD)) state.anomalies.delete(orgId, SCIM_HOLD);
      return state;
    case 'LearnerRegistered':
      state.learners.set(orgId, event.data.learnerId, {
        org_id: orgId,
        learner_id: event.data.learnerId,
        status: event.data.status,
        license_id: null,
        teams: [],
        anomalies: [],
      });
      return state;
    default:
      break;
  }
  if (!('learnerId' in event.data)) return state;
  const learner = state.learners.get(orgId, event.data.learnerId);
  if (!learner) return state;
  switch (event.type) {
    case 'LicenseAssigned': {
      const org = orgOf(state, orgId);
      if (learner.license_id === null) {
        org.in_use++;
        state.orgs.touch(orgId, orgId, org);
      }
      learner.license_id = event.data.licenseId;
      checkOrganization(state, org, at);
      break;
    }
    case 'LicenseReleased': {
      if (learner.license_id === null) return state;
      const org = orgOf(state, orgId);
      org.in_use--;
      state.orgs.touch(orgId, orgId, org);
      learner.license_id = null;
      checkOrganization(state, org, at);
      break;
    }
    case 'TeamMembershipChanged': {
      const removed = event.data.removed;
      const teams = learner.teams.filter((teamId) => !removed.includes(teamId));
      for (const teamId of event.data.added) if (!teams.includes(teamId)) teams.push(teamId);
      learner.teams = teams;
      break;
    }
    case 'LearnerDeactivated':
      learner.status = 'inactive';
      break;
    case 'LearnerReactivated':
      learner.status = 'active';
      break;
    default:
      return state;
  }
  checkLearner(state, learner, at);
  state.learners.touch(orgId, learner.learner_id, learner);
  return state;
};

/**
 * Anomalies: what should not be, with since when — deactivated learners still
 * on standard teams, active learners in the inactive team, licenses in use
 * above seats, licenses held by inactive learners, SCIM deactivations held
 * by the mass-deactivation guard (from the hold to the administrator's release). Checked after every event
 * that touches a learner or the pool, so a step in the middle of one command
 * (the deactivation right before its license release) can open and close an
 * anomaly at the same instant; only what remains is reported.
 */
export const anomaliesProjection: Projection<AnomaliesState> = {
  name: 'anomalies',
  reads: [
    'OrganizationOnboarded',
    'LicensePoolResized',
    'TeamCreated',
    'LearnerRegistered',
    'LicenseAssigned',
    'LicenseReleased',
    'TeamMembershipChanged',
    'LearnerDeactivated',
    'LearnerReactivated',
    'ScimDeactivationsHeld',
    'ScimDeactivationsAllowed',
  ],
  initialState: () => ({
    anomalies: new Table(anomaliesTables.anomalies),
    orgs: new Table(anomaliesTables.orgs),
    teams: new Table(anomaliesTables.teams),
    learners: new Table(anomaliesTables.learners),
  }),
  apply,
  tables: (state) => [state.anomalies, state.orgs, state.teams, state.learners],
};

const ORDER: Record<string, number> = {
  'scim-deactivations-held': -1,
  'licenses-above-seats': 0,
  'license-held-by-inactive-learner': 1,
  'deactivated-on-standard-team': 2,
  'active-in-inactive-team': 3,
};

/** The current anomalies of one organization: a SCIM hold and the pool first, then by kind, learner and team. */
export const anomaliesOf = (state: AnomaliesState, orgId: string): Anomaly[] =>
  [...state.anomalies.rowsOf(orgId)]
    .sort((a, b) => (ORDER[a.kind] ?? 9) - (ORDER[b.kind] ?? 9) || (a.anomaly_id < b.anomaly_id ? -1 : a.anomaly_id > b.anomaly_id ? 1 : 0))
    .map((row) => ({
      kind: row.kind as AnomalyKind,
      ...(row.learner_id !== null ? { learnerId: row.learner_id } : {}),
      ...(row.team_id !== null ? { teamId: row.team_id } : {}),
      detail: row.detail,
      since: row.since,
    }));
