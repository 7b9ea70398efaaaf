import { deepStrictEqual, fail, strictEqual } from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from '../commands.js';
import type { DomainError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import { decide } from '../organization/decide.js';
import type { Decision } from '../organization/decision.js';
import type { Outcome } from '../organization/outcomes.js';
import { evolve } from '../organization/evolve.js';
import { initialOrganizationState, type OrganizationState } from '../organization/state.js';

/**
 * Given events / when command / then events or error, for the organization
 * decider. Framework-neutral: failures throw node:assert errors.
 *
 * ```ts
 * givenEvents(onboarded).when(deactivate, { now }).thenEvents([...]);
 * ```
 */
export interface DeciderSpecThen {
  /** The decision emitted exactly these events, in order. */
  thenEvents(expected: readonly DomainEvent[]): Decision;
  /** The decision emitted events of exactly these types, in order. */
  thenEventTypes(expected: readonly DomainEvent['type'][]): Decision;
  /** The command was refused with this error code. */
  thenError(code: string): DomainError;
  /** The decision, for assertions of your own. */
  decision(): E.Either<DomainError, Decision>;
  /** The outcomes, asserting the decision succeeded. */
  thenOutcomes(expected: readonly Partial<Outcome>[]): Decision;
  /** The decision succeeded without emitting anything. */
  thenNoEvents(): Decision;
  /** The state after folding the given events and the decision's events, asserting the decision succeeded. */
  thenState(): OrganizationState;
}

/** The instant the kit decides at when a test gives none. */
export const SPEC_NOW = '2026-01-01T00:00:00.000Z';

/** A command decided at its own instant, for givens that span time (see {@link at}). */
export interface TimedCommand {
  readonly command: Command;
  readonly now: string;
}
/** `at('2026-04-01T00:00:00Z', processDue)`: decide this given command at that instant. */
export const at = (now: string, command: Command): TimedCommand => ({ command, now });

/**
 * The events a sequence of commands produces, each decided on the state the
 * previous ones left: a readable way to write the "given" of a test.
 * Throws when a command is refused.
 */
export const eventsOf = (
  commands: readonly (Command | TimedCommand)[],
  context: { now: string } = { now: SPEC_NOW },
  given: readonly DomainEvent[] = [],
): DomainEvent[] => {
  const state = foldEvents(given);
  const events: DomainEvent[] = [...given];
  for (const item of commands) {
    const [command, now] = 'command' in item ? [item.command, item.now] : [item, context.now];
    const result = decide(command, state, { now });
    if (E.isLeft(result)) fail(`given command ${command.type} was refused with ${result.left.code}: ${result.left.message}`);
    for (const emitted of result.right.events) {
      evolve(state, emitted.event);
      events.push(emitted.event);
    }
  }
  return events;
};

/** Given the events of these commands (see {@link eventsOf}). */
export const givenCommands = (commands: readonly (Command | TimedCommand)[], context: { now: string } = { now: SPEC_NOW }) => givenEvents(eventsOf(commands, context));

export const foldEvents = (events: readonly DomainEvent[], state: OrganizationState = initialOrganizationState()): OrganizationState =>
  events.reduce((s, event) => evolve(s, event), state);

export const givenEvents = (events: readonly DomainEvent[]) => ({
  when(command: Command, context: { now: string } = { now: SPEC_NOW }): DeciderSpecThen {
    const state = foldEvents(events);
    const result = decide(command, state, context);
    const success = (): Decision => {
      if (E.isLeft(result)) fail(`expected the command to succeed, it failed with ${result.left.code}: ${result.left.message}`);
      return result.right;
    };
    return {
      thenEvents(expected) {
        const decision = success();
        deepStrictEqual(decision.events.map((e) => e.event), expected);
        return decision;
      },
      thenEventTypes(expected) {
        const decision = success();
        deepStrictEqual(decision.events.map((e) => e.event.type), expected);
        return decision;
      },
      thenError(code) {
        if (E.isRight(result)) fail(`expected error ${code}, the command succeeded with ${result.right.events.length} events`);
        strictEqual(result.left.code, code, result.left.message);
        return result.left;
      },
      thenOutcomes(expected) {
        const decision = success();
        strictEqual(decision.outcomes.length, expected.length, JSON.stringify(decision.outcomes));
        expected.forEach((partial, index) => {
          const actual = decision.outcomes[index]!;
          for (const [key, value] of Object.entries(partial)) deepStrictEqual(actual[key as keyof Outcome], value, `outcome ${index}.${key}`);
        });
        return decision;
      },
      thenNoEvents() {
        const decision = success();
        deepStrictEqual(decision.events.map((e) => e.event.type), []);
        return decision;
      },
      thenState() {
        const decision = success();
        return foldEvents(decision.events.map((e) => e.event), foldEvents(events));
      },
      decision: () => result,
    };
  },
});
