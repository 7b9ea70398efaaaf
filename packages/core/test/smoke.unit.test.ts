import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore } from '../src/index.js';
import { adminContext, sampleOrganizationCommands } from '../src/testing/index.js';

test('a sample organization deactivates a learner with the move', async () => {
  const ledger = createLedger({ store: new InMemoryEventStore() });
  for (const command of sampleOrganizationCommands()) {
    const result = await ledger.execute(command, adminContext());
    expect(E.isRight(result)).toBe(true);
  }
  const result = await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext({ channel: 'learner-profile' }));
  if (E.isLeft(result)) throw new Error(result.left.message);
  expect(result.right.events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);
  const state = await ledger.state('acme');
  if (E.isLeft(state)) throw new Error(state.left.message);
  expect(state.right.licensesInUse).toBe(3);
  expect(state.right.learners.get('0002')?.teams).toEqual(['inactive-learners']);
});
