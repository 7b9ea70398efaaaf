import { givenCommands } from '../src/testing/index.js';
import { acme, ctx, learner, onboard } from './support.js';

describe('register learner', () => {
  it('registers an active learner, assigns a license and joins the teams', () => {
    givenCommands(acme())
      .when(learner('0003', { teams: ['support'], employeeId: '000123' }), ctx)
      .thenEvents([
        { type: 'LearnerRegistered', data: { learnerId: '0003', email: '0003@acme.test', firstName: 'First', lastName: 'Last 0003', employeeId: '000123', status: 'active' } },
        { type: 'LicenseAssigned', data: { learnerId: '0003', licenseId: 'L-3' } },
        { type: 'TeamMembershipChanged', data: { learnerId: '0003', added: ['support'], removed: [] } },
      ]);
  });

  it('keeps learner ids unique', () => {
    const error = givenCommands(acme()).when(learner('0001', { email: 'new@acme.test' }), ctx).thenError('DUPLICATE_LEARNER_ID');
    expect(error.subject).toBe('0001');
    // Ids are text: "1" is not "0001".
    givenCommands(acme()).when(learner('1'), ctx).thenEventTypes(['LearnerRegistered', 'LicenseAssigned']);
  });

  it('keeps e-mails unique ignoring case and surrounding spaces', () => {
    for (const email of ['0001@acme.test', '0001@ACME.TEST', ' 0001@Acme.Test ']) {
      const error = givenCommands(acme()).when(learner('0009', { email }), ctx).thenError('DUPLICATE_EMAIL');
      expect(error.message).toContain('0001');
    }
  });

  it('frees an e-mail a profile update gave up, and takes the new one', () => {
    const given = givenCommands([...acme(), { type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { email: 'ada@acme.test' } }]);
    given.when(learner('0009', { email: '0001@acme.test' }), ctx).thenEventTypes(['LearnerRegistered', 'LicenseAssigned']);
    given.when(learner('0009', { email: 'ADA@acme.test' }), ctx).thenError('DUPLICATE_EMAIL');
  });

  it('fails with LICENSE_POOL_EXHAUSTED when no seat is free', () => {
    const error = givenCommands(acme(2)).when(learner('0003'), ctx).thenError('LICENSE_POOL_EXHAUSTED');
    expect(error.subject).toBe('0003');
    expect(error.message).toMatch(/all 2 seats/);
    givenCommands([onboard('acme', 0)]).when(learner('0001'), ctx).thenError('LICENSE_POOL_EXHAUSTED');
  });

  it('registers an inactive learner holding no license, even when the pool is exhausted', () => {
    const state = givenCommands(acme(2))
      .when(learner('0003', { active: false }), ctx)
      .thenState();
    const registered = state.learners.get('0003')!;
    expect(registered.status).toBe('inactive');
    expect(registered.licenseId).toBeNull();
    expect(registered.teams).toEqual(['inactive-learners']);
    expect(state.licensesInUse).toBe(2);
    givenCommands(acme(2))
      .when(learner('0003', { active: false }), ctx)
      .thenEventTypes(['LearnerRegistered', 'TeamMembershipChanged']);
  });

  it('refuses an inactive registration onto a standard team, and an active one onto the inactive team', () => {
    givenCommands(acme()).when(learner('0003', { active: false, teams: ['sales'] }), ctx).thenError('INACTIVE_LEARNER_ON_STANDARD_TEAM');
    givenCommands(acme()).when(learner('0003', { teams: ['inactive-learners'] }), ctx).thenError('ACTIVE_LEARNER_ON_INACTIVE_TEAM');
  });

  it('refuses teams the organization does not have', () => {
    const error = givenCommands(acme()).when(learner('0003', { teams: ['marketing'] }), ctx).thenError('UNKNOWN_TEAM');
    expect(error.subject).toBe('0003');
    expect(error.message).toContain('marketing');
  });

  it('validates id, e-mail and names', () => {
    givenCommands(acme()).when(learner(' 0003'), ctx).thenError('INVALID_ID');
    givenCommands(acme()).when(learner(''), ctx).thenError('INVALID_ID');
    givenCommands(acme()).when(learner('0003', { email: 'not-an-email' }), ctx).thenError('INVALID_EMAIL');
    givenCommands(acme()).when(learner('0003', { firstName: 'Ada\u0000' }), ctx).thenError('INVALID_TEXT');
    givenCommands(acme()).when(learner('0003', { employeeId: 'x'.repeat(600) }), ctx).thenError('INVALID_TEXT');
  });
});

describe('update learner profile', () => {
  it('records only what changed', () => {
    givenCommands(acme())
      .when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { firstName: 'First', lastName: 'Lovelace', employeeId: '' } }, ctx)
      .thenEvents([{ type: 'LearnerProfileUpdated', data: { learnerId: '0001', changes: { lastName: 'Lovelace' } } }]);
    givenCommands(acme()).when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { firstName: 'First' } }, ctx).thenNoEvents();
  });

  it('refuses an unknown learner, a taken e-mail, an invalid e-mail', () => {
    givenCommands(acme()).when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: 'nobody', changes: { firstName: 'X' } }, ctx).thenError('LEARNER_NOT_FOUND');
    givenCommands(acme()).when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { email: '0002@ACME.test' } }, ctx).thenError('DUPLICATE_EMAIL');
    givenCommands(acme()).when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { email: 'nope' } }, ctx).thenError('INVALID_EMAIL');
  });
});
