import type { Command } from '../commands.js';
import { organizationStreamId } from '../ids.js';
import { decide, type DecisionContext } from './decide.js';
import { evolve } from './evolve.js';
import { initialOrganizationState, type OrganizationState } from './state.js';

/**
 * The organization decider as plain data: `initialState`, `evolve`, `decide`.
 * Everything else (loading, appending, retrying) is generic (see handler.ts).
 */
export const organizationDecider = {
  initialState: initialOrganizationState,
  evolve,
  decide,
  streamId: (command: Command): string => organizationStreamId(command.orgId),
} as const;

export type { DecisionContext, OrganizationState };
