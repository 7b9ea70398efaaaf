import * as E from 'fp-ts/lib/Either.js';
import { domainError, type DomainError } from '../errors.js';
import type { ProfileChanges } from '../events.js';
import { checkEmail, checkText, trimEmployeeId } from '../validation.js';
import { lineOf, type Emitted, type Step } from './decision.js';
import { isErased, learnerErased } from './erase.js';
import { changeTeamMembership } from './membership.js';
import type { OutcomeEffects } from './outcomes.js';
import { learnerNotFound } from './refusals.js';
import { normalizeEmail, type LearnerRecord, type OrganizationState } from './state.js';

/** What of the asked changes differs from the learner's profile, checked by the same rules as a registration. */
const profileChanges = (state: OrganizationState, learner: LearnerRecord, changes: ProfileChanges): E.Either<DomainError, ProfileChanges> => {
  const about = { subject: learner.learnerId };
  const result: { -readonly [K in keyof ProfileChanges]: ProfileChanges[K] } = {};
  if (changes.email !== undefined && changes.email.trim() !== learner.email) {
    const invalid = checkEmail(changes.email, learner.learnerId);
    if (invalid) return E.left({ ...invalid, ...about });
    const email = changes.email.trim();
    const owner = state.learnerIdsByEmail.get(normalizeEmail(email));
    if (owner !== undefined && owner !== learner.learnerId) {
      return E.left(domainError('DUPLICATE_EMAIL', `E-mail ${email} already belongs to learner ${owner} of organization ${state.orgId}`, { ...about, field: 'email', value: email }));
    }
    result.email = email;
  }
  for (const [field, label] of [['firstName', 'First name'], ['lastName', 'Last name']] as const) {
    const value = changes[field];
    if (value !== undefined && value.trim() !== learner[field]) {
      const invalid = checkText(field, label, value, false);
      if (invalid) return E.left({ ...invalid, ...about });
      result[field] = value.trim();
    }
  }
  if (changes.employeeId !== undefined) {
    const employeeId = trimEmployeeId(changes.employeeId);
    if (employeeId !== learner.employeeId) {
      const invalid = employeeId !== null ? checkText('employeeId', 'Employee id', employeeId, false) : undefined;
      if (invalid) return E.left({ ...invalid, ...about });
      result.employeeId = employeeId;
    }
  }
  return E.right(result);
};

/** Updates a learner's profile (what differs) and, for an import line, adds them to teams. */
export const updateLearnerProfile = (state: OrganizationState, learnerId: string, changes: ProfileChanges, add: readonly string[] = [], line?: number): Step => {
  const where = lineOf(line);
  const learner = state.learners.get(learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, learnerId), ...where });
  if (isErased(state, learnerId)) return E.left({ ...learnerErased(state, learnerId), ...where });
  const diff = profileChanges(state, learner, changes);
  if (E.isLeft(diff)) return E.left({ ...diff.left, ...where });
  const events: Emitted[] = [];
  let effects: OutcomeEffects = {};
  if (Object.keys(diff.right).length > 0) {
    events.push({ event: { type: 'LearnerProfileUpdated', data: { learnerId, changes: diff.right } }, ...where });
  }
  if (add.length > 0) {
    const membership = changeTeamMembership(state, learnerId, add, [], line);
    if (E.isLeft(membership)) return membership;
    events.push(...membership.right.events);
    if (membership.right.outcome.status === 'applied') effects = { ...membership.right.outcome.effects };
  }
  return E.right({
    events,
    outcome:
      events.length > 0
        ? { subject: learnerId, action: 'update', status: 'applied', effects, ...where }
        : { subject: learnerId, action: 'update', status: 'skipped', code: 'UNCHANGED', ...where },
  });
};
