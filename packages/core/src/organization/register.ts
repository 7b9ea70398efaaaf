import * as E from 'fp-ts/lib/Either.js';
import type { RegisterLearner } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import { checkEmail, checkId, checkText, trimEmployeeId } from '../validation.js';
import { lineOf, type Emitted, type Step } from './decision.js';
import { isErased, learnerErased } from './erase.js';
import { hasFreeLicense, nextLicenseId } from './license-pool.js';
import type { OutcomeEffects } from './outcomes.js';
import { poolExhausted, unknownTeam } from './refusals.js';
import { normalizeEmail, type OrganizationState } from './state.js';

/** What registering one learner asks (the command without its envelope; an import line carries the same). */
export type Registration = Omit<RegisterLearner, 'type' | 'orgId'>;

/** The fields of a registration that fail their rules, first one first. */
const invalidField = (c: Registration): DomainError | undefined =>
  checkId('learnerId', 'Learner id', c.learnerId) ??
  checkEmail(c.email, c.learnerId) ??
  checkText('firstName', 'First name', c.firstName, false) ??
  checkText('lastName', 'Last name', c.lastName, false) ??
  (c.employeeId !== undefined && c.employeeId !== null ? checkText('employeeId', 'Employee id', c.employeeId, false) : undefined);

/**
 * Registers one learner: unique id and e-mail, known teams; active with a
 * license when one is free, or inactive (holding none, on no standard team).
 */
export const registerLearner = (state: OrganizationState, c: Registration, line?: number): Step => {
  const where = lineOf(line);
  const refuse = (error: DomainError): Step => E.left({ ...error, subject: c.learnerId, ...where });
  const invalid = invalidField(c);
  if (invalid) return refuse(invalid);
  if (isErased(state, c.learnerId)) return refuse(learnerErased(state, c.learnerId));
  if (state.learners.has(c.learnerId)) {
    return refuse(domainError('DUPLICATE_LEARNER_ID', `Organization ${state.orgId} already has a learner with id ${JSON.stringify(c.learnerId)}`, { field: 'learnerId', value: c.learnerId }));
  }
  const email = c.email.trim();
  const owner = state.learnerIdsByEmail.get(normalizeEmail(email));
  if (owner !== undefined) {
    return refuse(domainError('DUPLICATE_EMAIL', `E-mail ${email} already belongs to learner ${owner} of organization ${state.orgId}`, { field: 'email', value: email }));
  }
  const teams = [...new Set(c.teams ?? [])];
  for (const teamId of teams) if (!state.teams.has(teamId)) return refuse(unknownTeam(state, teamId, 'teams'));
  const active = c.active ?? true;
  const data = {
    learnerId: c.learnerId,
    email,
    firstName: c.firstName.trim(),
    lastName: c.lastName.trim(),
    employeeId: trimEmployeeId(c.employeeId),
  };
  const events: Emitted[] = [];
  let effects: OutcomeEffects;
  if (active) {
    if (state.inactiveTeamId !== null && teams.includes(state.inactiveTeamId)) {
      return refuse(domainError('ACTIVE_LEARNER_ON_INACTIVE_TEAM', `An active learner cannot join the inactive team ${state.inactiveTeamId}`, { field: 'teams', value: state.inactiveTeamId }));
    }
    if (!hasFreeLicense(state)) return refuse({ ...poolExhausted(state, c.learnerId), field: 'active', value: 'true' });
    const licenseId = nextLicenseId(state);
    events.push({ event: { type: 'LearnerRegistered', data: { ...data, status: 'active' } }, ...where });
    events.push({ event: { type: 'LicenseAssigned', data: { learnerId: c.learnerId, licenseId } }, ...where });
    effects = { licenseAssigned: licenseId };
    if (teams.length > 0) {
      events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId: c.learnerId, added: teams, removed: [] } }, ...where });
      effects = { ...effects, addedTo: teams, removedFrom: [] };
    }
  } else {
    const standard = teams.find((teamId) => teamId !== state.inactiveTeamId);
    if (standard !== undefined) {
      return refuse(
        domainError('INACTIVE_LEARNER_ON_STANDARD_TEAM', `Learner ${c.learnerId} is registered inactive and cannot join standard team ${standard} (it would be pulled into assignments)`, {
          field: 'teams',
          value: standard,
        }),
      );
    }
    events.push({ event: { type: 'LearnerRegistered', data: { ...data, status: 'inactive' } }, ...where });
    effects = {};
    if (state.inactiveTeamId !== null) {
      events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId: c.learnerId, added: [state.inactiveTeamId], removed: [] } }, ...where });
      effects = { addedTo: [state.inactiveTeamId], removedFrom: [] };
    }
  }
  return E.right({ events, outcome: { subject: c.learnerId, action: 'register', status: 'applied', effects, ...where } });
};
