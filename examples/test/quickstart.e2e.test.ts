import { main } from '../src/quickstart.js';

test('quickstart deactivates a learner, moves them and releases the license', async () => {
  const lines: string[] = [];
  const outcome = await main((line) => lines.push(line));
  expect(outcome).toEqual({ seats: 3, inUse: 1, teamsOf0042: ['inactive-learners'] });
  expect(lines.slice(0, 3).map((line) => line.split(' ')[0])).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);
});
