import * as E from 'fp-ts/lib/Either.js';
import { domainError } from '../errors.js';
import { lineOf, type Step } from './decision.js';
import { learnerNotFound, unknownTeam } from './refusals.js';
import type { OrganizationState } from './state.js';

/**
 * Adds a learner to teams and removes them from others. An inactive learner
 * joins no standard team (they would be pulled into assignments), an active
 * one not the inactive team (deactivation does that).
 */
export const changeTeamMembership = (state: OrganizationState, learnerId: string, add: readonly string[], remove: readonly string[], line?: number): Step => {
  const where = lineOf(line);
  const learner = state.learners.get(learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, learnerId), ...where });
  for (const teamId of add) if (!state.teams.has(teamId)) return E.left({ ...unknownTeam(state, teamId, 'add'), ...where });
  for (const teamId of remove) if (!state.teams.has(teamId)) return E.left({ ...unknownTeam(state, teamId, 'remove'), ...where });
  const added = [...new Set(add)].filter((teamId) => !learner.teams.includes(teamId));
  for (const teamId of added) {
    const kind = state.teams.get(teamId)!.kind;
    if (learner.status === 'inactive' && kind === 'standard') {
      return E.left(
        domainError(
          'INACTIVE_LEARNER_ON_STANDARD_TEAM',
          `Learner ${learnerId} is inactive and cannot join standard team ${teamId} (they would be pulled into reports and assignments); reactivate them first`,
          { subject: learnerId, field: 'add', value: teamId, ...where },
        ),
      );
    }
    if (learner.status === 'active' && kind === 'inactive') {
      return E.left(
        domainError('ACTIVE_LEARNER_ON_INACTIVE_TEAM', `Learner ${learnerId} is active and cannot join the inactive team ${teamId}; deactivate them instead`, {
          subject: learnerId,
          field: 'add',
          value: teamId,
          ...where,
        }),
      );
    }
  }
  const removed = [...new Set(remove)].filter((teamId) => learner.teams.includes(teamId) && !added.includes(teamId));
  if (added.length === 0 && removed.length === 0) {
    return E.right({ events: [], outcome: { subject: learnerId, action: 'change-teams', status: 'skipped', code: 'UNCHANGED', ...where } });
  }
  return E.right({
    events: [{ event: { type: 'TeamMembershipChanged', data: { learnerId, added, removed } }, ...where }],
    outcome: { subject: learnerId, action: 'change-teams', status: 'applied', effects: { addedTo: added, removedFrom: removed }, ...where },
  });
};
