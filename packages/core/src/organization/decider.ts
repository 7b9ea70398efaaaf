import type { Command } from '../commands.js';
import { organizationStreamId } from '../ids.js';
import { decide } from './decide.js';
import type { DecisionContext } from './decision.js';
import { evolve } from './evolve.js';
import { initialOrganizationState, type OrganizationState } from './state.js';

/**
 * The organization decider as plain data: `initialState`, `evolve`, `decide`
 * and the stream a command belongs to. The Ledger (ledger.ts) runs it;
 * loading, appending and retrying are generic and live there.
 */
export const organizationDecider = {
  initialState: initialOrganizationState,
  evolve,
  decide,
  streamId: (command: Command): string => organizationStreamId(command.orgId),
} as const;

export type { DecisionContext, OrganizationState };
export type { Decision, Emitted } from './decision.js';
export type { Outcome } from './outcomes.js';
