import { main as bulk } from '../src/learner-draft-bulk-deactivation.js';
import { main as profile } from '../src/learner-profile-deactivation.js';
import { main as reactivation } from '../src/reactivation-restores-teams.js';
import { main as scheduled } from '../src/scheduled-deactivation.js';

const quiet = () => undefined;

test('learner draft: an unknown id refuses the whole bulk command; the corrected one moves, deactivates and releases for each learner', async () => {
  const outcome = await bulk(quiet);
  expect(outcome.refusal).toBe('BATCH_REJECTED');
  expect(outcome.eventTypes).toEqual([
    'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
    'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
    'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
  ]);
  expect(outcome.inUse).toBe(1);
  expect(outcome.teams).toEqual({ '0001': ['inactive-learners'], '0002': ['inactive-learners'], '0003': ['inactive-learners'], '0004': ['sales'] });
});

test('learner profile: one learner through the learner-profile channel; a second attempt is skipped', async () => {
  const outcome = await profile(quiet);
  expect(outcome).toEqual({
    channels: ['learner-profile'],
    secondAttempt: { status: 'unchanged', outcome: 'skipped', code: 'ALREADY_INACTIVE' },
    status: 'inactive',
    teams: ['inactive-learners'],
    inUse: 3,
  });
});

test('reactivation restores the teams the deactivation removed and keeps the activity history', async () => {
  const outcome = await reactivation(quiet);
  expect(outcome).toEqual({ teamsWhileInactive: ['inactive-learners'], teams: ['sales', 'support'], status: 'active', activityCount: 1, inUse: 4 });
});

test('a scheduled deactivation takes effect at the start of the day in the organization time zone, not before', async () => {
  const lines: string[] = [];
  const outcome = await scheduled((line) => lines.push(line));
  expect(outcome).toEqual({
    effectiveAt: '2026-07-01T05:00:00.000Z',
    eventsBeforeDue: 0,
    eventsWhenDue: ['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ScheduledDeactivationCompleted'],
    status: 'inactive',
    inUse: 3,
  });
  expect(lines.some((line) => line.includes('actor system'))).toBe(true);
});
