/**
 * Learner Draft path: an administrator ticks several learners, picks
 * Actions → Deactivate Learners, keeps "Move learner(s) upon deactivation"
 * (Add to: Inactive Learners Team, Remove from: Select All) and confirms.
 *
 * The library receives ONE command for all of them. It is one decision: every
 * learner is moved, switched off and has their license released — or, if any
 * learner cannot be (an unknown id, say), nothing is written at all.
 */
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { admin, licenses, onboardAcme, run, stateOf } from './sample-organization.js';

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore()) {
  const ledger = createLedger({ store });
  await onboardAcme(ledger);

  // A typo in one id refuses the whole bulk command: nobody is half-deactivated.
  const refused = await ledger.execute(
    { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0002', '9999'], move: { removeFrom: 'all' } },
    admin('learner-draft'),
  );
  const refusal = refused._tag === 'Left' ? refused.left.code : 'applied';
  log(`with an unknown id: ${refusal}; licenses ${licenses(await stateOf(ledger, 'acme'))}`);

  // The corrected selection: three learners, moved to the Inactive Learners team and out of every other team.
  const result = await run(
    ledger,
    { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0002', '0003'], move: { removeFrom: 'all' }, reason: 'left the company' },
    admin('learner-draft'),
  );
  for (const { event } of result.events) log(`${event.type} ${JSON.stringify(event.data)}`);

  const state = await stateOf(ledger, 'acme');
  log(`licenses: ${licenses(state)}`);
  return {
    refusal,
    eventTypes: result.events.map(({ event }) => event.type),
    inUse: state.licensesInUse,
    teams: Object.fromEntries(['0001', '0002', '0003', '0004'].map((id) => [id, state.learners.get(id)!.teams])),
  };
}
