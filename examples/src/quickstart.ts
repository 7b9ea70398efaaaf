/**
 * Quickstart: onboard an organization, register learners, deactivate one with
 * the move to the Inactive Learners team, and look at the license count.
 * Runs on the in-memory store; swap the store for SQLite or PostgreSQL and
 * nothing else changes.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, type Command, type CommandContext } from '@learner-ledger/core';

export async function main(log: (line: string) => void = console.log) {
  const ledger = createLedger({ store: new InMemoryEventStore() });
  const admin: CommandContext = { actor: { kind: 'admin', id: 'jo@acme.test' }, channel: 'api' };
  const run = async (command: Command, context: CommandContext = admin) => {
    const result = await ledger.execute(command, context);
    if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
    return result.right;
  };

  await run({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme Corp', seats: 3, timeZone: 'Europe/Berlin' });
  await run({ type: 'CreateTeam', orgId: 'acme', name: 'Sales' });
  await run({ type: 'RegisterLearner', orgId: 'acme', learnerId: '0042', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', teams: ['sales'] });
  await run({ type: 'RegisterLearner', orgId: 'acme', learnerId: '0043', email: 'alan@acme.test', firstName: 'Alan', lastName: 'Turing', teams: ['sales'] });

  // Learner Profile path: one learner, moved to the inactive team and out of every other team.
  const deactivation = await run(
    { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0042'], move: { removeFrom: 'all' }, reason: 'left the company' },
    { ...admin, channel: 'learner-profile' },
  );
  for (const change of deactivation.events) log(`${change.event.type} ${JSON.stringify(change.event.data)}`);

  const state = await ledger.state('acme');
  if (E.isLeft(state)) throw new Error(state.left.message);
  const { seats, licensesInUse } = state.right;
  log(`licenses: ${licensesInUse} of ${seats} in use, ${seats - licensesInUse} available`);
  return { seats, inUse: licensesInUse, teamsOf0042: state.right.learners.get('0042')?.teams ?? [] };
}
