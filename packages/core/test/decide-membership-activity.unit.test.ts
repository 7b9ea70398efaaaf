import type { Command } from '../src/index.js';
import { givenCommands } from '../src/testing/index.js';
import { acme, ctx, onboard, team } from './support.js';

const change = (learnerId: string, add: string[] = [], remove: string[] = []): Command => ({ type: 'ChangeTeamMembership', orgId: 'acme', learnerId, add, remove });
const activity = (learnerId: string, activityId: string, extra: Partial<Extract<Command, { type: 'RecordActivity' }>> = {}): Command => ({
  type: 'RecordActivity',
  orgId: 'acme',
  learnerId,
  activityId,
  kind: 'completion',
  courseId: 'course-1',
  ...extra,
});
const deactivate: Command = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] };
const reactivate: Command = { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' };

describe('change team membership', () => {
  it('adds a team created after the learner registered', () => {
    givenCommands([...acme(), team('Marketing')]).when(change('0001', ['marketing']), ctx).thenEventTypes(['TeamMembershipChanged']);
  });

  it('adds and removes teams, ignoring what is already so', () => {
    givenCommands(acme())
      .when(change('0001', ['support', 'sales'], ['sales']), ctx)
      .thenEvents([{ type: 'TeamMembershipChanged', data: { learnerId: '0001', added: ['support'], removed: ['sales'] } }]);
    givenCommands(acme()).when(change('0001', ['sales'], ['support']), ctx).thenNoEvents();
  });

  it('refuses a team of another organization or an unknown team with UNKNOWN_TEAM', () => {
    // "marketing" is a team of globex only; acme is decided on its own state and does not know it.
    givenCommands([onboard('globex'), team('Marketing', 'globex')]).when(change('0001', ['marketing']), ctx).thenError('ORGANIZATION_NOT_FOUND');
    const error = givenCommands(acme()).when(change('0001', ['marketing']), ctx).thenError('UNKNOWN_TEAM');
    expect(error.subject).toBe('marketing');
    expect(error.message).toContain('acme');
    givenCommands(acme()).when(change('0001', [], ['ghost-team']), ctx).thenError('UNKNOWN_TEAM');
  });

  it('refuses an unknown learner', () => {
    givenCommands(acme()).when(change('ghost', ['sales']), ctx).thenError('LEARNER_NOT_FOUND');
  });

  it('refuses to put an inactive learner on a standard team, and an active learner on the inactive team', () => {
    const error = givenCommands([...acme(), deactivate]).when(change('0001', ['sales']), ctx).thenError('INACTIVE_LEARNER_ON_STANDARD_TEAM');
    expect(error.message).toMatch(/assignments/);
    givenCommands(acme()).when(change('0001', ['inactive-learners']), ctx).thenError('ACTIVE_LEARNER_ON_INACTIVE_TEAM');
    // Removing is always allowed.
    givenCommands([...acme(), deactivate]).when(change('0001', [], ['inactive-learners']), ctx).thenEventTypes(['TeamMembershipChanged']);
  });
});

describe('record activity', () => {
  it('records an activity of an active learner', () => {
    givenCommands(acme())
      .when(activity('0001', 'a1', { kind: 'assignment', at: '2026-02-01' }), ctx)
      .thenEvents([{ type: 'ActivityRecorded', data: { learnerId: '0001', activityId: 'a1', kind: 'assignment', courseId: 'course-1', at: '2026-02-01T06:00:00.000Z' } }]);
  });

  it('records late completions of an inactive learner', () => {
    givenCommands([...acme(), deactivate]).when(activity('0001', 'late'), ctx).thenEventTypes(['ActivityRecorded']);
  });

  it('keeps activity records across deactivation and reactivation', () => {
    const state = givenCommands([...acme(), activity('0001', 'a1'), activity('0001', 'a2'), deactivate, activity('0001', 'a3')]).when(reactivate, ctx).thenState();
    expect(state.learners.get('0001')!.activityCount).toBe(3);
  });

  it('refuses an unknown learner, invalid ids and an invalid time', () => {
    givenCommands(acme()).when(activity('ghost', 'a1'), ctx).thenError('LEARNER_NOT_FOUND');
    givenCommands(acme()).when(activity('0001', ''), ctx).thenError('INVALID_ID');
    givenCommands(acme()).when(activity('0001', 'a1', { courseId: ' c' }), ctx).thenError('INVALID_ID');
    givenCommands(acme()).when(activity('0001', 'a1', { at: 'yesterday' }), ctx).thenError('INVALID_INSTANT');
  });
});
