import { givenCommands } from '../src/testing/index.js';
import { acme, ctx, learner } from './support.js';

/** Employee ids are trimmed at the door, like names and e-mails; a blank one means "none". */
describe('employee ids at the door', () => {
  it('register trims surrounding white space from the employee id and stores a blank one as none', () => {
    const state = givenCommands(acme()).when(learner('0003', { employeeId: ' E12 ' }), ctx).thenState();
    expect(state.learners.get('0003')!.employeeId).toBe('E12');
    givenCommands(acme())
      .when(learner('0003', { employeeId: '\u00a0000123\u3000' }), ctx)
      .thenEvents([
        { type: 'LearnerRegistered', data: { learnerId: '0003', email: '0003@acme.test', firstName: 'First', lastName: 'Last 0003', employeeId: '000123', status: 'active' } },
        { type: 'LicenseAssigned', data: { learnerId: '0003', licenseId: 'L-3' } },
      ]);
    expect(givenCommands(acme()).when(learner('0003', { employeeId: '   ' }), ctx).thenState().learners.get('0003')!.employeeId).toBeNull();
    // Inner spaces are part of the id.
    expect(givenCommands(acme()).when(learner('0003', { employeeId: ' E 12 ' }), ctx).thenState().learners.get('0003')!.employeeId).toBe('E 12');
  });

  it('a profile update trims the employee id: the same id padded changes nothing, a blank one clears it', () => {
    const given = givenCommands([...acme(), { type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { employeeId: ' E12 ' } }]);
    given.when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0002', changes: { employeeId: '  ' } }, ctx).thenNoEvents();
    given.when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { employeeId: 'E12\u2003' } }, ctx).thenNoEvents();
    given
      .when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { employeeId: ' E13' } }, ctx)
      .thenEvents([{ type: 'LearnerProfileUpdated', data: { learnerId: '0001', changes: { employeeId: 'E13' } } }]);
    given
      .when({ type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { employeeId: '  ' } }, ctx)
      .thenEvents([{ type: 'LearnerProfileUpdated', data: { learnerId: '0001', changes: { employeeId: null } } }]);
  });
});
