/**
 * Shared by the examples: a ledger that throws on refusals (examples read
 * better that way) and a small sample organization.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Command, CommandContext, CommandResult, EventStore, Ledger, OrganizationState } from '@learner-ledger/core';

/** An administrator working in the product's screens. */
export const admin = (channel: CommandContext['channel'] = 'api', now?: string): CommandContext => ({
  actor: { kind: 'admin', id: 'jo@acme.test' },
  channel,
  ...(now !== undefined ? { now } : {}),
});

/** Runs a command and returns its result, or throws the domain error as `CODE: message`. */
export const run = async (ledger: Ledger, command: Command, context: CommandContext = admin()): Promise<CommandResult> => {
  const result = await ledger.execute(command, context);
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

/** The organization's current state (throws if it cannot be read). */
export const stateOf = async (ledger: Ledger, orgId: string): Promise<OrganizationState> => {
  const state = await ledger.state(orgId);
  if (E.isLeft(state)) throw new Error(`${state.left.code}: ${state.left.message}`);
  return state.right;
};

/**
 * Acme Corp: 10 seats in America/Chicago, teams Sales and Support (plus the
 * Inactive Learners team every organization gets), four active learners.
 */
export const onboardAcme = async (ledger: Ledger, now?: string): Promise<void> => {
  const context = admin('api', now);
  await run(ledger, { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme Corp', seats: 10, timeZone: 'America/Chicago' }, context);
  await run(ledger, { type: 'CreateTeam', orgId: 'acme', name: 'Sales' }, context);
  await run(ledger, { type: 'CreateTeam', orgId: 'acme', name: 'Support' }, context);
  const people = [
    ['0001', 'ada@acme.test', 'Ada', 'Lovelace', ['sales']],
    ['0002', 'alan@acme.test', 'Alan', 'Turing', ['sales', 'support']],
    ['0003', 'grace@acme.test', 'Grace', 'Hopper', ['support']],
    ['0004', 'edsger@acme.test', 'Edsger', 'Dijkstra', ['sales']],
  ] as const;
  for (const [learnerId, email, firstName, lastName, teams] of people) {
    await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId, email, firstName, lastName, teams: [...teams] }, context);
  }
};

/** `3 of 10 in use, 7 available`. */
export const licenses = (state: OrganizationState): string => `${state.licensesInUse} of ${state.seats} in use, ${state.seats - state.licensesInUse} available`;

/** Closes a store the example opened (in-memory stores too, for symmetry). */
export const closing = async <T>(store: EventStore, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } finally {
    await store.close();
  }
};
