import type { Command, ReactivateLearner } from '../src/index.js';
import { givenCommands } from '../src/testing/index.js';
import { acme, connectorOrg, ctx, learner, team } from './support.js';

const reactivate = (learnerId: string, teams?: string[]): ReactivateLearner => ({ type: 'ReactivateLearner', orgId: 'acme', learnerId, ...(teams ? { teams } : {}) });
const deactivate = (learnerIds: string[], move?: Extract<Command, { type: 'DeactivateLearners' }>['move']): Command => ({
  type: 'DeactivateLearners',
  orgId: 'acme',
  learnerIds,
  ...(move !== undefined ? { move } : {}),
});

describe('reactivate learner', () => {
  it('assigns a license, restores the teams the deactivation removed and leaves the inactive team', () => {
    givenCommands([...acme(), deactivate(['0002'])])
      .when(reactivate('0002'), ctx)
      .thenEvents([
        { type: 'LearnerReactivated', data: { learnerId: '0002', restoredTeams: ['sales', 'support'] } },
        { type: 'LicenseAssigned', data: { learnerId: '0002', licenseId: 'L-3' } },
        { type: 'TeamMembershipChanged', data: { learnerId: '0002', added: ['sales', 'support'], removed: ['inactive-learners'] } },
      ]);
    const state = givenCommands([...acme(), deactivate(['0002'])]).when(reactivate('0002'), ctx).thenState();
    expect(state.learners.get('0002')).toEqual(expect.objectContaining({ status: 'active', licenseId: 'L-3', teams: ['sales', 'support'] }));
    expect(state.licensesInUse).toBe(2);
  });

  it('joins the given teams instead of the removed ones', () => {
    const state = givenCommands([...acme(), team('Marketing'), deactivate(['0002'])]).when(reactivate('0002', ['marketing']), ctx).thenState();
    expect(state.learners.get('0002')!.teams).toEqual(['marketing']);
    givenCommands([...acme(), deactivate(['0002'])]).when(reactivate('0002', []), ctx).thenEvents([
      { type: 'LearnerReactivated', data: { learnerId: '0002', restoredTeams: [] } },
      { type: 'LicenseAssigned', data: { learnerId: '0002', licenseId: 'L-3' } },
      { type: 'TeamMembershipChanged', data: { learnerId: '0002', added: [], removed: ['inactive-learners'] } },
    ]);
  });

  it('restores only what a partial move removed', () => {
    const state = givenCommands([...acme(), deactivate(['0002'], { addTo: 'inactive-learners', removeFrom: ['support'] })]).when(reactivate('0002'), ctx).thenState();
    expect(state.learners.get('0002')!.teams).toEqual(['sales', 'support']);
  });

  it('needs a free seat', () => {
    const full: Command[] = [...acme(2), deactivate(['0001']), learner('0003')];
    const error = givenCommands(full).when(reactivate('0001'), ctx).thenError('LICENSE_POOL_EXHAUSTED');
    expect(error.subject).toBe('0001');
    givenCommands([...full, { type: 'ResizeLicensePool', orgId: 'acme', seats: 3 }]).when(reactivate('0001'), ctx).thenEventTypes(['LearnerReactivated', 'LicenseAssigned', 'TeamMembershipChanged']);
  });

  it('activates a learner registered inactive', () => {
    const state = givenCommands([...acme(), learner('0003', { active: false })]).when(reactivate('0003', ['support']), ctx).thenState();
    expect(state.learners.get('0003')).toEqual(expect.objectContaining({ status: 'active', teams: ['support'] }));
  });

  it('skips an active learner, refuses an unknown one, an unknown team, and the inactive team', () => {
    givenCommands(acme()).when(reactivate('0001'), ctx).thenOutcomes([{ subject: '0001', status: 'skipped', code: 'ALREADY_ACTIVE' }]);
    givenCommands(acme()).when(reactivate('0001'), ctx).thenNoEvents();
    givenCommands(acme()).when(reactivate('ghost'), ctx).thenError('LEARNER_NOT_FOUND');
    givenCommands([...acme(), deactivate(['0001'])]).when(reactivate('0001', ['nowhere']), ctx).thenError('UNKNOWN_TEAM');
    givenCommands([...acme(), deactivate(['0001'])]).when(reactivate('0001', ['inactive-learners']), ctx).thenError('ACTIVE_LEARNER_ON_INACTIVE_TEAM');
  });

  it('keeps the teams of a connector organization learner whose move was skipped', () => {
    const state = givenCommands([...connectorOrg(), deactivate(['0001'])]).when(reactivate('0001'), ctx).thenState();
    expect(state.learners.get('0001')).toEqual(expect.objectContaining({ status: 'active', teams: ['sales'] }));
  });

  it('restores a second deactivation\'s teams, not the first one\'s', () => {
    const state = givenCommands([
      ...acme(),
      deactivate(['0002']),
      reactivate('0002', ['support']),
      deactivate(['0002']),
    ]).when(reactivate('0002'), ctx).thenState();
    expect(state.learners.get('0002')!.teams).toEqual(['support']);
  });
});
