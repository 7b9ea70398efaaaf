import type { LearnerRecord, OrganizationState, ProfileChanges } from '@learner-ledger/core';
import { ENTERPRISE_USER_SCHEMA, ScimError, USER_SCHEMA, attribute, entityTag, isObject, scimBoolean } from './protocol.js';
import type { ResourceStamp } from './versions.js';

/**
 * Users ↔ learners. `id` and `externalId` are the learner ID; `userName` is the
 * learner's e-mail (unique per organization, compared without case, as SCIM's
 * `userName`); `emails` mirrors it as the one primary work address;
 * `name.givenName`/`familyName` are the first and last name; the enterprise
 * extension's `employeeNumber` is the employee ID; `active` is the status.
 */
export interface DesiredLearner {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  /** `undefined`: the request does not say (left as it is). */
  readonly employeeId?: string | null;
  /** `undefined`: the request does not say (left as it is, active on creation). */
  readonly active?: boolean;
  readonly externalId?: string;
}

/** The SCIM User a learner reads as. */
export const learnerToUser = (state: OrganizationState, learner: LearnerRecord, stamp: ResourceStamp | undefined, baseUrl: string): Record<string, unknown> => ({
  schemas: learner.employeeId !== null ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
  id: learner.learnerId,
  externalId: learner.learnerId,
  userName: learner.email,
  name: { givenName: learner.firstName, familyName: learner.lastName, formatted: `${learner.firstName} ${learner.lastName}` },
  displayName: `${learner.firstName} ${learner.lastName}`,
  emails: [{ value: learner.email, type: 'work', primary: true }],
  active: learner.status === 'active',
  groups: learner.teams.map((teamId) => ({ value: teamId, display: state.teams.get(teamId)?.name ?? teamId, $ref: `${baseUrl}/Groups/${encodeURIComponent(teamId)}` })),
  ...(learner.employeeId !== null ? { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: learner.employeeId } } : {}),
  meta: {
    resourceType: 'User',
    ...(stamp !== undefined ? { created: stamp.created, lastModified: stamp.lastModified, version: entityTag(stamp.version) } : {}),
    location: `${baseUrl}/Users/${encodeURIComponent(learner.learnerId)}`,
  },
});

const requiredText = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new ScimError(400, `${name} is required and must be a non-empty string`, 'invalidValue');
  return value;
};

const optionalText = (value: unknown, name: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ScimError(400, `${name} must be a string`, 'invalidValue');
  return value;
};

/** The learner a SCIM User body (of a POST, a PUT, or a resource after PATCH operations) asks for. */
export const userToDesired = (body: unknown): DesiredLearner => {
  if (!isObject(body)) throw new ScimError(400, 'The body must be a SCIM User object', 'invalidSyntax');
  const email = requiredText(attribute(body, 'userName'), 'userName').trim();
  const name = attribute(body, 'name');
  if (name !== undefined && name !== null && !isObject(name)) throw new ScimError(400, 'name must be an object with givenName and familyName', 'invalidValue');
  const firstName = requiredText(name ? attribute(name, 'givenName') : undefined, 'name.givenName');
  const lastName = requiredText(name ? attribute(name, 'familyName') : undefined, 'name.familyName');
  const enterprise = attribute(body, ENTERPRISE_USER_SCHEMA);
  let employeeId: string | null | undefined;
  if (isObject(enterprise)) {
    // The extension without employeeNumber (a PATCH `remove` of it, a PUT that leaves it out) clears the employee ID.
    const number = attribute(enterprise, 'employeeNumber');
    employeeId = number === null || number === undefined ? null : optionalText(number, 'employeeNumber');
  }
  const active = attribute(body, 'active');
  const externalId = optionalText(attribute(body, 'externalId'), 'externalId');
  return {
    email,
    firstName,
    lastName,
    ...(employeeId !== undefined ? { employeeId: employeeId === '' ? null : employeeId } : {}),
    ...(active !== undefined && active !== null ? { active: scimBoolean(active, 'active') } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
  };
};

/** The profile fields a desired learner changes (empty when it changes none). */
export const profileChanges = (learner: LearnerRecord, desired: DesiredLearner): ProfileChanges => ({
  ...(desired.email !== learner.email ? { email: desired.email } : {}),
  ...(desired.firstName.trim() !== learner.firstName ? { firstName: desired.firstName } : {}),
  ...(desired.lastName.trim() !== learner.lastName ? { lastName: desired.lastName } : {}),
  ...(desired.employeeId !== undefined && (desired.employeeId?.trim() ?? null) !== learner.employeeId ? { employeeId: desired.employeeId } : {}),
});
