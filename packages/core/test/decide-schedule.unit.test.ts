import * as E from 'fp-ts/lib/Either.js';
import type { Command, ScheduleDeactivation } from '../src/index.js';
import { at, givenCommands } from '../src/testing/index.js';
import { acme, connectorOrg, ctx, NOW, onboard } from './support.js';

const scheduleOf = (scheduleId: string, effectiveAt: string, extra: Partial<ScheduleDeactivation> = {}): ScheduleDeactivation => ({
  type: 'ScheduleDeactivation',
  orgId: 'acme',
  scheduleId,
  learnerIds: ['0001'],
  effectiveAt,
  ...extra,
});
const processDue: Command = { type: 'ProcessDueDeactivations', orgId: 'acme' };

describe('schedule deactivation', () => {
  it('reads an ISO date as the start of that day in the organization time zone', () => {
    // America/Chicago is UTC-6 in winter (CST).
    givenCommands(acme())
      .when(scheduleOf('s1', '2026-03-06', { reason: 'last day' }), ctx)
      .thenEvents([
        {
          type: 'DeactivationScheduled',
          data: { scheduleId: 's1', learnerIds: ['0001'], effectiveAt: '2026-03-06T06:00:00.000Z', move: { addTo: 'inactive-learners', removeFrom: 'all' }, reason: 'last day' },
        },
      ]);
  });

  it('uses the offset of that very day across a daylight-saving change', () => {
    const effective = (date: string, timeZone: string) => {
      const decision = givenCommands([onboard('acme', 3, { timeZone }), { type: 'RegisterLearner', orgId: 'acme', learnerId: '0001', email: 'a@a.test', firstName: 'A', lastName: 'B' }])
        .when(scheduleOf('s', date), ctx)
        .thenEventTypes(['DeactivationScheduled']);
      return (decision.events[0]!.event.data as { effectiveAt: string }).effectiveAt;
    };
    // Chicago switches to CDT (UTC-5) at 02:00 on 8 March 2026: midnight of the 8th is still CST.
    expect(effective('2026-03-08', 'America/Chicago')).toBe('2026-03-08T06:00:00.000Z');
    expect(effective('2026-03-09', 'America/Chicago')).toBe('2026-03-09T05:00:00.000Z');
    // Back to CST at 02:00 on 1 November: midnight of the 1st is still CDT.
    expect(effective('2026-11-01', 'America/Chicago')).toBe('2026-11-01T05:00:00.000Z');
    expect(effective('2026-11-02', 'America/Chicago')).toBe('2026-11-02T06:00:00.000Z');
    // Santiago skips midnight on 6 September 2026 (clocks jump from 00:00 to 01:00): the day starts at 01:00 -03:00.
    expect(effective('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    expect(effective('2026-09-05', 'America/Santiago')).toBe('2026-09-05T04:00:00.000Z');
  });

  it('accepts instants with an offset, and local date-times in the organization zone', () => {
    const at = (text: string) => {
      const decision = givenCommands(acme()).when(scheduleOf('s', text), ctx).thenEventTypes(['DeactivationScheduled']);
      return (decision.events[0]!.event.data as { effectiveAt: string }).effectiveAt;
    };
    expect(at('2026-06-30T17:00:00Z')).toBe('2026-06-30T17:00:00.000Z');
    expect(at('2026-06-30T12:00:00-05:00')).toBe('2026-06-30T17:00:00.000Z');
    expect(at('2026-06-30T12:00')).toBe('2026-06-30T17:00:00.000Z');
  });

  it('only schedules in the future', () => {
    givenCommands(acme()).when(scheduleOf('s1', NOW), ctx).thenError('SCHEDULE_IN_PAST');
    givenCommands(acme()).when(scheduleOf('s1', '2026-03-02'), ctx).thenError('SCHEDULE_IN_PAST'); // today began before 09:00Z
    givenCommands(acme()).when(scheduleOf('s1', '2025-12-31T23:59:59Z'), ctx).thenError('SCHEDULE_IN_PAST');
    givenCommands(acme()).when(scheduleOf('s1', '2026-03-02T09:00:00.001Z'), ctx).thenEventTypes(['DeactivationScheduled']);
  });

  it('schedules a learner listed twice once, so the completion does not report them both deactivated and skipped', () => {
    givenCommands(acme())
      .when(scheduleOf('s1', '2026-03-10', { learnerIds: ['0001', '0002', '0001'], move: null }), ctx)
      .thenEvents([{ type: 'DeactivationScheduled', data: { scheduleId: 's1', learnerIds: ['0001', '0002'], effectiveAt: '2026-03-10T05:00:00.000Z', move: null } }]);
    givenCommands([...acme(), scheduleOf('s1', '2026-03-10', { learnerIds: ['0001', '0001'] })])
      .when(processDue, { now: '2026-03-11T00:00:00.000Z' })
      .thenEventTypes(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ScheduledDeactivationCompleted']);
    const state = givenCommands([...acme(), scheduleOf('s1', '2026-03-10', { learnerIds: ['0001', '0001'] })]).when(processDue, { now: '2026-03-11T00:00:00.000Z' }).decision();
    expect(E.isRight(state) && state.right.events[3]!.event.data).toEqual({ scheduleId: 's1', deactivated: ['0001'], skipped: [] });
  });

  it('refuses bad dates, unknown learners, duplicate or invalid schedule ids, empty lists and bad moves', () => {
    givenCommands(acme()).when(scheduleOf('s1', '30/06/2026'), ctx).thenError('INVALID_INSTANT');
    givenCommands(acme()).when(scheduleOf('s1', '2026-02-30'), ctx).thenError('INVALID_INSTANT');
    givenCommands(acme()).when(scheduleOf('s1', '2026-06-30', { learnerIds: ['0001', 'ghost'] }), ctx).thenError('LEARNER_NOT_FOUND');
    givenCommands(acme()).when(scheduleOf('s1', '2026-06-30', { learnerIds: [] }), ctx).thenError('EMPTY_COMMAND');
    givenCommands(acme()).when(scheduleOf(' s1', '2026-06-30'), ctx).thenError('INVALID_ID');
    givenCommands([...acme(), scheduleOf('s1', '2026-06-30')]).when(scheduleOf('s1', '2026-07-30'), ctx).thenError('DUPLICATE_SCHEDULE');
    givenCommands(acme()).when(scheduleOf('s1', '2026-06-30', { move: { addTo: 'sales', removeFrom: 'all' } }), ctx).thenError('MOVE_TARGET_NOT_INACTIVE_TEAM');
  });
});

describe('process due deactivations', () => {
  const scheduled: Command[] = [
    ...acme(),
    scheduleOf('late', '2026-04-01', { learnerIds: ['0002'] }),
    scheduleOf('early', '2026-03-10', { learnerIds: ['0001'], reason: 'contract ended' }),
  ];

  it('applies nothing before the first schedule is due', () => {
    givenCommands(scheduled).when(processDue, { now: '2026-03-10T04:59:59.999Z' }).thenNoEvents();
  });

  it('applies due schedules only, at or after their instant', () => {
    givenCommands(scheduled)
      .when(processDue, { now: '2026-03-10T05:00:00.000Z' })
      .thenEvents([
        { type: 'TeamMembershipChanged', data: { learnerId: '0001', added: ['inactive-learners'], removed: ['sales'] } },
        { type: 'LearnerDeactivated', data: { learnerId: '0001', removedTeams: ['sales'], reason: 'contract ended', scheduleId: 'early' } },
        { type: 'LicenseReleased', data: { learnerId: '0001', licenseId: 'L-1' } },
        { type: 'ScheduledDeactivationCompleted', data: { scheduleId: 'early', deactivated: ['0001'], skipped: [] } },
      ]);
  });

  it('applies several due schedules oldest first, and never twice', () => {
    const decision = givenCommands(scheduled).when(processDue, { now: '2026-05-01T00:00:00.000Z' }).thenEventTypes([
      'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ScheduledDeactivationCompleted',
      'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ScheduledDeactivationCompleted',
    ]);
    expect(decision.events[3]!.event.data).toEqual(expect.objectContaining({ scheduleId: 'early' }));
    expect(decision.events[7]!.event.data).toEqual(expect.objectContaining({ scheduleId: 'late' }));
    for (const emitted of decision.events) expect(emitted.actor).toEqual({ kind: 'system', id: 'scheduler' });
    givenCommands([...scheduled, at('2026-05-01T00:00:00.000Z', processDue)]).when(processDue, { now: '2026-06-01T00:00:00.000Z' }).thenNoEvents();
  });

  it('completes a schedule whose learner was deactivated in the meantime, reporting the skip', () => {
    givenCommands([...scheduled, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }])
      .when(processDue, { now: '2026-03-11T00:00:00.000Z' })
      .thenEvents([{ type: 'ScheduledDeactivationCompleted', data: { scheduleId: 'early', deactivated: [], skipped: ['0001'] } }]);
  });

  it('skips the move of a connector organization', () => {
    givenCommands([...connectorOrg(), scheduleOf('s', '2026-03-10')])
      .when(processDue, { now: '2026-03-11T00:00:00.000Z' })
      .thenEventTypes(['LearnerDeactivated', 'LicenseReleased', 'ScheduledDeactivationCompleted']);
  });
});

describe('cancel scheduled deactivation', () => {
  const scheduled: Command[] = [...acme(), scheduleOf('s1', '2026-03-10')];

  it('cancels a pending schedule, which then never applies', () => {
    givenCommands(scheduled)
      .when({ type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's1', reason: 'stays on' }, ctx)
      .thenEvents([{ type: 'ScheduledDeactivationCancelled', data: { scheduleId: 's1', reason: 'stays on' } }]);
    givenCommands([...scheduled, { type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's1' }]).when(processDue, { now: '2026-04-01T00:00:00.000Z' }).thenNoEvents();
  });

  it('skips a schedule already cancelled or completed, and refuses an unknown one', () => {
    givenCommands([...scheduled, { type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's1' }])
      .when({ type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's1' }, ctx)
      .thenOutcomes([{ status: 'skipped', code: 'CANCELLED' }]);
    givenCommands([...scheduled, at('2026-04-01T00:00:00.000Z', processDue)])
      .when({ type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 's1' }, { now: '2026-04-02T00:00:00.000Z' })
      .thenOutcomes([{ status: 'skipped', code: 'COMPLETED' }]);
    givenCommands(scheduled).when({ type: 'CancelScheduledDeactivation', orgId: 'acme', scheduleId: 'nope' }, ctx).thenError('SCHEDULE_NOT_FOUND');
  });
});
