import { domainError, type CommandField, type DomainError } from '../errors.js';
import { checkOrganizationId } from '../validation.js';
import type { OrganizationState } from './state.js';

/*
 * The refusals several use cases share, worded once.
 */

/** Every command but onboarding needs its organization. */
export const requireOrganization = (state: OrganizationState, orgId: string): DomainError | undefined => {
  const invalid = checkOrganizationId(orgId);
  if (invalid) return invalid;
  // A state folded from another organization's stream never decides for this one.
  if (!state.exists || state.orgId !== orgId) return domainError('ORGANIZATION_NOT_FOUND', `Organization ${orgId} does not exist`, { subject: orgId, field: 'orgId', value: orgId });
  return undefined;
};

/** No team with this id in the organization (another organization's team included). */
export const unknownTeam = (state: OrganizationState, teamId: string, field: CommandField): DomainError =>
  domainError('UNKNOWN_TEAM', `Team ${JSON.stringify(teamId)} is not a team of organization ${state.orgId}`, { subject: teamId, field, value: teamId });

export const learnerNotFound = (state: OrganizationState, learnerId: string, field: CommandField = 'learnerId'): DomainError =>
  domainError('LEARNER_NOT_FOUND', `Learner ${JSON.stringify(learnerId)} is not a learner of organization ${state.orgId}`, { subject: learnerId, field, value: learnerId });

export const poolExhausted = (state: OrganizationState, learnerId: string): DomainError =>
  domainError(
    'LICENSE_POOL_EXHAUSTED',
    `No free license for ${learnerId}: all ${state.seats} seats of ${state.orgId} are in use (resize the pool, deactivate someone, or register the learner inactive)`,
    { subject: learnerId },
  );
