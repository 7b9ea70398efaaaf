import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import type { Actor, Channel } from '../metadata.js';
import { evolve } from './evolve.js';
import type { Outcome } from './outcomes.js';
import type { OrganizationState } from './state.js';

/** What a decision needs besides the state: the instant it is made at (UTC ISO), and the channel the command came through. */
export interface DecisionContext {
  readonly now: string;
  /** Rules of one channel (the SCIM mass-deactivation guard) apply to it only; absent: no channel's own rules. */
  readonly channel?: Channel;
}

/** An event a decision emits, with what its metadata must say beyond the command's. */
export interface Emitted {
  readonly event: DomainEvent;
  readonly line?: number;
  readonly causationId?: string;
  readonly channel?: Channel;
  readonly actor?: Actor;
}

/** The events to append and what happened to each subject. */
export interface Decision {
  readonly events: readonly Emitted[];
  readonly outcomes: readonly Outcome[];
}

/** A whole command's answer. */
export type Result = E.Either<DomainError, Decision>;

/** One subject's answer (one learner, one import line): what a batch is made of. */
export type Step = E.Either<DomainError, { events: Emitted[]; outcome: Outcome }>;

export const ok = (events: Emitted[], outcomes: Outcome[] = []): Result => E.right({ events, outcomes });

/** A command made of one step. */
export const fromStep = (step: Step): Result => E.map(({ events, outcome }: { events: Emitted[]; outcome: Outcome }) => ({ events, outcomes: [outcome] }))(step);

/** The import line a step's events, outcome and errors carry, as fields to spread (none outside imports). */
export const lineOf = (line: number | undefined): { line?: number } => (line !== undefined ? { line } : {});

/** Folds emitted events onto a draft so the next step of the same decision sees them. */
export const foldOnto = (draft: OrganizationState, emitted: readonly Emitted[]): void => {
  for (const item of emitted) evolve(draft, item.event);
};
