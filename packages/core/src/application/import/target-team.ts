import * as E from 'fp-ts/lib/Either.js';
import type { OrganizationState } from '../../organization/state.js';
import { findTeam } from '../../organization/teams.js';
import type { FileIssue } from './errors.js';

/**
 * The team a file is imported for, by id or name: new learners join it, the
 * threshold and a full sync are measured on it. The inactive team cannot be
 * one (its members follow from Active).
 */
export const resolveTargetTeam = <C extends string>(state: OrganizationState, team: string): { readonly teamId: string } | { readonly error: FileIssue<C> } => {
  const found = findTeam(state, team, 'targetTeamId');
  if (E.isLeft(found)) {
    const names = [...state.teams.values()].map((t) => JSON.stringify(t.name)).join(', ');
    return { error: { code: found.left.code, value: team, expected: `one of ${names}`, message: found.left.message } };
  }
  if (found.right.teamId === state.inactiveTeamId) {
    return { error: { code: 'INVALID_TARGET_TEAM', value: team, expected: 'a standard team', message: 'The inactive team cannot be the target of an import: choose the team the learners belong to' } };
  }
  return { teamId: found.right.teamId };
};
