import * as E from 'fp-ts/lib/Either.js';
import type { OnboardOrganization } from '../commands.js';
import { domainError } from '../errors.js';
import { checkId, checkOrganizationId, checkSeats, checkText, checkTimeOfDay, checkTimeZone } from '../validation.js';
import { ok, type Emitted, type Result } from './decision.js';
import type { OrganizationState } from './state.js';
import { teamIdFromName } from './teams.js';

const DEFAULT_INACTIVE_TEAM = 'Inactive Learners';

/** Onboards an organization with its license pool and, unless it syncs from a connector and wants none, its inactive team. */
export const onboardOrganization = (state: OrganizationState, c: OnboardOrganization): Result => {
  const invalidId = checkOrganizationId(c.orgId);
  if (invalidId) return E.left(invalidId);
  if (state.exists) return E.left(domainError('ORGANIZATION_ALREADY_EXISTS', `Organization ${c.orgId} already exists`, { subject: c.orgId, field: 'orgId', value: c.orgId }));
  const timeZone = c.timeZone ?? 'UTC';
  const dailyImportTime = c.dailyImportTime ?? '02:00';
  const invalid = checkText('name', 'Organization name', c.name) ?? checkSeats(c.seats) ?? checkTimeZone(timeZone) ?? checkTimeOfDay(dailyImportTime);
  if (invalid) return E.left(invalid);
  const connector = c.connector ?? 'none';
  if (c.inactiveTeam === null && connector === 'none') {
    return E.left(
      domainError('INACTIVE_TEAM_REQUIRED', `Organization ${c.orgId} needs an inactive team: only Oracle or Workday connector organizations may have none`, {
        field: 'inactiveTeam',
        value: 'null',
      }),
    );
  }
  const events: Emitted[] = [];
  let inactiveTeamId: string | null = null;
  if (c.inactiveTeam !== null) {
    const name = c.inactiveTeam?.name ?? DEFAULT_INACTIVE_TEAM;
    const invalidName = checkText('inactiveTeam', 'Inactive team name', name);
    if (invalidName) return E.left(invalidName);
    inactiveTeamId = c.inactiveTeam?.teamId ?? teamIdFromName(name);
    const invalidTeamId = checkId('inactiveTeam', 'Team id', inactiveTeamId);
    if (invalidTeamId) return E.left(invalidTeamId);
    events.push({ event: { type: 'TeamCreated', data: { teamId: inactiveTeamId, name: name.trim(), kind: 'inactive' } } });
  }
  events.unshift({
    event: {
      type: 'OrganizationOnboarded',
      data: { orgId: c.orgId, name: c.name.trim(), seats: c.seats, timeZone, connector, inactiveTeamId, dailyImportTime },
    },
  });
  return ok(events, [{ subject: c.orgId, action: 'onboard', status: 'applied' }]);
};
