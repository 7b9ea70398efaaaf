import { teamRostersOf, teamRostersProjection } from '../src/index.js';
import { deactivated, envelope, given, membership, reactivated, registered, teamCreated } from './support.js';

const p = teamRostersProjection;

describe('team-rosters projection', () => {
  test('TeamCreated lists teams (sorted by name) with kind; TeamMembershipChanged adds and removes members', () => {
    const state = given(p, [
      envelope(teamCreated('support')),
      envelope(teamCreated('inactive-learners', 'inactive')),
      envelope(teamCreated('sales')),
      envelope(registered('b')),
      envelope(registered('a')),
      envelope(membership('b', ['sales', 'support'])),
      envelope(membership('a', ['sales'])),
      envelope(membership('b', [], ['support'])),
    ]);
    expect(teamRostersOf(state, 'acme')).toEqual([
      { teamId: 'inactive-learners', name: 'inactive-learners', kind: 'inactive', members: [] },
      { teamId: 'sales', name: 'sales', kind: 'standard', members: ['a', 'b'] },
      { teamId: 'support', name: 'support', kind: 'standard', members: [] },
    ]);
  });

  test('a deactivated learner never appears, even when still a member; a reactivation brings them back', () => {
    const events = [envelope(teamCreated('sales')), envelope(registered('a')), envelope(registered('b')), envelope(membership('a', ['sales'])), envelope(membership('b', ['sales']))];
    const off = given(p, [...events, envelope(deactivated('a'))]);
    expect(teamRostersOf(off, 'acme')[0]!.members).toEqual(['b']);
    const back = given(p, [...events, envelope(deactivated('a')), envelope(reactivated('a'))]);
    expect(teamRostersOf(back, 'acme')[0]!.members).toEqual(['a', 'b']);
  });

  test('a learner registered inactive is not listed in a team they were put in', () => {
    const state = given(p, [envelope(teamCreated('inactive-learners', 'inactive')), envelope(registered('x', 'inactive')), envelope(membership('x', ['inactive-learners']))]);
    expect(teamRostersOf(state, 'acme')[0]!.members).toEqual([]);
    expect([...state.memberships.rowsOf('acme')]).toHaveLength(1);
  });

  test('organizations are kept apart', () => {
    const state = given(p, [envelope(teamCreated('sales')), envelope(teamCreated('sales'), { orgId: 'globex' }), envelope(registered('a'), { orgId: 'globex' }), envelope(membership('a', ['sales']), { orgId: 'globex' })]);
    expect(teamRostersOf(state, 'acme')[0]!.members).toEqual([]);
    expect(teamRostersOf(state, 'globex')[0]!.members).toEqual(['a']);
  });
});
