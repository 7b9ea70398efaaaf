import type { CommandResult, Outcome, OutcomeEffects, OrganizationState } from '@learner-ledger/core';

/** The events a command appended, for `--json` output. */
export const eventsJson = (result: CommandResult) =>
  result.events.map((change) => ({ type: change.event.type, data: change.event.data, streamVersion: change.streamVersion }));

/** Seats, licenses in use and available, for `--json` output. */
export const licensesJson = (state: OrganizationState) => ({ seats: state.seats, inUse: state.licensesInUse, available: state.seats - state.licensesInUse });

/** `applied` / `unchanged` / `duplicate` explained for people. */
export const statusNote = (result: CommandResult): string =>
  result.status === 'duplicate' ? ' (already applied earlier under this command id: nothing new was written)' : result.status === 'unchanged' ? ' (nothing to change)' : '';

/** What an outcome changed: its effects when it was applied, nothing otherwise. */
export const effectsOf = (outcome: Outcome | undefined): OutcomeEffects => (outcome?.status === 'applied' ? (outcome.effects ?? {}) : {});
