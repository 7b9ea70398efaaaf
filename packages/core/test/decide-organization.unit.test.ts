import * as E from 'fp-ts/lib/Either.js';
import { decide, initialOrganizationState } from '../src/index.js';
import { givenCommands, givenEvents } from '../src/testing/index.js';
import { acme, ctx, learner, onboard, team } from './support.js';

describe('onboard organization', () => {
  it('creates the organization and its inactive team', () => {
    givenEvents([])
      .when(onboard('acme', 5), ctx)
      .thenEvents([
        {
          type: 'OrganizationOnboarded',
          data: { orgId: 'acme', name: 'acme Inc', seats: 5, timeZone: 'America/Chicago', connector: 'none', inactiveTeamId: 'inactive-learners', dailyImportTime: '02:00' },
        },
        { type: 'TeamCreated', data: { teamId: 'inactive-learners', name: 'Inactive Learners', kind: 'inactive' } },
      ]);
  });

  it('accepts zero seats and refuses negative or fractional seats', () => {
    givenEvents([]).when(onboard('acme', 0), ctx).thenEventTypes(['OrganizationOnboarded', 'TeamCreated']);
    givenEvents([]).when(onboard('acme', -1), ctx).thenError('INVALID_SEATS');
    givenEvents([]).when(onboard('acme', 2.5), ctx).thenError('INVALID_SEATS');
    givenEvents([]).when(onboard('acme', Number.NaN), ctx).thenError('INVALID_SEATS');
  });

  it('requires an inactive team unless the organization syncs from Oracle or Workday', () => {
    const error = givenEvents([]).when(onboard('acme', 5, { inactiveTeam: null }), ctx).thenError('INACTIVE_TEAM_REQUIRED');
    expect(error.message).toMatch(/Oracle or Workday/);
    for (const connector of ['oracle', 'workday'] as const) {
      const state = givenEvents([]).when(onboard('acme', 5, { connector, inactiveTeam: null }), ctx).thenState();
      expect(state.inactiveTeamId).toBeNull();
      expect(state.teams.size).toBe(0);
      expect(state.connector).toBe(connector);
    }
  });

  it('gives a connector organization an inactive team when one is asked for', () => {
    const state = givenEvents([]).when(onboard('acme', 5, { connector: 'workday', inactiveTeam: { name: 'Leavers' } }), ctx).thenState();
    expect(state.inactiveTeamId).toBe('leavers');
    expect(state.teams.get('leavers')?.kind).toBe('inactive');
  });

  it('refuses an invalid time zone, time of day, organization id, or name', () => {
    const error = givenEvents([]).when(onboard('acme', 5, { timeZone: 'Mars/Olympus_Mons' }), ctx).thenError('INVALID_TIME_ZONE');
    expect(error.message).toContain('Mars/Olympus_Mons');
    givenEvents([]).when(onboard('acme', 5, { dailyImportTime: '25:00' }), ctx).thenError('INVALID_TIME_OF_DAY');
    givenEvents([]).when(onboard('acme', 5, { orgId: 'acme/../b' }), ctx).thenError('INVALID_ORGANIZATION_ID');
    givenEvents([]).when(onboard('acme', 5, { name: '  ' }), ctx).thenError('INVALID_TEXT');
    givenEvents([]).when(onboard('acme', 5, { inactiveTeam: { name: 'Inactive', teamId: ' padded ' } }), ctx).thenError('INVALID_ID');
  });

  it('refuses to onboard an organization twice', () => {
    givenCommands([onboard()]).when(onboard(), ctx).thenError('ORGANIZATION_ALREADY_EXISTS');
  });

  it('refuses every other command for an organization that does not exist', () => {
    const error = givenEvents([]).when(learner('0001'), ctx).thenError('ORGANIZATION_NOT_FOUND');
    expect(error.subject).toBe('acme');
  });

  it('never modifies the state it decides on', () => {
    const state = initialOrganizationState();
    const result = decide(onboard(), state, ctx);
    expect(E.isRight(result)).toBe(true);
    expect(state.exists).toBe(false);
    expect(state.teams.size).toBe(0);
  });
});

describe('resize license pool', () => {
  it('resizes up and down to the licenses in use, not below', () => {
    givenCommands(acme()).when({ type: 'ResizeLicensePool', orgId: 'acme', seats: 10 }, ctx).thenEvents([{ type: 'LicensePoolResized', data: { seats: 10, previousSeats: 3 } }]);
    givenCommands(acme()).when({ type: 'ResizeLicensePool', orgId: 'acme', seats: 2 }, ctx).thenEvents([{ type: 'LicensePoolResized', data: { seats: 2, previousSeats: 3 } }]);
    const error = givenCommands(acme()).when({ type: 'ResizeLicensePool', orgId: 'acme', seats: 1 }, ctx).thenError('SEATS_BELOW_IN_USE');
    expect(error.message).toMatch(/2 licenses are in use/);
  });

  it('counts only active learners as in use', () => {
    givenCommands([...acme(), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0002'] }])
      .when({ type: 'ResizeLicensePool', orgId: 'acme', seats: 0 }, ctx)
      .thenEventTypes(['LicensePoolResized']);
  });

  it('reports an unchanged size without events and refuses invalid seats', () => {
    givenCommands(acme()).when({ type: 'ResizeLicensePool', orgId: 'acme', seats: 3 }, ctx).thenNoEvents();
    givenCommands(acme()).when({ type: 'ResizeLicensePool', orgId: 'acme', seats: -3 }, ctx).thenError('INVALID_SEATS');
  });
});

describe('create team', () => {
  it('derives the team id from the name', () => {
    givenCommands([onboard()]).when(team('Sales EMEA'), ctx).thenEvents([{ type: 'TeamCreated', data: { teamId: 'sales-emea', name: 'Sales EMEA', kind: 'standard' } }]);
  });

  it('keeps team names unique ignoring case and surrounding spaces', () => {
    const given = givenCommands([onboard(), team('Sales')]);
    for (const name of ['sales', 'SALES', '  Sales ', 'sAlEs']) {
      const error = given.when(team(name), ctx).thenError('DUPLICATE_TEAM_NAME');
      expect(error.subject).toBe('sales');
    }
    givenCommands([onboard()]).when(team('inactive learners'), ctx).thenError('DUPLICATE_TEAM_NAME');
  });

  it('allows the same name in another organization', () => {
    // Each organization is decided on its own state: a name taken in acme says nothing about globex.
    givenCommands([onboard('globex')]).when(team('Sales', 'globex'), ctx).thenEventTypes(['TeamCreated']);
  });

  it('refuses a command decided on the state of another organization', () => {
    const error = givenCommands([onboard('acme'), team('Sales')]).when(team('Marketing', 'acme-1'), ctx).thenError('ORGANIZATION_NOT_FOUND');
    expect(error.subject).toBe('acme-1');
  });

  it('refuses a duplicate explicit id, and picks a free id when the derived one is taken', () => {
    const given = givenCommands([onboard(), { type: 'CreateTeam', orgId: 'acme', name: 'Sales', teamId: 'x1' }]);
    given.when({ type: 'CreateTeam', orgId: 'acme', name: 'Other', teamId: 'x1' }, ctx).thenError('DUPLICATE_TEAM_ID');
    given.when({ type: 'CreateTeam', orgId: 'acme', name: 'Other', teamId: '' }, ctx).thenError('INVALID_ID');
    givenCommands([onboard(), { type: 'CreateTeam', orgId: 'acme', name: 'Alpha', teamId: 'sales' }])
      .when(team('Sales'), ctx)
      .thenEvents([{ type: 'TeamCreated', data: { teamId: 'sales-2', name: 'Sales', kind: 'standard' } }]);
  });

  it('refuses an empty name', () => {
    givenCommands([onboard()]).when(team(''), ctx).thenError('INVALID_TEXT');
  });
});
