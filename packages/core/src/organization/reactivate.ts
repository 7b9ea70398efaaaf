import * as E from 'fp-ts/lib/Either.js';
import type { ReactivateLearner } from '../commands.js';
import { domainError } from '../errors.js';
import { lineOf, type Emitted, type Step } from './decision.js';
import { isErased, learnerErased } from './erase.js';
import { hasFreeLicense, nextLicenseId } from './license-pool.js';
import type { OutcomeEffects } from './outcomes.js';
import { learnerNotFound, poolExhausted, unknownTeam } from './refusals.js';
import type { OrganizationState } from './state.js';

/** What reactivating one learner asks (the command without its envelope; an import line carries the same). */
export type Reactivation = Omit<ReactivateLearner, 'type' | 'orgId'>;

/**
 * Reactivates one learner: a free license, out of the inactive team, and back
 * into the standard teams the deactivation removed (or the teams asked for).
 * An active learner is skipped.
 */
export const reactivateLearner = (state: OrganizationState, c: Reactivation, line?: number): Step => {
  const where = lineOf(line);
  const learner = state.learners.get(c.learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, c.learnerId), ...where });
  if (isErased(state, c.learnerId)) return E.left({ ...learnerErased(state, c.learnerId), ...where });
  if (learner.status === 'active') {
    return E.right({ events: [], outcome: { subject: c.learnerId, action: 'reactivate', status: 'skipped', code: 'ALREADY_ACTIVE', message: `Learner ${c.learnerId} is already active`, ...where } });
  }
  let teams: string[];
  if (c.teams !== undefined) {
    teams = [...new Set(c.teams)];
    for (const teamId of teams) {
      if (!state.teams.has(teamId)) return E.left({ ...unknownTeam(state, teamId, 'teams'), ...where });
      if (teamId === state.inactiveTeamId) {
        return E.left(
          domainError('ACTIVE_LEARNER_ON_INACTIVE_TEAM', `A reactivated learner cannot stay on the inactive team ${teamId}`, { subject: c.learnerId, field: 'teams', value: teamId, ...where }),
        );
      }
    }
  } else {
    teams = learner.teamsBeforeDeactivation.filter((teamId) => state.teams.get(teamId)?.kind === 'standard');
  }
  if (!hasFreeLicense(state)) return E.left({ ...poolExhausted(state, c.learnerId), ...where });
  const licenseId = nextLicenseId(state);
  const events: Emitted[] = [
    { event: { type: 'LearnerReactivated', data: { learnerId: c.learnerId, restoredTeams: teams } }, ...where },
    { event: { type: 'LicenseAssigned', data: { learnerId: c.learnerId, licenseId } }, ...where },
  ];
  let effects: OutcomeEffects = { licenseAssigned: licenseId, restoredTeams: teams };
  const added = teams.filter((teamId) => !learner.teams.includes(teamId));
  const removed = state.inactiveTeamId !== null && learner.teams.includes(state.inactiveTeamId) ? [state.inactiveTeamId] : [];
  if (added.length > 0 || removed.length > 0) {
    events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId: c.learnerId, added, removed } }, ...where });
    effects = { ...effects, addedTo: added, removedFrom: removed };
  }
  return E.right({ events, outcome: { subject: c.learnerId, action: 'reactivate', status: 'applied', effects, ...where } });
};
