import type { LearnerRecord, OrganizationState, TeamRecord } from '@learner-ledger/core';
import { GROUP_SCHEMA, ScimError, attribute, entityTag, isObject } from './protocol.js';
import type { ResourceStamp } from './versions.js';

/** Groups ↔ teams: `id` is the team id, `displayName` its name, `members` the learners on it. */
export const teamToGroup = (team: TeamRecord, members: readonly LearnerRecord[], stamp: ResourceStamp | undefined, baseUrl: string): Record<string, unknown> => ({
  schemas: [GROUP_SCHEMA],
  id: team.teamId,
  displayName: team.name,
  members: members.map((learner) => ({ value: learner.learnerId, display: `${learner.firstName} ${learner.lastName}`, $ref: `${baseUrl}/Users/${encodeURIComponent(learner.learnerId)}` })),
  meta: {
    resourceType: 'Group',
    ...(stamp !== undefined ? { created: stamp.created, lastModified: stamp.lastModified, version: entityTag(stamp.version) } : {}),
    location: `${baseUrl}/Groups/${encodeURIComponent(team.teamId)}`,
  },
});

/** Every team's learners, in one pass over the organization. */
export const membersByTeam = (state: OrganizationState): ReadonlyMap<string, LearnerRecord[]> => {
  const members = new Map<string, LearnerRecord[]>();
  for (const learner of state.learners.values()) {
    for (const teamId of learner.teams) {
      const list = members.get(teamId);
      if (list === undefined) members.set(teamId, [learner]);
      else list.push(learner);
    }
  }
  return members;
};

/** What a SCIM Group body (a POST, a PUT, or a group after PATCH operations) asks for. */
export interface DesiredTeam {
  readonly name: string;
  /** Learner ids; `undefined` when the body has no `members` (left as they are on PUT). */
  readonly members?: readonly string[];
}

export const groupToDesired = (body: unknown): DesiredTeam => {
  if (!isObject(body)) throw new ScimError(400, 'The body must be a SCIM Group object', 'invalidSyntax');
  const name = attribute(body, 'displayName');
  if (typeof name !== 'string' || name.trim() === '') throw new ScimError(400, 'displayName is required and must be a non-empty string', 'invalidValue');
  const members = attribute(body, 'members');
  if (members === undefined || members === null) return { name };
  if (!Array.isArray(members)) throw new ScimError(400, 'members must be an array of {"value": learner id}', 'invalidValue');
  const ids = members.map((member: unknown) => {
    const value = isObject(member) ? attribute(member, 'value') : undefined;
    if (typeof value !== 'string' || value === '') throw new ScimError(400, 'Each member needs a "value": the learner id', 'invalidValue');
    return value;
  });
  return { name, members: [...new Set(ids)] };
};
