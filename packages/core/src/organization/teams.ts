import * as E from 'fp-ts/lib/Either.js';
import type { CreateTeam } from '../commands.js';
import { domainError, type CommandField, type DomainError } from '../errors.js';
import { checkId, checkText } from '../validation.js';
import { ok, type Result } from './decision.js';
import { normalizeName, type OrganizationState, type TeamRecord } from './state.js';

/** A team id derived from its name: `Sales EMEA` → `sales-emea`. */
export const teamIdFromName = (name: string): string => {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'team' : slug;
};

/** Creates a standard team; names are unique per organization, ignoring case. */
export const createTeam = (state: OrganizationState, c: CreateTeam): Result => {
  const invalidName = checkText('name', 'Team name', c.name);
  if (invalidName) return E.left(invalidName);
  const name = c.name.trim();
  const existing = state.teamIdsByName.get(normalizeName(name));
  if (existing !== undefined) {
    return E.left(
      domainError(
        'DUPLICATE_TEAM_NAME',
        `Organization ${state.orgId} already has a team named ${JSON.stringify(state.teams.get(existing)?.name ?? name)} (names are compared ignoring case)`,
        { subject: existing, field: 'name', value: c.name },
      ),
    );
  }
  let teamId = c.teamId;
  if (teamId !== undefined) {
    const invalidId = checkId('teamId', 'Team id', teamId);
    if (invalidId) return E.left(invalidId);
    if (state.teams.has(teamId)) {
      return E.left(domainError('DUPLICATE_TEAM_ID', `Organization ${state.orgId} already has a team with id ${teamId}`, { subject: teamId, field: 'teamId', value: teamId }));
    }
  } else {
    const base = teamIdFromName(name);
    teamId = base;
    for (let n = 2; state.teams.has(teamId); n++) teamId = `${base}-${n}`;
  }
  return ok([{ event: { type: 'TeamCreated', data: { teamId, name, kind: 'standard' } } }], [{ subject: teamId, action: 'create-team', status: 'applied' }]);
};

/** No team of the organization has this name (compared ignoring case). */
const noTeamNamed = (state: OrganizationState, name: string, field: CommandField): DomainError =>
  domainError('UNKNOWN_TEAM', `Organization ${state.orgId} has no team named ${JSON.stringify(name)} (create it first, or correct the name)`, { subject: name, field, value: name });

/** The team a person names by its id or by its name (any letter case), or `UNKNOWN_TEAM`. */
export const findTeam = (state: OrganizationState, idOrName: string, field: CommandField): E.Either<DomainError, TeamRecord> => {
  const team = state.teams.get(idOrName) ?? state.teams.get(state.teamIdsByName.get(normalizeName(idOrName)) ?? '');
  return team ? E.right(team) : E.left(noTeamNamed(state, idOrName.trim(), field));
};

/**
 * The ids of the teams named (names as written, any letter case, surrounding
 * spaces ignored, blanks skipped), in order and each once, or `UNKNOWN_TEAM`
 * for the first name no team has.
 */
export const teamIdsNamed = (state: OrganizationState, names: readonly string[], field: CommandField = 'teams'): E.Either<DomainError, string[]> => {
  const ids: string[] = [];
  for (const name of names) {
    const trimmed = name.trim();
    if (trimmed === '') continue;
    const teamId = state.teamIdsByName.get(normalizeName(trimmed));
    if (teamId === undefined) return E.left(noTeamNamed(state, trimmed, field));
    if (!ids.includes(teamId)) ids.push(teamId);
  }
  return E.right(ids);
};
