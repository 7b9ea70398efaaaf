/**
 * Learner Profile path: an administrator opens one learner's profile and
 * picks Actions → Deactivate Learner with the same move options. The library
 * receives the same command as the bulk path, for one learner, through the
 * `learner-profile` channel — which the audit trail keeps.
 *
 * Deactivating an already inactive learner writes nothing and says so.
 */
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { admin, licenses, onboardAcme, run, stateOf } from './sample-organization.js';

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore()) {
  const ledger = createLedger({ store });
  await onboardAcme(ledger);

  // Leaving `move` out applies the organization's policy: into the inactive team, out of all others.
  const first = await run(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'], reason: 'contract ended' }, admin('learner-profile'));
  for (const change of first.events) log(`${change.event.type} via ${change.metadata.channel} by ${change.metadata.actor.id}`);

  // The same click again: nothing to do, reported as skipped.
  const again = await run(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, admin('learner-profile'));
  log(`again: ${again.outcomes[0]?.status} (${again.outcomes[0]?.code})`);

  const state = await stateOf(ledger, 'acme');
  const learner = state.learners.get('0002')!;
  log(`0002 is ${learner.status}, teams ${learner.teams.join(', ')}; licenses ${licenses(state)}`);
  return {
    channels: [...new Set(first.events.map((change) => change.metadata.channel))],
    secondAttempt: { status: again.status, outcome: again.outcomes[0]?.status, code: again.outcomes[0]?.code },
    status: learner.status,
    teams: learner.teams,
    inUse: state.licensesInUse,
  };
}
