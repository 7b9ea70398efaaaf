/**
 * Reactivation: someone comes back. Reactivating assigns a license again,
 * takes the learner out of the Inactive Learners team and — because the
 * deactivation recorded which teams its move removed — puts them back on
 * exactly those teams. Their activity history was never lost.
 */
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { admin, licenses, onboardAcme, run, stateOf } from './sample-organization.js';

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore()) {
  const ledger = createLedger({ store });
  await onboardAcme(ledger);
  await run(ledger, { type: 'RecordActivity', orgId: 'acme', learnerId: '0002', activityId: 'c-101', kind: 'completion', courseId: 'security-basics' });

  await run(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, admin('learner-profile'));
  // A state view is live: read what you need from it before the next command.
  const teamsWhileInactive = (await stateOf(ledger, 'acme')).learners.get('0002')!.teams;
  log(`deactivated: teams ${teamsWhileInactive.join(', ')}`);

  // No teams given: the ones the deactivation removed are restored.
  const back = await run(ledger, { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0002' });
  for (const { event } of back.events) log(`${event.type} ${JSON.stringify(event.data)}`);

  const state = await stateOf(ledger, 'acme');
  const learner = state.learners.get('0002')!;
  log(`reactivated: teams ${learner.teams.join(', ')}, license ${learner.licenseId}; licenses ${licenses(state)}`);
  return { teamsWhileInactive, teams: learner.teams, status: learner.status, activityCount: learner.activityCount, inUse: state.licensesInUse };
}
