import * as E from 'fp-ts/lib/Either.js';
import type { DeactivateLearners, MoveOptions } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import type { MoveInstruction } from '../events.js';
import { checkText } from '../validation.js';
import { runSteps } from './batch.js';
import { fromStep, lineOf, ok, type DecisionContext, type Emitted, type Result, type Step } from './decision.js';
import type { OutcomeAction, OutcomeEffects } from './outcomes.js';
import { learnerNotFound, unknownTeam } from './refusals.js';
import { guardScimDeactivations } from './scim-guard.js';
import type { OrganizationState } from './state.js';

/** The concrete move of a deactivation, `null` for none, and why the asked move is skipped, if it is. */
export interface ResolvedMove {
  readonly move: MoveInstruction | null;
  readonly skippedBecause?: string;
}

/**
 * The move step a deactivation asks for, made concrete: `undefined` is the
 * organization's policy (into the inactive team, out of all others), `null`
 * is none. Connector organizations without an inactive team skip it.
 */
export const resolveMove = (state: OrganizationState, move: MoveOptions | null | undefined): E.Either<DomainError, ResolvedMove> => {
  if (move === null) return E.right({ move: null });
  if (state.inactiveTeamId === null) {
    if (state.connector !== 'none') {
      return E.right({ move: null, skippedBecause: `organization ${state.orgId} syncs from ${state.connector} and has no inactive team: the move step is skipped` });
    }
    if (move === undefined) return E.right({ move: null });
    return E.left(domainError('INACTIVE_TEAM_MISSING', `Organization ${state.orgId} has no inactive team to move learners to`, { field: 'move' }));
  }
  if (move === undefined) return E.right({ move: { addTo: state.inactiveTeamId, removeFrom: 'all' } });
  const addTo = move.addTo ?? state.inactiveTeamId;
  if (!state.teams.has(addTo)) return E.left(unknownTeam(state, addTo, 'move'));
  if (addTo !== state.inactiveTeamId) {
    return E.left(
      domainError('MOVE_TARGET_NOT_INACTIVE_TEAM', `A deactivated learner can only be moved to the inactive team (${state.inactiveTeamId}), not ${addTo}`, {
        subject: addTo,
        field: 'move',
        value: addTo,
      }),
    );
  }
  if (move.removeFrom !== 'all') {
    for (const teamId of move.removeFrom) if (!state.teams.has(teamId)) return E.left(unknownTeam(state, teamId, 'move'));
  }
  return E.right({ move: { addTo, removeFrom: move.removeFrom === 'all' ? 'all' : [...move.removeFrom] } });
};

/** How one learner's deactivation came about, beyond the move. */
export interface DeactivationDetails {
  readonly reason?: string;
  readonly line?: number;
  /** The scheduled deactivation this one completes. */
  readonly scheduleId?: string;
  readonly action?: OutcomeAction;
}

/**
 * Deactivates one learner, atomically: the move (when asked), the switch-off
 * recording the teams it removed (what a reactivation restores), and the
 * license's release. An inactive learner is skipped.
 */
export const deactivateLearner = (state: OrganizationState, learnerId: string, resolved: ResolvedMove, details: DeactivationDetails = {}): Step => {
  const where = lineOf(details.line);
  const action = details.action ?? 'deactivate';
  const learner = state.learners.get(learnerId);
  // An import line names one learner (`learnerId`); the commands name several (`learnerIds`).
  if (!learner) return E.left({ ...learnerNotFound(state, learnerId, details.line !== undefined ? 'learnerId' : 'learnerIds'), ...where });
  if (learner.status === 'inactive') {
    return E.right({ events: [], outcome: { subject: learnerId, action, status: 'skipped', code: 'ALREADY_INACTIVE', message: `Learner ${learnerId} is already inactive`, ...where } });
  }
  const events: Emitted[] = [];
  let effects: OutcomeEffects = {};
  let removed: string[] = [];
  const move = resolved.move;
  if (move) {
    removed =
      move.removeFrom === 'all'
        ? learner.teams.filter((teamId) => teamId !== move.addTo)
        : learner.teams.filter((teamId) => teamId !== move.addTo && (move.removeFrom as string[]).includes(teamId));
    const added = learner.teams.includes(move.addTo) ? [] : [move.addTo];
    if (added.length > 0 || removed.length > 0) {
      events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId, added, removed } }, ...where });
      effects = { addedTo: added, removedFrom: removed };
    }
  }
  events.push({
    event: {
      type: 'LearnerDeactivated',
      data: {
        learnerId,
        removedTeams: removed,
        ...(details.reason !== undefined && details.reason !== '' ? { reason: details.reason } : {}),
        ...(details.scheduleId !== undefined ? { scheduleId: details.scheduleId } : {}),
      },
    },
    ...where,
  });
  if (learner.licenseId !== null) {
    events.push({ event: { type: 'LicenseReleased', data: { learnerId, licenseId: learner.licenseId } }, ...where });
    effects = { ...effects, licenseReleased: learner.licenseId };
  }
  return E.right({
    events,
    outcome: {
      subject: learnerId,
      action,
      status: 'applied',
      ...(resolved.skippedBecause ? { code: 'MOVE_SKIPPED' as const, message: resolved.skippedBecause } : {}),
      effects,
      ...where,
    },
  });
};

/**
 * Deactivates 1..n learners as one decision: all of them, or (unless
 * `partial`) none. Through SCIM, the learners it would switch off pass the
 * mass-deactivation guard together or are held together.
 */
export const deactivateLearners = (state: OrganizationState, c: DeactivateLearners, context?: DecisionContext): Result => {
  if (c.learnerIds.length === 0) return E.left(domainError('EMPTY_COMMAND', 'Deactivate learners needs at least one learner id', { field: 'learnerIds' }));
  const resolved = resolveMove(state, c.move);
  if (E.isLeft(resolved)) return resolved;
  if (c.reason !== undefined) {
    const invalid = checkText('reason', 'Reason', c.reason, false);
    if (invalid) return E.left(invalid);
  }
  const details = c.reason !== undefined ? { reason: c.reason } : {};
  const result = runSteps(state, c.learnerIds, (draft, learnerId) => fromStep(deactivateLearner(draft, learnerId, resolved.right, details)), c.partial ?? false, () => 'deactivate');
  if (E.isLeft(result)) return result;
  if (context?.channel === 'scim') {
    const switchedOff = result.right.outcomes.filter((outcome) => outcome.status === 'applied').map((outcome) => outcome.subject);
    const held = switchedOff.length > 0 ? guardScimDeactivations(state, switchedOff, context.now) : undefined;
    if (held) return ok(held.events, [...result.right.outcomes.filter((outcome) => outcome.status !== 'applied'), ...held.outcomes]);
  }
  return ok(result.right.events, result.right.outcomes);
};
