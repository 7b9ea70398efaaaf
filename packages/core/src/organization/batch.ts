import * as E from 'fp-ts/lib/Either.js';
import { domainError, type DomainError } from '../errors.js';
import { foldOnto, type Decision, type Emitted } from './decision.js';
import type { Outcome, OutcomeAction, RejectedOutcome } from './outcomes.js';
import { draftOf, type OrganizationState } from './state.js';

/** A refused step as the outcome a `partial` decision reports. */
const rejected = (error: DomainError, action: OutcomeAction): RejectedOutcome => ({
  subject: error.subject ?? '',
  action,
  status: 'rejected',
  code: error.code,
  message: error.message,
  ...(error.field !== undefined ? { field: error.field } : {}),
  ...(error.value !== undefined ? { value: error.value } : {}),
  ...(error.line !== undefined ? { line: error.line } : {}),
});

/** What steps run on a draft gave: the events of the applied ones, every outcome, and the refusals. */
export interface StepsOnDraft {
  readonly events: Emitted[];
  readonly outcomes: Outcome[];
  readonly errors: DomainError[];
}

/**
 * Runs steps one after another on `draft`, folding what each applied step
 * emits onto it, so the next step sees it. A refused step changes nothing and
 * is reported as a rejected outcome. A dry run calls it batch after batch on
 * one draft; {@link runSteps} on a fresh draft of the state.
 */
export const runStepsOn = <T>(
  draft: OrganizationState,
  items: readonly T[],
  step: (draft: OrganizationState, item: T) => E.Either<DomainError, Decision>,
  actionOf: (item: T) => OutcomeAction,
): StepsOnDraft => {
  const events: Emitted[] = [];
  const outcomes: Outcome[] = [];
  const errors: DomainError[] = [];
  for (const item of items) {
    const result = step(draft, item);
    if (E.isLeft(result)) {
      errors.push(result.left);
      outcomes.push(rejected(result.left, actionOf(item)));
      continue;
    }
    foldOnto(draft, result.right.events);
    events.push(...result.right.events);
    outcomes.push(...result.right.outcomes);
  }
  return { events, outcomes, errors };
};

/**
 * Runs steps one after another on a draft of the state, as one decision: each
 * step sees what the earlier ones emitted, and the given state is left as it
 * is. All or nothing: any refused step refuses the whole decision
 * (`BATCH_REJECTED` lists every refusal) unless `partial`, where refused
 * steps are reported as rejected outcomes and the others applied.
 */
export const runSteps = <T>(
  state: OrganizationState,
  items: readonly T[],
  step: (draft: OrganizationState, item: T) => E.Either<DomainError, Decision>,
  partial: boolean,
  actionOf: (item: T) => OutcomeAction,
): E.Either<DomainError, { events: Emitted[]; outcomes: Outcome[] }> => {
  const { events, outcomes, errors } = runStepsOn(draftOf(state), items, step, actionOf);
  if (errors.length > 0 && !partial) {
    if (items.length === 1) return E.left(errors[0]!);
    return E.left(domainError('BATCH_REJECTED', `${errors.length} of ${items.length} items were refused, so nothing was applied (first: ${errors[0]!.message})`, { errors }));
  }
  return E.right({ events, outcomes });
};
